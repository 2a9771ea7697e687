/**
 * {@linkcode zstdDecompress}: zstd for a whole buffer.
 *
 * @module
 */

import { checkImplementation, checkMaxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES } from "./_options.ts";
import { decompressWhole } from "./_zstd_decoder.ts";
import type { ZstdDecompressionOptions } from "./zstd_decompression_stream.ts";

/**
 * Decompresses a whole zstd buffer: one or more frames, with or without a content size.
 * The engine loads on the first call.
 *
 * @param bytes The zstd frames.
 * @param options The output limit (256 MiB by default) and the engine.
 * @returns The decompressed bytes.
 * @throws {CodexWireError} With `kind: "compression"` if the input is not valid zstd,
 * is truncated, or expands past `maxOutputBytes`.
 * @throws {RangeError} If `maxOutputBytes` is not a positive integer.
 *
 * @example Decompress a request body and reject a truncated one
 * ```ts
 * import { zstdCompress } from "./zstd_compress.ts";
 * import { zstdDecompress } from "./zstd_decompress.ts";
 * import assert from "node:assert/strict";
 *
 * const body = new TextEncoder().encode('{"model":"gpt-5","input":[]}');
 * const compressed = await zstdCompress(body);
 * assert.deepEqual(await zstdDecompress(compressed), body);
 * await assert.rejects(zstdDecompress(compressed.subarray(0, 10)), {
 *   name: "CodexWireError",
 *   message: "Cannot decompress zstd body: the input ends in the middle of a frame",
 * });
 * ```
 */
export async function zstdDecompress(
  bytes: Uint8Array,
  options: ZstdDecompressionOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  return await decompressWhole(bytes, {
    maxOutputBytes: checkMaxOutputBytes(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES),
    implementation: checkImplementation(options.implementation ?? "auto"),
  });
}
