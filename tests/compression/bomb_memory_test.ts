// Compression bombs stop near their limit: gzip inflates in bounded steps, zstd streams
// wait for their reader, and a grown WASM instance is dropped when its last stream ends.

import assert from "node:assert/strict";
import { makeBombs, runMemoryCase } from "../_memory_case.ts";

Deno.test("gzip and zstd bombs stay within their bounds", async (t) => {
  // 256 MiB of zeros as 260 KB of gzip; 1 GiB of zeros as 33 KB of zstd (128 MiB window).
  const dir = await makeBombs(256, 1024);
  try {
    await t.step("a gzip bomb stops within a step of maxOutputBytes", async () => {
      const report = await runMemoryCase("gzip-bomb", dir, "16");
      assert.match(
        report.outcome,
        /^compression: Cannot decompress gzip body: the output exceeds maxOutputBytes \(16777216 bytes\)/,
      );
      // Measured: about 27 MiB; inflating the whole input chunk first grew by 256 MiB+.
      assert(report.peakGrowthMiB < 64, `peak RSS grew by ${report.peakGrowthMiB} MiB`);
    });
    await t.step("a zstd bomb expands at the pace of a slow reader", async () => {
      const report = await runMemoryCase("zstd-slow", dir);
      assert.equal(report.outcome, "first chunk 131072 bytes");
      // Measured: about 19 MiB; filling the queue up to maxOutputBytes grew by 256 MiB+.
      assert(report.peakGrowthMiB < 64, `peak RSS grew by ${report.peakGrowthMiB} MiB`);
    });
    await t.step("a drained zstd bomb fails at maxOutputBytes and frees its instance", async () => {
      const report = await runMemoryCase("zstd-bomb", dir, "1");
      assert.match(
        report.outcome,
        /^compression: Cannot decompress zstd body: the output exceeds maxOutputBytes/,
      );
      assert.equal(report.heapAfterClose, 0, "the grown WASM instance was kept");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
