import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { Pcm16Resampler } from "../../lib/audio/resample.ts";

function sine(rate: number, hz: number, samples: number, channels = 1): Int16Array {
  const out = new Int16Array(samples * channels);
  for (let index = 0; index < samples; index++) {
    const value = Math.round(10_000 * Math.sin(2 * Math.PI * hz * index / rate));
    for (let channel = 0; channel < channels; channel++) out[index * channels + channel] = value;
  }
  return out;
}

Deno.test("24 kHz mono passes through unchanged", () => {
  const input = sine(24_000, 440, 480);
  assert.deepEqual(new Pcm16Resampler({ sampleRate: 24_000, numChannels: 1 }).push(input), input);
});

Deno.test("stereo is downmixed by averaging", () => {
  const resampler = new Pcm16Resampler({ sampleRate: 24_000, numChannels: 2 });
  assert.deepEqual(
    resampler.push(Int16Array.from([100, 300, -50, 50, 7])),
    Int16Array.from([200, 0]),
  );
  // The dangling half frame waits for its partner.
  assert.deepEqual(resampler.push(Int16Array.from([9])), Int16Array.from([8]));
});

for (const rate of [8_000, 16_000, 44_100, 48_000, 96_000]) {
  Deno.test(`${rate} Hz → 24 kHz keeps the length and the tone, across chunk boundaries`, () => {
    const seconds = 1;
    const input = sine(rate, 440, rate * seconds, 2);
    const resampler = new Pcm16Resampler({ sampleRate: rate, numChannels: 2 });
    const parts: Int16Array[] = [];
    for (let offset = 0; offset < input.length; offset += 2 * 333) {
      parts.push(resampler.push(input.subarray(offset, offset + 2 * 333)));
    }
    const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    // Up to one input period of output waits for samples that never come.
    assert.ok(
      Math.abs(out.length - 24_000) <= Math.ceil(24_000 / rate),
      `got ${out.length} samples`,
    );
    const expected = sine(24_000, 440, out.length);
    let worst = 0;
    for (let index = 0; index < out.length - 1; index++) {
      worst = Math.max(worst, Math.abs(out[index] - expected[index]));
    }
    // Linear interpolation of a 440 Hz tone: within a few percent of full scale.
    assert.ok(worst < (rate === 8_000 ? 700 : 300), `worst error ${worst}`);
  });
}

Deno.test("unsupported rates and channel counts are audio errors", () => {
  for (
    const format of [
      { sampleRate: 4_000, numChannels: 1 },
      { sampleRate: 200_000, numChannels: 1 },
      { sampleRate: 22_050.5, numChannels: 1 },
      { sampleRate: 24_000, numChannels: 0 },
    ]
  ) {
    assert.throws(
      () => new Pcm16Resampler(format),
      (error: unknown) => error instanceof CodexWireError && error.kind === "audio",
    );
  }
});
