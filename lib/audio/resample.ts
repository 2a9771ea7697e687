/**
 * Downmixing and linear resampling of PCM16 audio to realtime's 24 kHz mono.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { PCM16_SAMPLE_RATE } from "./pcm16.ts";

/** The lowest input sample rate accepted, in hertz. */
export const MIN_SAMPLE_RATE = 8_000;
/** The highest input sample rate accepted, in hertz. */
export const MAX_SAMPLE_RATE = 192_000;

/** The format of the audio given to {@linkcode Pcm16Resampler}. */
export interface Pcm16InputFormat {
  /** Samples per second per channel, 8,000 to 192,000. */
  sampleRate: number;
  /** Interleaved channels, 1 to 32. */
  numChannels: number;
}

/**
 * Checks an audio format against what the resampler takes.
 *
 * @param format The format.
 * @throws {CodexWireError} With kind `audio` for a rate outside 8–192 kHz or a channel
 * count outside 1–32.
 *
 * @example Usage
 * ```ts
 * import { checkPcm16Format } from "./resample.ts";
 * import assert from "node:assert/strict";
 *
 * checkPcm16Format({ sampleRate: 48_000, numChannels: 2 });
 * assert.throws(() => checkPcm16Format({ sampleRate: 4_000, numChannels: 1 }), /sample rate/);
 * ```
 */
export function checkPcm16Format(format: Pcm16InputFormat): void {
  const { sampleRate, numChannels } = format;
  if (
    !Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE
  ) {
    throw new CodexWireError(
      `Cannot resample audio at a sample rate of ${sampleRate} Hz: use a whole rate from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz`,
      { kind: "audio" },
    );
  }
  if (!Number.isInteger(numChannels) || numChannels < 1 || numChannels > 32) {
    throw new CodexWireError(
      `Cannot downmix audio with ${numChannels} channels: use 1 to 32 channels`,
      { kind: "audio" },
    );
  }
}

/**
 * A streaming downmixer and linear resampler from any PCM16 format (8–192 kHz, 1–32
 * channels) to 24 kHz mono. It keeps its position and last sample between pushes, so
 * chunk boundaries do not click or drift.
 *
 * @example Usage
 * ```ts
 * import { Pcm16Resampler } from "./resample.ts";
 * import assert from "node:assert/strict";
 *
 * const resampler = new Pcm16Resampler({ sampleRate: 48_000, numChannels: 2 });
 * // 20 ms of 48 kHz stereo: 960 frames of two samples.
 * const out = resampler.push(new Int16Array(1920).fill(1000));
 * assert.equal(out.length, 480);
 * assert.equal(out[10], 1000);
 * ```
 */
export class Pcm16Resampler {
  #channels: number;
  #step: number;
  // The position of the next output sample, in input samples relative to the first
  // sample of the next push (it may be negative: between the held sample and the next).
  #position = 0;
  #last: number | undefined;
  #carry: Int16Array = new Int16Array(0);

  /**
   * Creates a resampler.
   *
   * @param format The input format.
   * @throws {CodexWireError} With kind `audio` for an unsupported format.
   */
  constructor(format: Pcm16InputFormat) {
    checkPcm16Format(format);
    this.#channels = format.numChannels;
    this.#step = format.sampleRate / PCM16_SAMPLE_RATE;
  }

  /**
   * Converts the next interleaved samples (whole frames are used; a partial channel frame is
   * kept for the next push).
   *
   * @param samples Interleaved PCM16 samples.
   * @returns 24 kHz mono samples.
   */
  push(samples: Int16Array): Int16Array {
    let input = samples;
    if (this.#carry.length > 0) {
      input = new Int16Array(this.#carry.length + samples.length);
      input.set(this.#carry);
      input.set(samples, this.#carry.length);
    }
    const channels = this.#channels;
    const frames = Math.floor(input.length / channels);
    this.#carry = input.slice(frames * channels);
    const mono = new Float64Array(frames);
    for (let frame = 0; frame < frames; frame++) {
      let sum = 0;
      for (let channel = 0; channel < channels; channel++) sum += input[frame * channels + channel];
      mono[frame] = sum / channels;
    }
    if (this.#step === 1) {
      const out = new Int16Array(frames);
      for (let index = 0; index < frames; index++) out[index] = Math.round(mono[index]);
      return out;
    }
    const out: number[] = [];
    // Index -1 is the last sample of the previous push.
    const at = (index: number): number => index < 0 ? (this.#last ?? mono[0]) : mono[index];
    let position = this.#position;
    while (frames > 0 && position <= frames - 1) {
      const left = Math.floor(position);
      const fraction = position - left;
      const a = at(left);
      const b = left + 1 < frames ? at(left + 1) : a;
      out.push(Math.round(a + (b - a) * fraction));
      position += this.#step;
    }
    if (frames > 0) {
      this.#last = mono[frames - 1];
      this.#position = position - frames;
    }
    return Int16Array.from(out);
  }
}
