/**
 * zstd for the Responses wire, as the `./zstd` entrypoint: Codex compresses `POST
 * /responses` bodies with zstd level 3 and `Content-Encoding: zstd`.
 *
 * - {@linkcode ZstdCompressionStream} / {@linkcode ZstdDecompressionStream}: drop-in
 *   shapes of the web `CompressionStream` / `DecompressionStream`, with bounded memory.
 * - {@linkcode zstdCompress} / {@linkcode zstdDecompress}: the same for whole buffers.
 * - {@linkcode decodeContentEncoding}: undoes `zstd`, `gzip`, `deflate` or `identity`;
 *   the mock, capture and replay servers all decode request bodies with it.
 *
 * Two engines do the work (see {@linkcode ZstdImplementation}): zstd compiled to
 * WebAssembly, which runs wherever Deno runs and needs no permission, and the native zstd
 * of `node:zlib` where the runtime has it. `"auto"` (the default) takes native wherever
 * it is safe; both write frames that the other and the `zstd` CLI decode, and both fail
 * with the same errors. Nothing loads until the first stream starts or the first call
 * runs.
 *
 * Decompression refuses to fill memory: past `maxOutputBytes` (256 MiB by default), or
 * at a frame header that declares more, it fails with a `CodexWireError` of
 * `kind: "compression"`, as it does for truncated, corrupted or non-zstd input.
 *
 * @example Compress a request body the way Codex does
 * ```ts
 * import { decodeContentEncoding, zstdCompress } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const json = JSON.stringify({ model: "gpt-5-codex", input: [], stream: true });
 * const body = await zstdCompress(new TextEncoder().encode(json), 3);
 * const headers = { "content-type": "application/json", "content-encoding": "zstd" };
 *
 * // What a server sees:
 * const decoded = await decodeContentEncoding(body, headers["content-encoding"]);
 * assert.equal(new TextDecoder().decode(decoded), json);
 * ```
 *
 * @module
 */

export * from "./decode_content_encoding.ts";
export * from "./zstd_compress.ts";
export * from "./zstd_compression_stream.ts";
export * from "./zstd_decompress.ts";
export * from "./zstd_decompression_stream.ts";
export * from "./zstd_implementation.ts";
