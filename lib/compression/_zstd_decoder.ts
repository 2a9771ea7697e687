/**
 * The decoder behind `ZstdDecompressionStream` and `zstdDecompress`: the frame scanner
 * for the checks both engines share, then the WASM or the native engine, then the output
 * limit.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { concatBytes } from "./_bytes.ts";
import type { ChunkCoder } from "./_chunk_coder.ts";
import { outputTooLargeDetail, zstdDecodeError } from "./_errors.ts";
import { FrameScanner } from "./_frame_scanner.ts";
import { type NativeZlib, resolveNativeZlib } from "./_native_zstd.ts";
import { loadWasmDecoder, WasmStreamDecoder } from "./_wasm_decoder.ts";
import type { ZstdImplementation } from "./zstd_implementation.ts";

/** What {@linkcode createZstdDecoder} needs. */
export interface ZstdDecoderOptions {
  /** Output past this many bytes fails the stream. */
  maxOutputBytes: number;
  /** Which engine was asked for. */
  implementation: ZstdImplementation;
  /**
   * Whether the whole input is at hand (`zstdDecompress`): then `"auto"` may pick the
   * native engine, which decodes a frame at a time. Streams keep to WASM under `"auto"`.
   */
  wholeInput: boolean;
  /** The input is an HTTP body: frames may need a window of at most 8 MiB. */
  httpContentCoding?: boolean;
  /**
   * Receives each output chunk; a promise it returns is awaited before more is decoded
   * (a stream's backpressure).
   */
  onChunk: (chunk: Uint8Array) => void | Promise<void>;
}

/**
 * Creates a decoder, loading its engine on first use.
 *
 * `"auto"` decodes streams with WASM: Deno 2.9's streaming `node:zlib` zstd decoder stops
 * after the first frame, ends quietly on a truncated one, and throws a checksum mismatch
 * as an uncaught exception that no listener can catch (it would end the process). The
 * native engine therefore decodes one whole frame at a time with `zstdDecompressSync`,
 * whose errors are catchable; it is the faster choice when the whole input is at hand.
 *
 * @param options The limit, the engine and the output callback.
 * @returns The decoder.
 */
export async function createZstdDecoder(options: ZstdDecoderOptions): Promise<ChunkCoder> {
  const { maxOutputBytes, onChunk } = options;
  let produced = 0;
  const emit = (chunk: Uint8Array): void | Promise<void> => {
    produced += chunk.length;
    if (produced > maxOutputBytes) throw zstdDecodeError(outputTooLargeDetail(maxOutputBytes));
    return onChunk(chunk);
  };
  const scanner = new FrameScanner({
    maxOutputBytes,
    httpContentCoding: options.httpContentCoding ?? false,
  });
  const implementation = options.implementation === "auto" && !options.wholeInput
    ? "wasm"
    : options.implementation;
  const zlib = await resolveNativeZlib(implementation);
  if (zlib !== undefined) {
    return new NativeFrameDecoder(zlib, { scanner, maxOutputBytes, onChunk: emit });
  }
  const module = await loadWasmDecoder();
  const wasm = new WasmStreamDecoder(module, { onChunk: emit as (chunk: Uint8Array) => void });
  return {
    async push(chunk: Uint8Array): Promise<void> {
      scanner.scan(chunk);
      for (const output of wasm.decode(chunk)) await emit(output);
    },
    finish(): void {
      try {
        scanner.finish();
        wasm.finish();
      } finally {
        wasm.close();
      }
    },
    close(): void {
      wasm.close();
    },
  };
}

/**
 * Decompresses a whole buffer (`zstdDecompress`, and HTTP bodies with
 * `httpContentCoding`).
 *
 * @param bytes The zstd frames.
 * @param options The checked limit and engine, and whether the bytes are an HTTP body.
 * @returns The decompressed bytes.
 */
export async function decompressWhole(
  bytes: Uint8Array,
  options: Pick<ZstdDecoderOptions, "maxOutputBytes" | "implementation" | "httpContentCoding">,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  const decoder = await createZstdDecoder({
    ...options,
    wholeInput: true,
    onChunk: (chunk) => {
      chunks.push(chunk);
    },
  });
  try {
    await decoder.push(bytes);
    await decoder.finish();
  } finally {
    decoder.close();
  }
  return concatBytes(chunks);
}

/**
 * The native engine: the scanner splits the input by frame and checks its end, and each
 * complete frame goes to `zstdDecompressSync` with the output budget left as its
 * `maxOutputLength`. A frame split across chunks is held (copied) until it is complete,
 * up to `maxOutputBytes` of compressed bytes.
 */
class NativeFrameDecoder implements ChunkCoder {
  #zlib: NativeZlib;
  #scanner: FrameScanner;
  #maxOutputBytes: number;
  #onChunk: (chunk: Uint8Array) => void | Promise<void>;
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #produced = 0;
  #frames = 0;

  constructor(
    zlib: NativeZlib,
    options: {
      scanner: FrameScanner;
      maxOutputBytes: number;
      onChunk: (chunk: Uint8Array) => void | Promise<void>;
    },
  ) {
    this.#zlib = zlib;
    this.#scanner = options.scanner;
    this.#maxOutputBytes = options.maxOutputBytes;
    this.#onChunk = options.onChunk;
  }

  async push(chunk: Uint8Array): Promise<void> {
    for (const segment of this.#scanner.scan(chunk)) {
      if (segment.skippable) continue;
      const bytes = chunk.subarray(segment.start, segment.end);
      if (segment.frameEnds && segment.prefix === undefined && this.#held.length === 0) {
        await this.#decodeFrame(bytes);
        continue;
      }
      if (segment.prefix !== undefined) this.#hold(segment.prefix);
      this.#hold(bytes);
      if (segment.frameEnds) {
        const frame = concatBytes(this.#held);
        this.#held = [];
        this.#heldBytes = 0;
        await this.#decodeFrame(frame);
      }
    }
  }

  finish(): void {
    this.#scanner.finish();
    this.close();
  }

  close(): void {
    this.#held = [];
    this.#heldBytes = 0;
  }

  #hold(bytes: Uint8Array): void {
    this.#heldBytes += bytes.length;
    if (this.#heldBytes > this.#maxOutputBytes) {
      throw zstdDecodeError(
        `frame ${
          this.#frames + 1
        } is larger than maxOutputBytes (${this.#maxOutputBytes} bytes) even compressed, raise maxOutputBytes if the body is trusted`,
      );
    }
    this.#held.push(bytes.slice());
  }

  #decodeFrame(frame: Uint8Array): void | Promise<void> {
    this.#frames += 1;
    const budget = this.#maxOutputBytes - this.#produced;
    let output: Uint8Array;
    try {
      output = this.#zlib.zstdDecompressSync(frame, { maxOutputLength: Math.max(budget, 1) });
    } catch (error) {
      throw nativeDecodeError(error, this.#maxOutputBytes);
    }
    this.#produced += output.length;
    if (output.length > 0) {
      return this.#onChunk(new Uint8Array(output.buffer, output.byteOffset, output.byteLength));
    }
  }
}

/** Maps an error of the native decoder to the texts the WASM path uses. */
function nativeDecodeError(error: unknown, maxOutputBytes: number): CodexWireError {
  if (error instanceof CodexWireError) return error;
  if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
    return zstdDecodeError(outputTooLargeDetail(maxOutputBytes), error);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/checksum/i.test(message)) {
    return zstdDecodeError("the content checksum does not match, the data is corrupted", error);
  }
  if (/memory/i.test(message)) {
    return zstdDecodeError("the native zstd decoder ran out of memory", error);
  }
  return zstdDecodeError("the data is corrupted", error);
}
