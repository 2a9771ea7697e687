/**
 * The WASM zstd encoder: zstd 1.5.6 compiled to WebAssembly (`@dweb-browser/zstd-wasm`,
 * the binary ships base64-encoded in the npm package, so loading needs no network and no
 * read permission).
 *
 * The package exposes one-shot `ZSTD_compress` only, no streaming context, so this
 * encoder compresses the input in blocks of {@linkcode WASM_FRAME_INPUT_BYTES} as
 * independent frames: valid zstd that every decoder concatenates. Memory stays bounded by
 * one block (plus the encoder's tables) whatever the body size; a body up to one block is
 * one frame, byte-for-byte the size `zstd -N` writes.
 *
 * @module
 */

import type { ChunkCoder } from "./_chunk_coder.ts";
import { zstdEncodeError } from "./_errors.ts";
import { HTTP_MAX_WINDOW_LOG } from "./_options.ts";

/** Input bytes per frame on the WASM path: 4 MiB. */
export const WASM_FRAME_INPUT_BYTES = 4 * 1024 * 1024;

const FIRST_BLOCK_BYTES = 64 * 1024;

// The window descriptor of a frame header (exponent in the high 5 bits, window log - 10).
const CAPPED_WINDOW_DESCRIPTOR = (HTTP_MAX_WINDOW_LOG - 10) << 3;

/**
 * Holds a frame's declared window to {@linkcode HTTP_MAX_WINDOW_LOG} (8 MiB), in place.
 *
 * The WASM build takes a level and nothing else, and at levels 20 to 22 it declares the
 * level's own 32 to 128 MiB window, which HTTP servers may refuse for the `zstd` content
 * coding. The declaration is only an upper bound: no match in a frame reaches back past
 * the frame's own content, which here is at most {@linkcode WASM_FRAME_INPUT_BYTES}
 * (4 MiB), so an 8 MiB window is always enough to decode it. Single-segment frames
 * declare their content size instead and are left as they are.
 *
 * @param frame One frame as the WASM encoder wrote it.
 * @returns The same frame.
 */
export function capFrameWindow(frame: Uint8Array): Uint8Array {
  const singleSegment = frame.length > 5 && (frame[4] & 0x20) !== 0;
  if (frame.length > 5 && !singleSegment && frame[5] > CAPPED_WINDOW_DESCRIPTOR) {
    frame[5] = CAPPED_WINDOW_DESCRIPTOR;
  }
  return frame;
}

type Compress = (source: Uint8Array, level: number) => Uint8Array;

interface DwebGlue {
  compress: Compress;
  default(init: { module_or_path: BufferSource }): Promise<unknown>;
}

let loading: Promise<Compress> | undefined;

/**
 * Loads and instantiates the WASM encoder, once per process.
 *
 * @returns The one-shot compress function.
 */
export function loadWasmCompress(): Promise<Compress> {
  loading ??= instantiate().catch((error) => {
    loading = undefined;
    throw zstdEncodeError("the WASM zstd encoder failed to load", error);
  });
  return loading;
}

async function instantiate(): Promise<Compress> {
  const [glue, binary] = await Promise.all([
    import("@dweb-browser/zstd-wasm"),
    import("@dweb-browser/zstd-wasm/zstd_wasm_bg_wasm"),
  ]);
  const module = glue as unknown as DwebGlue;
  await module.default({ module_or_path: binary.default() });
  return module.compress;
}

/** Encodes a stream in {@linkcode WASM_FRAME_INPUT_BYTES} frames; see the module doc. */
export class WasmFrameEncoder implements ChunkCoder {
  #compress: Compress;
  #level: number;
  #onChunk: (chunk: Uint8Array) => void;
  #block = new Uint8Array(0);
  #fill = 0;
  #frames = 0;

  /**
   * Creates an encoder.
   *
   * @param compress The loaded one-shot compress function.
   * @param options The level and the output callback.
   */
  constructor(
    compress: Compress,
    options: { level: number; onChunk: (chunk: Uint8Array) => void },
  ) {
    this.#compress = compress;
    this.#level = options.level;
    this.#onChunk = options.onChunk;
  }

  /**
   * Copies input into the current block, compressing each block that fills up. The copy
   * keeps the caller free to reuse its buffer.
   *
   * @param chunk The next input bytes.
   */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#fill === WASM_FRAME_INPUT_BYTES) this.#emitFrame();
      const take = Math.min(chunk.length - offset, WASM_FRAME_INPUT_BYTES - this.#fill);
      this.#reserve(this.#fill + take);
      this.#block.set(chunk.subarray(offset, offset + take), this.#fill);
      this.#fill += take;
      offset += take;
    }
  }

  /** Compresses what is left; an empty stream still gets its one (empty) frame. */
  finish(): void {
    if (this.#fill > 0 || this.#frames === 0) this.#emitFrame();
    this.close();
  }

  /** Drops the block buffer. */
  close(): void {
    this.#block = new Uint8Array(0);
    this.#fill = 0;
  }

  /** Grows the block geometrically (linear total copying) up to one frame's input. */
  #reserve(size: number): void {
    if (size <= this.#block.length) return;
    let capacity = Math.max(this.#block.length, FIRST_BLOCK_BYTES);
    while (capacity < size) capacity *= 2;
    const block = new Uint8Array(Math.min(capacity, WASM_FRAME_INPUT_BYTES));
    block.set(this.#block.subarray(0, this.#fill));
    this.#block = block;
  }

  #emitFrame(): void {
    let frame: Uint8Array;
    try {
      frame = capFrameWindow(this.#compress(this.#block.subarray(0, this.#fill), this.#level));
    } catch (error) {
      throw zstdEncodeError("the WASM zstd encoder failed", error);
    }
    this.#fill = 0;
    this.#frames += 1;
    this.#onChunk(frame);
  }
}
