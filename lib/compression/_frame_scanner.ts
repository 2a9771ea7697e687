/**
 * An incremental walker over the frame structure of a zstd stream (RFC 8878 §3.1): frame
 * and skippable-frame headers, block headers and checksums, never the compressed payload.
 *
 * Both decoders run every chunk through it before decoding, so the checks that bound
 * memory (declared content size, window size) and the faults that only show at the end
 * (a truncated frame, garbage after the last frame) read the same on the WASM and the
 * native path. The native path also needs the frame boundaries it reports: Deno's
 * `node:zlib` decoder stops after the first frame of its input, so it is fed one frame at
 * a time.
 *
 * @module
 */

import { TRUNCATED_DETAIL, zstdDecodeError } from "./_errors.ts";
import { HTTP_MAX_WINDOW_BYTES, MAX_WINDOW_BYTES } from "./_options.ts";

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50;
const SKIPPABLE_MASK = 0xfffffff0;
const MAX_BLOCK_BYTES = 128 * 1024;

enum State {
  Magic,
  FrameHeaderDescriptor,
  FrameHeader,
  BlockHeader,
  BlockBody,
  Checksum,
  SkippableSize,
  SkippableBody,
}

/** A run of bytes of one chunk that belongs to one frame. */
export interface FrameSegment {
  /** Bytes of this frame carried over from earlier chunks (a split magic number). */
  prefix?: Uint8Array;
  /** Index of the first byte in the chunk. */
  start: number;
  /** Index after the last byte in the chunk. */
  end: number;
  /** Whether the frame is a skippable frame (no content). */
  skippable: boolean;
  /** Whether the frame ends with this segment. */
  frameEnds: boolean;
}

/** What the scanner checks besides the format. */
export interface FrameScannerOptions {
  /** A frame that declares more content than this fails at its header. */
  maxOutputBytes: number;
  /**
   * The input is an HTTP body in the `zstd` content coding: a frame that needs a window
   * over 8 MiB fails at its header (instead of over zstd's default 128 MiB).
   */
  httpContentCoding?: boolean;
}

/** Walks zstd frames chunk by chunk; see the module doc. */
export class FrameScanner {
  #maxOutputBytes: number;
  #httpContentCoding: boolean;
  #state: State = State.Magic;
  #field = new Uint8Array(16);
  #fieldLength = 0;
  #fieldNeed = 4;
  #remaining = 0;
  #frames = 0;
  #skippable = false;
  #checksum = false;
  #lastBlock = false;
  #blockMax = 0;
  #sawInput = false;

  /**
   * Creates a scanner.
   *
   * @param options The limits to enforce.
   */
  constructor(options: FrameScannerOptions) {
    this.#maxOutputBytes = options.maxOutputBytes;
    this.#httpContentCoding = options.httpContentCoding ?? false;
  }

  /**
   * Walks one chunk.
   *
   * @param chunk The next bytes of the stream.
   * @returns The chunk's bytes split by frame.
   * @throws {CodexWireError} If the structure is broken or a limit is passed.
   */
  scan(chunk: Uint8Array): FrameSegment[] {
    const segments: FrameSegment[] = [];
    const length = chunk.length;
    if (length > 0) this.#sawInput = true;
    // Where the open frame's bytes start in this chunk, or -1 between frames.
    let segmentStart = this.#state === State.Magic ? -1 : 0;
    let prefix: Uint8Array | undefined;
    let magicStart = 0;
    let i = 0;
    while (i < length) {
      switch (this.#state) {
        case State.Magic: {
          if (this.#fieldLength === 0) magicStart = i;
          const carried = this.#fieldLength;
          i = this.#collect(chunk, i);
          if (this.#fieldLength < this.#fieldNeed) break;
          const magic = readLittleEndian(this.#field, 0, 4);
          if (carried > 0) {
            segmentStart = 0;
            prefix = this.#field.slice(0, carried);
          } else {
            segmentStart = magicStart;
            prefix = undefined;
          }
          this.#frames += 1;
          if (magic === ZSTD_MAGIC) {
            this.#skippable = false;
            this.#expect(State.FrameHeaderDescriptor, 1);
          } else if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) {
            this.#skippable = true;
            this.#expect(State.SkippableSize, 4);
          } else {
            this.#frames -= 1;
            throw this.#frames === 0
              ? zstdDecodeError("the input is not zstd data, check the Content-Encoding header")
              : zstdDecodeError(`the bytes after frame ${this.#frames} are not a zstd frame`);
          }
          break;
        }
        case State.FrameHeaderDescriptor: {
          i = this.#collect(chunk, i);
          const descriptor = this.#field[0];
          if ((descriptor & 0x08) !== 0) {
            throw zstdDecodeError(`the header of frame ${this.#frames} is invalid`);
          }
          this.#expect(State.FrameHeader, frameHeaderRestLength(descriptor));
          this.#field[0] = descriptor;
          this.#fieldLength = 1;
          this.#fieldNeed += 1;
          if (this.#fieldNeed === this.#fieldLength) this.#readFrameHeader();
          break;
        }
        case State.FrameHeader: {
          i = this.#collect(chunk, i);
          if (this.#fieldLength === this.#fieldNeed) this.#readFrameHeader();
          break;
        }
        case State.BlockHeader: {
          i = this.#collect(chunk, i);
          if (this.#fieldLength < this.#fieldNeed) break;
          const header = readLittleEndian(this.#field, 0, 3);
          this.#lastBlock = (header & 1) === 1;
          const type = (header >>> 1) & 3;
          const size = header >>> 3;
          if (type === 3 || size > this.#blockMax) {
            throw zstdDecodeError(
              `the data is corrupted (frame ${this.#frames} has an invalid block header)`,
            );
          }
          this.#remaining = type === 1 ? 1 : size;
          this.#state = State.BlockBody;
          if (this.#remaining === 0 && this.#afterBlock()) {
            segments.push(this.#segment(segmentStart, i, prefix, true));
            segmentStart = -1;
            prefix = undefined;
          }
          break;
        }
        case State.BlockBody:
        case State.SkippableBody: {
          const step = Math.min(this.#remaining, length - i);
          i += step;
          this.#remaining -= step;
          if (this.#remaining > 0) break;
          const ended = this.#state === State.SkippableBody ? this.#endFrame() : this.#afterBlock();
          if (ended) {
            segments.push(this.#segment(segmentStart, i, prefix, true));
            segmentStart = -1;
            prefix = undefined;
          }
          break;
        }
        case State.Checksum: {
          i = this.#collect(chunk, i);
          if (this.#fieldLength < this.#fieldNeed) break;
          this.#endFrame();
          segments.push(this.#segment(segmentStart, i, prefix, true));
          segmentStart = -1;
          prefix = undefined;
          break;
        }
        case State.SkippableSize: {
          i = this.#collect(chunk, i);
          if (this.#fieldLength < this.#fieldNeed) break;
          this.#remaining = readLittleEndian(this.#field, 0, 4);
          this.#state = State.SkippableBody;
          if (this.#remaining === 0) {
            this.#endFrame();
            segments.push(this.#segment(segmentStart, i, prefix, true));
            segmentStart = -1;
            prefix = undefined;
          }
          break;
        }
      }
    }
    if (segmentStart >= 0) segments.push(this.#segment(segmentStart, length, prefix, false));
    return segments;
  }

  /**
   * Checks that the stream ended between frames.
   *
   * @throws {CodexWireError} If the input was empty or ends inside a frame.
   */
  finish(): void {
    if (!this.#sawInput) {
      throw zstdDecodeError("the input is empty, expected at least one zstd frame");
    }
    if (this.#state !== State.Magic || this.#fieldLength > 0) {
      throw zstdDecodeError(TRUNCATED_DETAIL);
    }
  }

  #segment(
    start: number,
    end: number,
    prefix: Uint8Array | undefined,
    frameEnds: boolean,
  ): FrameSegment {
    return {
      ...(prefix === undefined ? {} : { prefix }),
      start,
      end,
      skippable: this.#skippable,
      frameEnds,
    };
  }

  #collect(chunk: Uint8Array, index: number): number {
    const take = Math.min(this.#fieldNeed - this.#fieldLength, chunk.length - index);
    this.#field.set(chunk.subarray(index, index + take), this.#fieldLength);
    this.#fieldLength += take;
    return index + take;
  }

  #expect(state: State, bytes: number): void {
    this.#state = state;
    this.#fieldLength = 0;
    this.#fieldNeed = bytes;
  }

  #readFrameHeader(): void {
    const field = this.#field;
    const descriptor = field[0];
    const contentSizeFlag = descriptor >>> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    const dictionaryIdFlag = descriptor & 3;
    this.#checksum = (descriptor & 0x04) !== 0;
    let position = 1;
    let windowSize = 0;
    if (!singleSegment) {
      const windowDescriptor = field[position];
      position += 1;
      const windowBase = 2 ** (10 + (windowDescriptor >>> 3));
      windowSize = windowBase + (windowBase / 8) * (windowDescriptor & 7);
    }
    const dictionaryIdLength = [0, 1, 2, 4][dictionaryIdFlag];
    const dictionaryId = readLittleEndian(field, position, dictionaryIdLength);
    position += dictionaryIdLength;
    const contentSizeLength = contentSizeFieldLength(contentSizeFlag, singleSegment);
    let contentSize: number | undefined;
    if (contentSizeLength > 0) {
      contentSize = readLittleEndian(field, position, contentSizeLength) +
        (contentSizeLength === 2 ? 256 : 0);
    }
    if (singleSegment) windowSize = contentSize ?? 0;
    const frame = this.#frames;
    if (contentSize !== undefined && contentSize > this.#maxOutputBytes) {
      throw zstdDecodeError(
        `frame ${frame} declares ${contentSize} bytes of content, more than maxOutputBytes (${this.#maxOutputBytes} bytes), raise maxOutputBytes if the body is trusted`,
      );
    }
    if (this.#httpContentCoding && windowSize > HTTP_MAX_WINDOW_BYTES) {
      throw zstdDecodeError(
        `frame ${frame} needs a ${windowSize}-byte window, more than the ${HTTP_MAX_WINDOW_BYTES} bytes (8 MiB) the zstd content coding allows over HTTP, compress it at zstd level 19 or lower, or with a window log of at most 23 (codexwire's zstdCompress and ZstdCompressionStream always do)`,
      );
    }
    if (windowSize > MAX_WINDOW_BYTES) {
      throw zstdDecodeError(
        `frame ${frame} needs a ${windowSize}-byte window, more than the decoder's limit of ${MAX_WINDOW_BYTES} bytes`,
      );
    }
    if (dictionaryId !== 0) {
      throw zstdDecodeError(
        `frame ${frame} was compressed with dictionary ${dictionaryId}, which is not supported, compress it without one`,
      );
    }
    this.#blockMax = Math.min(windowSize, MAX_BLOCK_BYTES);
    this.#expect(State.BlockHeader, 3);
  }

  /** Moves past a finished block; returns whether the frame ended with it. */
  #afterBlock(): boolean {
    if (!this.#lastBlock) {
      this.#expect(State.BlockHeader, 3);
      return false;
    }
    if (this.#checksum) {
      this.#expect(State.Checksum, 4);
      return false;
    }
    return this.#endFrame();
  }

  #endFrame(): true {
    this.#expect(State.Magic, 4);
    return true;
  }
}

function frameHeaderRestLength(descriptor: number): number {
  const singleSegment = (descriptor & 0x20) !== 0;
  return (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3] +
    contentSizeFieldLength(descriptor >>> 6, singleSegment);
}

function contentSizeFieldLength(flag: number, singleSegment: boolean): number {
  if (flag === 0) return singleSegment ? 1 : 0;
  return [0, 2, 4, 8][flag];
}

/** Reads up to 8 little-endian bytes as a number (exact below 2^53, close above). */
function readLittleEndian(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let index = length - 1; index >= 0; index--) value = value * 256 + bytes[offset + index];
  return value;
}
