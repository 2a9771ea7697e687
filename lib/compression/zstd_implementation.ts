/**
 * Which zstd engine does the work: {@linkcode ZstdImplementation} and
 * {@linkcode hasNativeZstd}.
 *
 * @module
 */

import { loadNativeZlib } from "./_native_zstd.ts";

/**
 * Which zstd engine a stream or function uses.
 *
 * - `"wasm"`: zstd compiled to WebAssembly, shipped inside npm packages; runs wherever
 *   Deno runs, with no permissions.
 * - `"native"`: the zstd of `node:zlib` (Deno 2.x); fails with a `kind: "compression"`
 *   error where the runtime has none. It decodes a whole frame at a time, so a
 *   `ZstdDecompressionStream` on it holds one compressed frame in memory.
 * - `"auto"`: native where present for compression and for whole-buffer decompression
 *   (`zstdDecompress`, `decodeContentEncoding`), WASM for `ZstdDecompressionStream`
 *   (Deno 2.9's streaming native decoder stops after the first frame, misses truncation,
 *   and throws checksum errors where no listener can catch them).
 *
 * Both engines write standard zstd frames that the other one and the `zstd` CLI decode,
 * and both fail on bad input with the same `CodexWireError` messages.
 */
export type ZstdImplementation = "auto" | "wasm" | "native";

/**
 * Tells whether this runtime has a native zstd in `node:zlib`, the engine that
 * `implementation: "auto"` picks when it is there.
 *
 * @returns `true` when `implementation: "native"` can be used.
 *
 * @example Usage
 * ```ts
 * import { hasNativeZstd } from "./zstd_implementation.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof await hasNativeZstd(), "boolean");
 * ```
 */
export async function hasNativeZstd(): Promise<boolean> {
  return (await loadNativeZlib()) !== undefined;
}
