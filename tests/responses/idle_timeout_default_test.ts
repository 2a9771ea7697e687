// The default per-event idle timeout is 300 s (spec §1.6), checked on a fake clock.

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { ResponsesClient } from "../../lib/responses/responses_client.ts";
import { createdEvent, startMockResponsesServer } from "../../testing.ts";
import { collect } from "../_helpers.ts";

Deno.test("ResponseStream fails with idleTimeout after 300 s of silence by default, not before", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r")], keepOpen: true }],
  });
  const client = new ResponsesClient({
    baseUrl: server.url,
    retry: { streamMaxRetries: 0 },
  });
  const stream = client.stream({ model: "m", input: "x" })[Symbol.asyncIterator]();
  // Read up to `created` on the real clock, then stop time.
  while ((await stream.next()).value?.type !== "created");
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  try {
    const rest = collect({ [Symbol.asyncIterator]: () => stream });
    let settled = false;
    rest.then(() => settled = true);
    await clock.tickAsync(299_000);
    assert.equal(settled, false, "timed out before 300 s");
    await clock.tickAsync(1_000);
    const { error } = await rest;
    assert.equal(error?.kind, "idleTimeout");
    assert.equal(error?.message, "idle timeout waiting for SSE");
  } finally {
    clock.uninstall();
  }
});
