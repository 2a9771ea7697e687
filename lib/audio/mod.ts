/**
 * Audio helpers for realtime conversations: PCM16 frames of 20 ms at 24 kHz mono, base64,
 * downmixing and resampling to 24 kHz, and streaming WAV read/write.
 *
 * @example Cutting a stream into 20 ms frames
 * ```ts
 * import { encodeBase64, Pcm16Framer, PCM16_FRAME_BYTES } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const frames = new Pcm16Framer().push(new Uint8Array(PCM16_FRAME_BYTES * 2));
 * assert.equal(frames.length, 2);
 * assert.equal(encodeBase64(frames[0]).length, 1280);
 * ```
 *
 * @module
 */

export * from "./pcm16.ts";
export * from "./resample.ts";
export * from "./wav.ts";
