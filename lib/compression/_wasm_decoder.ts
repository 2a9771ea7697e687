/**
 * The WASM zstd decoder: the reference streaming decoder (`ZSTD_decompressStream`)
 * compiled to WebAssembly (`zstd-wasm`, the binary ships base64-encoded in the npm
 * package, so loading needs no network and no read permission).
 *
 * It decodes frames with or without a content size and several frames in a row, and
 * holds at most one window plus one 128 KiB block whatever the output size.
 *
 * The build exports no `ZSTD_freeDCtx`, so decoding contexts are never freed: they go
 * back to a pool (reset with `ZSTD_initDStream`) for the next stream when a stream ends,
 * fails, is cancelled or is garbage-collected unfinished, and the pool only grows to the
 * number of streams that decoded at the same time. WASM memory never shrinks, and a
 * context keeps the largest window it ever held (up to 128 MiB): so when the last stream
 * of an instance ends and its memory grew past {@linkcode RELEASE_HEAP_BYTES}, the whole
 * instance is dropped (for the garbage collector) and the next stream starts a fresh one.
 *
 * @module
 */

import type { ChunkCoder } from "./_chunk_coder.ts";
import { TRUNCATED_DETAIL, zstdDecodeError } from "./_errors.ts";

/** The C functions of the build, as Emscripten exposes them. */
interface ZstdWasmModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _ZSTD_isError(code: number): number;
  _ZSTD_createDCtx(): number;
  _ZSTD_initDStream(dctx: number): number;
  _ZSTD_decompressStream(dctx: number, output: number, input: number): number;
}

/** One decoding context with its input and output buffers in WASM memory. */
interface Slot {
  dctx: number;
  /** `ZSTD_inBuffer` then `ZSTD_outBuffer`: six 32-bit words. */
  buffers: number;
  input: number;
  output: number;
}

const INPUT_BYTES = 128 * 1024;
const OUTPUT_BYTES = 128 * 1024;

/** An instance whose memory grew past this is dropped once no stream uses it: 32 MiB. */
export const RELEASE_HEAP_BYTES = 32 * 1024 * 1024;

/** The contexts of one instance: free ones, and how many streams hold one. */
interface Pool {
  idle: Slot[];
  active: number;
}

let loading: Promise<ZstdWasmModule> | undefined;
let current: ZstdWasmModule | undefined;
let wasmBinary: Uint8Array | undefined;
const pools = new WeakMap<ZstdWasmModule, Pool>();

/**
 * The memory of the WASM instance new streams would use, in bytes (0 when none is
 * loaded): for tests and benchmarks of the release rule.
 *
 * @returns The size of its memory.
 *
 * @example Usage
 * ```ts
 * import { wasmDecoderHeapBytes } from "./_wasm_decoder.ts";
 * import assert from "node:assert/strict";
 *
 * assert(wasmDecoderHeapBytes() >= 0);
 * ```
 */
export function wasmDecoderHeapBytes(): number {
  return current?.HEAPU8.length ?? 0;
}

/**
 * Loads and instantiates the WASM decoder, once per process.
 *
 * @returns The Emscripten module.
 */
export function loadWasmDecoder(): Promise<ZstdWasmModule> {
  loading ??= instantiate().then((module) => {
    pools.set(module, { idle: [], active: 0 });
    current = module;
    return module;
  }, (error) => {
    loading = undefined;
    throw zstdDecodeError("the WASM zstd decoder failed to load", error);
  });
  return loading;
}

async function instantiate(): Promise<ZstdWasmModule> {
  const [factory, binary] = await Promise.all([
    import("zstd-wasm/lib/zstd.js"),
    import("zstd-wasm/lib/binary.js"),
  ]);
  wasmBinary ??= Uint8Array.from(atob(binary.BINARY), (char) => char.charCodeAt(0));
  return await factory.default({ wasmBinary }) as ZstdWasmModule;
}

/** zstd's error names (`zstd_errors.h`), for the codes a decoder can return. */
function errorDetail(code: number): string {
  switch (code) {
    case 22:
      return "the content checksum does not match, the data is corrupted";
    case 64:
      return "the WASM zstd decoder ran out of memory";
    case 16:
      return "a frame needs a window larger than the decoder's limit";
    case 10:
      return "the input is not zstd data, check the Content-Encoding header";
    default:
      return "the data is corrupted";
  }
}

/** Decodes one stream with a pooled context; see the module doc. */
export class WasmStreamDecoder implements ChunkCoder {
  #module: ZstdWasmModule;
  #slot: Slot | undefined;
  #onChunk: (chunk: Uint8Array) => void;
  /** The last `ZSTD_decompressStream` result: 0 between frames, else bytes still due. */
  #hint = 0;
  #closed = false;

  /**
   * Creates a decoder.
   *
   * @param module The loaded module.
   * @param options Where output goes.
   */
  constructor(module: ZstdWasmModule, options: { onChunk: (chunk: Uint8Array) => void }) {
    this.#module = module;
    this.#onChunk = options.onChunk;
  }

  /**
   * Decodes input; output leaves in chunks of at most 128 KiB, each one checked by the
   * `onChunk` callback before the next is decoded (so an over-limit error stops a zip
   * bomb after one chunk).
   *
   * @param chunk The next compressed bytes.
   * @throws {CodexWireError} If the data is not valid zstd.
   */
  push(chunk: Uint8Array): void {
    for (const output of this.decode(chunk)) this.#onChunk(output);
  }

  /**
   * Decodes input one output chunk (at most 128 KiB) at a time: nothing more is decoded
   * until the caller asks for the next one, so a slow consumer holds one chunk, not the
   * whole expansion of the input. Stops quietly if the decoder is closed meanwhile.
   *
   * @param chunk The next compressed bytes.
   * @returns The output chunks.
   * @throws {CodexWireError} If the data is not valid zstd.
   */
  *decode(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    if (this.#closed) throw zstdDecodeError("the decoder is closed");
    const module = this.#module;
    const slot = this.#slot ?? this.#acquire();
    for (let offset = 0; offset < chunk.length; offset += INPUT_BYTES) {
      const piece = chunk.subarray(offset, offset + INPUT_BYTES);
      module.HEAPU8.set(piece, slot.input);
      const words = slot.buffers >>> 2;
      let heap = module.HEAPU32;
      heap[words] = slot.input;
      heap[words + 1] = piece.length;
      heap[words + 2] = 0;
      let produced: number;
      do {
        const consumedBefore = heap[words + 2];
        heap[words + 5] = 0;
        const result = module._ZSTD_decompressStream(slot.dctx, slot.buffers + 12, slot.buffers);
        if (module._ZSTD_isError(result)) {
          const code = -(result | 0);
          throw zstdDecodeError(errorDetail(code), new Error(`zstd error code ${code}`));
        }
        // The heap may have grown (and its views been replaced) during the call.
        heap = module.HEAPU32;
        produced = heap[words + 5];
        // A call that moved nothing, after a frame ended on a full output buffer, returns
        // the header size of a next frame that may never come: not a pending frame.
        if (produced > 0 || heap[words + 2] > consumedBefore) this.#hint = result;
        if (produced > 0) {
          yield module.HEAPU8.slice(slot.output, slot.output + produced);
          // Another stream may have grown the memory (replacing the views) meanwhile.
          if (this.#closed) return;
          heap = module.HEAPU32;
        }
      } while (heap[words + 2] < piece.length || produced === OUTPUT_BYTES);
    }
  }

  /**
   * Checks that the input ended between frames, then frees the context.
   *
   * @throws {CodexWireError} If a frame is incomplete.
   */
  finish(): void {
    const complete = this.#hint === 0;
    this.close();
    if (!complete) throw zstdDecodeError(TRUNCATED_DETAIL);
  }

  /** Resets the context and returns it to the pool. */
  close(): void {
    this.#closed = true;
    const slot = this.#slot;
    if (slot === undefined) return;
    this.#slot = undefined;
    abandoned.unregister(this);
    release(this.#module, slot);
  }

  /** Takes a context on first input, so a stream that never gets any holds none. */
  #acquire(): Slot {
    const pool = poolOf(this.#module);
    const slot = pool.idle.pop() ?? createSlot(this.#module);
    pool.active += 1;
    this.#slot = slot;
    // A stream dropped without close or cancel still gives its context back.
    abandoned.register(this, { module: this.#module, slot }, this);
    return slot;
  }
}

const abandoned = new FinalizationRegistry<{ module: ZstdWasmModule; slot: Slot }>(
  ({ module, slot }) => release(module, slot),
);

function poolOf(module: ZstdWasmModule): Pool {
  let pool = pools.get(module);
  if (pool === undefined) {
    pool = { idle: [], active: 0 };
    pools.set(module, pool);
  }
  return pool;
}

function release(module: ZstdWasmModule, slot: Slot): void {
  const pool = poolOf(module);
  pool.active -= 1;
  if (module !== current) return;
  if (pool.active === 0 && module.HEAPU8.length > RELEASE_HEAP_BYTES) {
    // WASM memory cannot shrink: let the collector take the whole instance.
    pool.idle = [];
    current = undefined;
    loading = undefined;
    return;
  }
  module._ZSTD_initDStream(slot.dctx);
  pool.idle.push(slot);
}

function createSlot(module: ZstdWasmModule): Slot {
  const dctx = module._ZSTD_createDCtx();
  const buffers = module._malloc(24);
  const input = module._malloc(INPUT_BYTES);
  const output = module._malloc(OUTPUT_BYTES);
  if (dctx === 0 || buffers === 0 || input === 0 || output === 0) {
    throw zstdDecodeError("the WASM zstd decoder ran out of memory");
  }
  const heap = module.HEAPU32;
  const words = buffers >>> 2;
  heap[words + 3] = output;
  heap[words + 4] = OUTPUT_BYTES;
  return { dctx, buffers, input, output };
}
