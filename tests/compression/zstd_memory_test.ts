// Streaming keeps memory bounded: 100 MB through ZstdCompressionStream into a sink that
// only counts bytes, on both engines, each measured in a process of its own.

import assert from "node:assert/strict";
import { IMPLEMENTATIONS } from "./_zstd_helpers.ts";

/**
 * RSS growth allowed while 100 MB flow. Measured: about 15 MiB (WASM: one 4 MiB block,
 * its copy in WASM memory and the encoder's tables) and 10 MiB (native); a compressor
 * that buffered the body would grow by 100 MiB or more.
 */
const MAX_RSS_GROWTH = 48 * 1024 * 1024;

const CHILD = new URL("./_zstd_memory_child.ts", import.meta.url).pathname;

for (const implementation of IMPLEMENTATIONS) {
  Deno.test(`ZstdCompressionStream (${implementation}) compresses 100 MB in bounded memory`, async () => {
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CHILD, implementation],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    const { totalBytes, compressedBytes, growth } = JSON.parse(
      new TextDecoder().decode(child.stdout).trim().split("\n").at(-1)!,
    );
    assert(compressedBytes > 0 && compressedBytes < totalBytes / 10);
    assert(
      growth < MAX_RSS_GROWTH,
      `RSS grew by ${(growth / 1024 / 1024).toFixed(1)} MiB while 100 MB streamed`,
    );
  });
}
