/**
 * PCM16 helpers for realtime audio: signed 16-bit little-endian samples, mono, 24 kHz,
 * cut into 20 ms frames and carried as base64 in JSON.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";

/** The sample rate of realtime audio, in hertz. */
export const PCM16_SAMPLE_RATE = 24_000;
/** Samples in one 20 ms frame at 24 kHz mono. */
export const PCM16_FRAME_SAMPLES = 480;
/** Bytes in one 20 ms frame at 24 kHz mono (two bytes per sample). */
export const PCM16_FRAME_BYTES = 960;
/** The duration of one frame, in milliseconds. */
export const PCM16_FRAME_MS = 20;

/**
 * Encodes bytes as standard base64 (with padding).
 *
 * @param bytes The bytes.
 * @returns The base64 text.
 *
 * @example Usage
 * ```ts
 * import { encodeBase64 } from "./pcm16.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(encodeBase64(new Uint8Array([1, 2, 3])), "AQID");
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/**
 * Decodes base64 PCM16 audio, checking that it holds whole samples.
 *
 * @param text The base64 text.
 * @returns The PCM16 bytes.
 * @throws {CodexWireError} With kind `audio` when the text is not base64 or its bytes have
 * an odd length.
 *
 * @example Usage
 * ```ts
 * import { decodePcm16Base64 } from "./pcm16.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(decodePcm16Base64("AQID/w=="), new Uint8Array([1, 2, 3, 255]));
 * assert.throws(() => decodePcm16Base64("AQID"), /odd number of bytes/);
 * ```
 */
export function decodePcm16Base64(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.fromBase64(text);
  } catch (cause) {
    throw new CodexWireError("Cannot decode audio: the payload is not base64", {
      kind: "audio",
      cause,
    });
  }
  checkPcm16Length(bytes.byteLength);
  return bytes;
}

/**
 * The number of bytes base64 text stands for, without decoding it (padded or not).
 *
 * @param text The base64 text.
 * @returns The decoded length in bytes.
 * @throws {CodexWireError} With kind `audio` when the length cannot be base64 (one
 * character past a multiple of four).
 *
 * @example Usage
 * ```ts
 * import { base64ByteLength } from "./pcm16.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(base64ByteLength("AQID/w=="), 4);
 * assert.equal(base64ByteLength("AQIDBA"), 4);
 * ```
 */
export function base64ByteLength(text: string): number {
  if (text.length % 4 === 1) {
    throw new CodexWireError(
      `Cannot use audio of ${text.length} base64 characters: that is not a base64 length`,
      { kind: "audio" },
    );
  }
  let padding = 0;
  if (text.endsWith("==")) padding = 2;
  else if (text.endsWith("=")) padding = 1;
  return Math.floor(text.length * 3 / 4) - padding;
}

/**
 * Checks that a PCM16 payload holds whole 16-bit samples.
 *
 * @param byteLength The payload's length in bytes.
 * @throws {CodexWireError} With kind `audio` when the length is odd.
 *
 * @example Usage
 * ```ts
 * import { checkPcm16Length } from "./pcm16.ts";
 * import assert from "node:assert/strict";
 *
 * checkPcm16Length(960);
 * assert.throws(() => checkPcm16Length(3), /odd number of bytes/);
 * ```
 */
export function checkPcm16Length(byteLength: number): void {
  if (byteLength % 2 !== 0) {
    throw new CodexWireError(
      `Cannot use PCM16 audio of ${byteLength} bytes: an odd number of bytes is not whole 16-bit samples`,
      { kind: "audio" },
    );
  }
}

/**
 * The duration of PCM16 audio in milliseconds.
 *
 * @param byteLength The payload's length in bytes.
 * @param sampleRate The sample rate in hertz.
 * @param numChannels The number of interleaved channels.
 * @returns The duration in milliseconds (fractional).
 *
 * @example Usage
 * ```ts
 * import { pcm16DurationMs } from "./pcm16.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pcm16DurationMs(960, 24_000, 1), 20);
 * ```
 */
export function pcm16DurationMs(
  byteLength: number,
  sampleRate: number = PCM16_SAMPLE_RATE,
  numChannels = 1,
): number {
  return (byteLength / 2 / numChannels) * 1000 / sampleRate;
}

/**
 * Cuts a PCM16 byte stream of any chunking into fixed frames (20 ms at 24 kHz mono by
 * default), keeping a partial frame (even an odd trailing byte) for the next push.
 *
 * @example Usage
 * ```ts
 * import { Pcm16Framer } from "./pcm16.ts";
 * import assert from "node:assert/strict";
 *
 * const framer = new Pcm16Framer();
 * assert.equal(framer.push(new Uint8Array(1000)).length, 1);
 * assert.equal(framer.push(new Uint8Array(921)).length, 1);
 * assert.equal(framer.flush()?.byteLength, 1);
 * ```
 */
export class Pcm16Framer {
  #frameBytes: number;
  #pending: Uint8Array = new Uint8Array(0);

  /**
   * Creates a framer.
   *
   * @param frameBytes The frame size in bytes; even. @default {960}
   */
  constructor(frameBytes: number = PCM16_FRAME_BYTES) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0 || frameBytes % 2 !== 0) {
      throw new RangeError(
        `Cannot frame PCM16 audio in ${frameBytes}-byte frames: use an even size`,
      );
    }
    this.#frameBytes = frameBytes;
  }

  /**
   * Adds bytes and returns the whole frames now available (copies, safe to keep).
   *
   * @param bytes The next bytes.
   * @returns The complete frames, in order.
   */
  push(bytes: Uint8Array): Uint8Array[] {
    let data = bytes;
    if (this.#pending.byteLength > 0) {
      data = new Uint8Array(this.#pending.byteLength + bytes.byteLength);
      data.set(this.#pending);
      data.set(bytes, this.#pending.byteLength);
    }
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (data.byteLength - offset >= this.#frameBytes) {
      frames.push(data.slice(offset, offset + this.#frameBytes));
      offset += this.#frameBytes;
    }
    this.#pending = data.slice(offset);
    return frames;
  }

  /**
   * Returns the partial frame left over (or `undefined` when there is none) and empties the
   * framer.
   *
   * @returns The remaining bytes.
   */
  flush(): Uint8Array | undefined {
    const rest = this.#pending;
    this.#pending = new Uint8Array(0);
    return rest.byteLength === 0 ? undefined : rest;
  }
}
