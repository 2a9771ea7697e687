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

/** Input bytes per frame on the WASM path: 4 MiB. */
export const WASM_FRAME_INPUT_BYTES = 4 * 1024 * 1024;

const FIRST_BLOCK_BYTES = 64 * 1024;

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
      frame = this.#compress(this.#block.subarray(0, this.#fill), this.#level);
    } catch (error) {
      throw zstdEncodeError("the WASM zstd encoder failed", error);
    }
    this.#fill = 0;
    this.#frames += 1;
    this.#onChunk(frame);
  }
}
