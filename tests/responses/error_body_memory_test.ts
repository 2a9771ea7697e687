// A 64 MiB error body costs the client its 64 KiB prefix, not the body twice over.

import assert from "node:assert/strict";
import { runMemoryCase } from "../_memory_case.ts";

Deno.test("a 64 MiB error body grows the client's peak RSS by far less than the body", async () => {
  const report = await runMemoryCase("error-body", "64");
  assert.match(report.outcome, /^http: Request failed with HTTP 500/);
  assert.equal(report.bodyBytes, 64 * 1024);
  // Measured: about 8 MiB (the loopback server's buffers included); before the bound the
  // client grew by twice the body.
  assert(report.peakGrowthMiB < 32, `peak RSS grew by ${report.peakGrowthMiB} MiB`);
  assert((report.sentMiB as number) < 64, "the rest of the body was not read");
});
