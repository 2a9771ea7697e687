import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import {
  decodePcm16Base64,
  encodeBase64,
  pcm16DurationMs,
  Pcm16Framer,
} from "../../lib/audio/pcm16.ts";

Deno.test("base64 round trip of PCM16 bytes", () => {
  const bytes = new Uint8Array(960).map((_, index) => index % 251);
  assert.deepEqual(decodePcm16Base64(encodeBase64(bytes)), bytes);
});

Deno.test("odd-length and non-base64 audio are audio errors", () => {
  const isAudio = (error: unknown) => error instanceof CodexWireError && error.kind === "audio";
  assert.throws(() => decodePcm16Base64(encodeBase64(new Uint8Array(3))), isAudio);
  assert.throws(() => decodePcm16Base64("!!!"), isAudio);
});

Deno.test("the framer cuts any chunking into 960-byte frames, keeping an odd byte for later", () => {
  const framer = new Pcm16Framer();
  const source = new Uint8Array(960 * 3 + 7).map((_, index) => index % 256);
  const frames: Uint8Array[] = [];
  let offset = 0;
  for (const size of [1, 500, 459, 1000, 921, 6]) {
    frames.push(...framer.push(source.subarray(offset, offset + size)));
    offset += size;
  }
  assert.equal(offset, source.length);
  assert.equal(frames.length, 3);
  assert.deepEqual(frames[1], source.subarray(960, 1920));
  assert.deepEqual(framer.flush(), source.subarray(2880));
  assert.equal(framer.flush(), undefined);
  assert.throws(() => new Pcm16Framer(3), RangeError);
});

Deno.test("durations", () => {
  assert.equal(pcm16DurationMs(960), 20);
  assert.equal(pcm16DurationMs(1920, 48_000, 1), 20);
  assert.equal(pcm16DurationMs(3840, 48_000, 2), 20);
});
