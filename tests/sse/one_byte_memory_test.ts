// An event sent one byte per chunk costs about its size in memory, not a rope of
// one-character strings.

import assert from "node:assert/strict";
import { runMemoryCase } from "../_memory_case.ts";

Deno.test("a 2 MiB event fed one byte at a time stays within a few times its size", async () => {
  const report = await runMemoryCase("sse-bytes", "2");
  assert.equal(report.outcome, "1 message(s)");
  // Measured: about 20 MiB (short-lived garbage included); a byte-per-chunk rope held
  // about 125 MiB.
  assert(report.peakGrowthMiB < 48, `peak RSS grew by ${report.peakGrowthMiB} MiB`);
});
