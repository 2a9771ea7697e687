/**
 * Streaming WAV (RIFF, PCM16) reading and writing. The writer puts the "unknown size"
 * marker (0xFFFFFFFF) in the header and, when its target can seek (a file), patches the
 * real sizes at the end; on a pipe the marker stays, which players such as `aplay` accept.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";

/** The "unknown size" marker of a streamed WAV header. */
export const WAV_UNKNOWN_SIZE = 0xffff_ffff;

/** The format of PCM16 WAV audio. */
export interface WavFormat {
  /** Samples per second per channel. */
  sampleRate: number;
  /** Interleaved channels. */
  numChannels: number;
}

/** A WAV file being read: its format and its sample bytes as a stream. */
export interface WavStream extends WavFormat {
  /** The data chunk's size in bytes, or `undefined` when the header says it is unknown. */
  dataBytes: number | undefined;
  /** The PCM16 little-endian sample bytes, in the chunking they arrived in. */
  data: ReadableStream<Uint8Array>;
}

const HEADER_LIMIT = 1 << 20;
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function wavError(message: string): CodexWireError {
  return new CodexWireError(message, { kind: "audio" });
}

/**
 * Reads a WAV stream's header and returns its format and the sample bytes as a stream.
 * Only PCM16 is accepted (plain PCM or WAVE_FORMAT_EXTENSIBLE with the PCM subformat); any
 * channel count and rate are reported as they are. A data size of 0 or 0xFFFFFFFF (a
 * streamed file) means "read to the end".
 *
 * @param input The WAV bytes.
 * @returns The format and the data stream.
 * @throws {CodexWireError} With kind `audio` when the bytes are not RIFF/WAVE, the format
 * is not PCM16, or the header is cut short.
 *
 * @example Usage
 * ```ts
 * import { encodeWavHeader, readWav } from "./wav.ts";
 * import assert from "node:assert/strict";
 *
 * const header = encodeWavHeader({ sampleRate: 24_000, numChannels: 1 }, 4);
 * const wav = await readWav(ReadableStream.from([header, new Uint8Array([1, 0, 2, 0])]));
 * assert.equal(wav.sampleRate, 24_000);
 * assert.equal(wav.dataBytes, 4);
 * assert.deepEqual(new Uint8Array(await new Response(wav.data).arrayBuffer()), new Uint8Array([1, 0, 2, 0]));
 * ```
 */
export async function readWav(input: ReadableStream<Uint8Array>): Promise<WavStream> {
  const reader = input.getReader();
  let buffer = new Uint8Array(0);
  let done = false;
  async function need(bytes: number): Promise<boolean> {
    while (buffer.byteLength < bytes && !done) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        break;
      }
      const joined = new Uint8Array(buffer.byteLength + next.value.byteLength);
      joined.set(buffer);
      joined.set(next.value, buffer.byteLength);
      buffer = joined;
    }
    return buffer.byteLength >= bytes;
  }
  try {
    if (!await need(12)) throw wavError("Cannot read WAV: the file is shorter than its header");
    const view = () => new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const tag = (offset: number) => String.fromCharCode(...buffer.subarray(offset, offset + 4));
    if (tag(0) !== "RIFF" || tag(8) !== "WAVE") {
      throw wavError("Cannot read WAV: the file does not start with RIFF/WAVE");
    }
    let offset = 12;
    let format: WavFormat | undefined;
    while (true) {
      if (offset > HEADER_LIMIT) throw wavError("Cannot read WAV: no data chunk in the first MiB");
      if (!await need(offset + 8)) {
        throw wavError("Cannot read WAV: the file ends before its data chunk");
      }
      const id = tag(offset);
      const size = view().getUint32(offset + 4, true);
      if (id === "data") {
        if (format === undefined) {
          throw wavError("Cannot read WAV: the data chunk comes before fmt");
        }
        const rest = buffer.slice(offset + 8);
        const unknown = size === WAV_UNKNOWN_SIZE || size === 0;
        return {
          ...format,
          dataBytes: unknown ? undefined : size,
          data: dataStream(reader, rest, unknown ? Infinity : size, done),
        };
      }
      if (offset + 8 + size > HEADER_LIMIT) {
        // Only the data chunk may be large; anything else this big is not worth buffering.
        throw wavError("Cannot read WAV: no data chunk in the first MiB");
      }
      if (!await need(offset + 8 + size)) {
        throw wavError(`Cannot read WAV: the "${id}" chunk is cut short`);
      }
      if (id === "fmt ") format = parseFormat(view(), offset + 8, size);
      offset += 8 + size + (size % 2);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
}

function parseFormat(view: DataView, at: number, size: number): WavFormat {
  if (size < 16) throw wavError("Cannot read WAV: the fmt chunk is too short");
  let formatTag = view.getUint16(at, true);
  const numChannels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE && size >= 40) {
    formatTag = view.getUint16(at + 24, true);
  }
  if (formatTag !== WAVE_FORMAT_PCM || bitsPerSample !== 16) {
    throw wavError(
      `Cannot read WAV: the audio is format ${formatTag} with ${bitsPerSample}-bit samples, not PCM16; convert it first (for example sox in.wav -b 16 -e signed-integer out.wav)`,
    );
  }
  if (numChannels === 0 || sampleRate === 0) {
    throw wavError("Cannot read WAV: the fmt chunk has no channels or no sample rate");
  }
  return { sampleRate, numChannels };
}

function dataStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array,
  limit: number,
  ended: boolean,
): ReadableStream<Uint8Array> {
  let remaining = limit;
  let pending: Uint8Array | undefined = first.byteLength > 0 ? first : undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (true) {
        if (remaining <= 0) {
          controller.close();
          await reader.cancel().catch(() => {});
          return;
        }
        let chunk = pending;
        pending = undefined;
        if (chunk === undefined) {
          if (ended) {
            controller.close();
            return;
          }
          const next = await reader.read();
          if (next.done) {
            controller.close();
            return;
          }
          chunk = next.value;
        }
        if (chunk.byteLength === 0) continue;
        if (chunk.byteLength > remaining) chunk = chunk.subarray(0, remaining);
        remaining -= chunk.byteLength;
        controller.enqueue(chunk);
        return;
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
    },
  });
}

/**
 * Encodes a 44-byte PCM16 WAV header.
 *
 * @param format The sample rate and channels.
 * @param dataBytes The data size, or `undefined` for the "unknown size" marker.
 * @returns The header bytes.
 *
 * @example Usage
 * ```ts
 * import { encodeWavHeader } from "./wav.ts";
 * import assert from "node:assert/strict";
 *
 * const header = encodeWavHeader({ sampleRate: 24_000, numChannels: 1 });
 * assert.equal(header.byteLength, 44);
 * assert.equal(new DataView(header.buffer).getUint32(40, true), 0xffffffff);
 * ```
 */
export function encodeWavHeader(format: WavFormat, dataBytes?: number): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string) => {
    for (let index = 0; index < 4; index++) header[offset + index] = text.charCodeAt(index);
  };
  ascii(0, "RIFF");
  view.setUint32(4, dataBytes === undefined ? WAV_UNKNOWN_SIZE : 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, format.numChannels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * format.numChannels * 2, true);
  view.setUint16(32, format.numChannels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes === undefined ? WAV_UNKNOWN_SIZE : dataBytes, true);
  return header;
}

/** Where a {@linkcode WavWriter} writes: a file (seekable) or a pipe. */
export interface WavSink {
  /**
   * Writes some of the bytes.
   *
   * @param bytes The bytes.
   * @returns How many were written.
   */
  write(bytes: Uint8Array): Promise<number>;
  /**
   * Moves the write position (files only); when present the sizes are patched at the end.
   *
   * @param offset The byte offset.
   * @param whence Where the offset counts from.
   * @returns The new position.
   */
  seek?(offset: number, whence: Deno.SeekMode): Promise<number>;
}

/**
 * Writes PCM16 audio as a WAV stream: the header first (with the unknown-size marker),
 * then the samples as they come; `close()` patches the sizes when the sink can seek.
 *
 * @example Writing a WAV file
 * ```ts
 * import { readWav, WavWriter } from "./wav.ts";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile({ suffix: ".wav" });
 * {
 *   using file = await Deno.open(path, { write: true });
 *   const writer = new WavWriter(file, { sampleRate: 24_000, numChannels: 1 });
 *   await writer.write(new Uint8Array(960));
 *   await writer.close();
 * }
 * const wav = await readWav((await Deno.open(path)).readable);
 * assert.equal(wav.dataBytes, 960);
 * await wav.data.cancel();
 * await Deno.remove(path);
 * ```
 */
export class WavWriter {
  #sink: WavSink;
  #format: WavFormat;
  #started = false;
  #dataBytes = 0;
  #odd: number | undefined;

  /**
   * Creates a writer; nothing is written until the first `write` or `close`.
   *
   * @param sink The file or pipe.
   * @param format The sample rate and channels.
   */
  constructor(sink: WavSink, format: WavFormat) {
    this.#sink = sink;
    this.#format = format;
  }

  /** The sample bytes written so far. */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  /**
   * Appends PCM16 samples (a trailing odd byte is held until the next write).
   *
   * @param pcm16 The sample bytes.
   */
  async write(pcm16: Uint8Array): Promise<void> {
    await this.#start();
    let bytes = pcm16;
    if (this.#odd !== undefined) {
      bytes = new Uint8Array(pcm16.byteLength + 1);
      bytes[0] = this.#odd;
      bytes.set(pcm16, 1);
      this.#odd = undefined;
    }
    if (bytes.byteLength % 2 === 1) {
      this.#odd = bytes[bytes.byteLength - 1];
      bytes = bytes.subarray(0, bytes.byteLength - 1);
    }
    await this.#writeAll(bytes);
    this.#dataBytes += bytes.byteLength;
  }

  /**
   * Ends the stream: patches the sizes when the sink can seek (a dangling odd byte is
   * dropped: it is not a whole sample).
   */
  async close(): Promise<void> {
    await this.#start();
    if (this.#sink.seek === undefined) return;
    const patch = encodeWavHeader(this.#format, this.#dataBytes);
    await this.#sink.seek(4, Deno.SeekMode.Start);
    await this.#writeAll(patch.subarray(4, 8));
    await this.#sink.seek(40, Deno.SeekMode.Start);
    await this.#writeAll(patch.subarray(40, 44));
    await this.#sink.seek(0, Deno.SeekMode.End);
  }

  async #start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#writeAll(encodeWavHeader(this.#format));
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let rest = bytes;
    while (rest.byteLength > 0) rest = rest.subarray(await this.#sink.write(rest));
  }
}
