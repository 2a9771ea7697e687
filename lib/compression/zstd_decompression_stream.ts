/**
 * {@linkcode ZstdDecompressionStream}: the zstd counterpart of the web
 * `DecompressionStream`.
 *
 * @module
 */

import { toBytes } from "./_bytes.ts";
import type { ChunkCoder } from "./_chunk_coder.ts";
import { checkImplementation, checkMaxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES } from "./_options.ts";
import { createZstdDecoder } from "./_zstd_decoder.ts";
import type { ZstdImplementation } from "./zstd_implementation.ts";

/** Options of {@linkcode ZstdDecompressionStream} and `zstdDecompress`. */
export interface ZstdDecompressionOptions {
  /**
   * The most output bytes to produce. Past it, or at a frame header that declares more,
   * decompression fails with a `kind: "compression"` error instead of filling memory (a
   * zip bomb is a few kilobytes that expand to gigabytes). 256 MiB covers the largest
   * request body the Responses API takes with room to spare.
   *
   * @default {268435456}
   */
  maxOutputBytes?: number;
  /**
   * Which zstd engine decompresses: see {@linkcode ZstdImplementation}.
   *
   * @default {"auto"}
   */
  implementation?: ZstdImplementation;
}

/**
 * Decompresses a zstd byte stream; a drop-in for `new DecompressionStream(format)`.
 *
 * It takes what the `zstd` CLI and Codex write: several frames in a row, frames without
 * a content size (as `zstd` writes when it reads a pipe), skippable frames. Memory stays
 * bounded by one window plus one block: it decodes at the reader's pace, one 128 KiB
 * output chunk ahead at most. Output stops at `maxOutputBytes`.
 *
 * Faults error the stream with a `CodexWireError` of `kind: "compression"`
 * whose message starts with `Cannot decompress zstd body:`, the same on both engines:
 * input that is not zstd, garbage after the last frame, a truncated frame, corrupted
 * blocks, a wrong checksum, a frame that declares more than `maxOutputBytes`, output past
 * it, and windows over zstd's default 128 MiB limit.
 *
 * @example Decompress a body and stop a zip bomb
 * ```ts
 * import { ZstdCompressionStream } from "./zstd_compression_stream.ts";
 * import { ZstdDecompressionStream } from "./zstd_decompression_stream.ts";
 * import { CodexWireError } from "../errors/codex_wire_error.ts";
 * import assert from "node:assert/strict";
 *
 * const zeros = ReadableStream.from([new Uint8Array(1024 * 1024)])
 *   .pipeThrough(new ZstdCompressionStream());
 * const bomb = new Response(
 *   zeros.pipeThrough(new ZstdDecompressionStream({ maxOutputBytes: 1000 })),
 * );
 * await assert.rejects(bomb.bytes(), (error: unknown) => {
 *   assert(error instanceof CodexWireError);
 *   assert.equal(error.kind, "compression");
 *   return true;
 * });
 * ```
 */
export class ZstdDecompressionStream {
  /** The decompressed bytes. */
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** The zstd frames (any `BufferSource`). */
  readonly writable: WritableStream<ArrayBuffer | ArrayBufferView>;

  /**
   * Creates a decompression stream. The engine loads when the stream starts.
   *
   * @param options The output limit and the engine.
   * @throws {RangeError} If `maxOutputBytes` is not a positive integer, or
   * `implementation` is unknown.
   */
  constructor(options: ZstdDecompressionOptions = {}) {
    const maxOutputBytes = checkMaxOutputBytes(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const implementation = checkImplementation(options.implementation ?? "auto");
    let decoder: ChunkCoder | undefined;
    let output!: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>;
    let input!: WritableStreamDefaultController;
    let cancelled = false;
    let cancelReason: unknown;
    let wake: (() => void) | undefined;
    const wakeUp = (): void => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };
    const fail = (error: unknown): void => {
      decoder?.close();
      if (cancelled) return;
      try {
        output.error(error);
      } catch {
        // Already closed or errored: the first outcome stands.
      }
    };
    // Backpressure: after each output chunk (at most 128 KiB) decoding waits until the
    // reader wants more, so a bomb expands at the consumer's pace, not into the queue.
    // An abort of the writable waits for the write in progress, which may be waiting here:
    // its signal (which fires at once) ends the wait.
    const deliver = async (chunk: Uint8Array): Promise<void> => {
      if (cancelled) throw cancelReason;
      output.enqueue(chunk as Uint8Array<ArrayBuffer>);
      while (!cancelled && !input.signal.aborted && (output.desiredSize ?? 1) <= 0) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      if (cancelled) throw cancelReason;
      input.signal.throwIfAborted();
    };
    this.readable = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller): void {
        output = controller;
      },
      pull(): void {
        wakeUp();
      },
      cancel(reason): void {
        cancelled = true;
        cancelReason = reason ?? new DOMException("The stream was cancelled", "AbortError");
        decoder?.close();
        // As a TransformStream does: the writer learns at once that nobody reads.
        input.error(cancelReason);
        wakeUp();
      },
    }, { highWaterMark: 1 });
    this.writable = new WritableStream<ArrayBuffer | ArrayBufferView>({
      async start(controller): Promise<void> {
        input = controller;
        controller.signal.addEventListener("abort", () => {
          // As a TransformStream does: the reader learns of the abort at once.
          fail(controller.signal.reason);
          wakeUp();
        }, { once: true });
        try {
          decoder = await createZstdDecoder({
            maxOutputBytes,
            implementation,
            wholeInput: false,
            onChunk: deliver,
          });
        } catch (error) {
          fail(error);
          throw error;
        }
      },
      async write(chunk): Promise<void> {
        try {
          await decoder!.push(toBytes(chunk, "decompress"));
        } catch (error) {
          fail(error);
          throw error;
        }
      },
      async close(): Promise<void> {
        try {
          await decoder!.finish();
        } catch (error) {
          fail(error);
          throw error;
        } finally {
          decoder!.close();
        }
        if (!cancelled) output.close();
      },
      abort(reason): void {
        fail(reason);
      },
    });
  }
}
