/**
 * {@linkcode zstdCompress}: zstd for a whole buffer.
 *
 * @module
 */

import { checkImplementation, checkLevel } from "./_options.ts";
import { compressWhole } from "./_zstd_encoder.ts";
import type { ZstdCompressionOptions } from "./zstd_compression_stream.ts";

/**
 * Compresses a whole buffer with zstd, as Codex does for a request body before it sets
 * `Content-Encoding: zstd` (level 3). The engine loads on the first call.
 *
 * @param bytes The bytes to compress.
 * @param options The level (a number is taken as the level), and the engine.
 * @returns The zstd frames (one frame per 4 MiB of input on the WASM engine).
 * @throws {RangeError} If the level is not an integer from 1 to 22.
 *
 * @example Compress a request body
 * ```ts
 * import { zstdCompress } from "./zstd_compress.ts";
 * import { zstdDecompress } from "./zstd_decompress.ts";
 * import assert from "node:assert/strict";
 *
 * const body = new TextEncoder().encode(JSON.stringify({ input: "hello ".repeat(1000) }));
 * const compressed = await zstdCompress(body, 3);
 * assert(compressed.length < body.length / 10);
 * assert.deepEqual(await zstdDecompress(compressed), body);
 * ```
 */
export async function zstdCompress(
  bytes: Uint8Array,
  options: number | ZstdCompressionOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { level = 3, implementation = "auto" } = typeof options === "number"
    ? { level: options }
    : options;
  return await compressWhole(bytes, {
    level: checkLevel(level),
    implementation: checkImplementation(implementation),
  }) as Uint8Array<ArrayBuffer>;
}
