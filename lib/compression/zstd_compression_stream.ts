/**
 * {@linkcode ZstdCompressionStream}: the zstd counterpart of the web
 * `CompressionStream`.
 *
 * @module
 */

import { toBytes } from "./_bytes.ts";
import type { ChunkCoder } from "./_chunk_coder.ts";
import { checkImplementation, checkLevel } from "./_options.ts";
import { createZstdEncoder } from "./_zstd_encoder.ts";
import type { ZstdImplementation } from "./zstd_implementation.ts";

/** Options of {@linkcode ZstdCompressionStream} and `zstdCompress`. */
export interface ZstdCompressionOptions {
  /**
   * The compression level, an integer from 1 (fastest) to 22 (smallest). Codex
   * compresses request bodies at 3. Levels 20 to 22 keep an 8 MiB window (window log 23)
   * rather than their own 32 to 128 MiB, so every body is one an HTTP server takes as
   * `Content-Encoding: zstd`.
   *
   * @default {3}
   */
  level?: number;
  /**
   * Which zstd engine compresses: see {@linkcode ZstdImplementation}.
   *
   * @default {"auto"}
   */
  implementation?: ZstdImplementation;
}

/**
 * Compresses a byte stream with zstd; a drop-in for `new CompressionStream(format)`:
 * write bytes to {@linkcode ZstdCompressionStream.writable}, read zstd frames from
 * {@linkcode ZstdCompressionStream.readable}, or hand it to `pipeThrough`.
 *
 * Memory stays bounded whatever the body size. The native engine streams one frame; the
 * WASM engine writes one frame per 4 MiB of input (the WASM build has no streaming
 * encoder), which decoders concatenate and which costs a body up to 4 MiB nothing in size.
 * Output appears as the engine produces it: at the latest when the input ends (native) or
 * a 4 MiB block fills (WASM).
 *
 * @example Compress a request body
 * ```ts
 * import { ZstdCompressionStream } from "./zstd_compression_stream.ts";
 * import { ZstdDecompressionStream } from "./zstd_decompression_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const body = new TextEncoder().encode(JSON.stringify({ model: "gpt-5", input: [] }));
 * const compressed = ReadableStream.from([body])
 *   .pipeThrough(new ZstdCompressionStream({ level: 3 }));
 * const restored = await new Response(
 *   compressed.pipeThrough(new ZstdDecompressionStream()),
 * ).bytes();
 * assert.deepEqual(restored, body);
 * ```
 */
export class ZstdCompressionStream {
  /** The zstd frames. */
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** The bytes to compress (any `BufferSource`). */
  readonly writable: WritableStream<ArrayBuffer | ArrayBufferView>;

  /**
   * Creates a compression stream. The engine loads when the stream starts.
   *
   * @param options The level and the engine.
   * @throws {RangeError} If `level` is not an integer from 1 to 22, or `implementation`
   * is unknown.
   */
  constructor(options: ZstdCompressionOptions = {}) {
    const level = checkLevel(options.level ?? 3);
    const implementation = checkImplementation(options.implementation ?? "auto");
    let encoder: ChunkCoder | undefined;
    const transform = new TransformStream<ArrayBuffer | ArrayBufferView, Uint8Array<ArrayBuffer>>({
      async start(controller): Promise<void> {
        encoder = await createZstdEncoder({
          level,
          implementation,
          onChunk: (chunk) => controller.enqueue(chunk as Uint8Array<ArrayBuffer>),
        });
      },
      async transform(chunk): Promise<void> {
        try {
          await encoder!.push(toBytes(chunk, "compress"));
        } catch (error) {
          encoder!.close();
          throw error;
        }
      },
      async flush(): Promise<void> {
        try {
          await encoder!.finish();
        } finally {
          encoder!.close();
        }
      },
      cancel(): void {
        encoder?.close();
      },
    });
    this.readable = transform.readable;
    this.writable = transform.writable;
  }
}
