// Every reconnecting event counts the retries of the response in all, both layers
// together, against one budget (retry.maxRetries).

import assert from "node:assert/strict";
import type { ReconnectingEvent } from "../../lib/responses/response_event.ts";
import { errorResponse, startMockResponsesServer } from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

function busy() {
  return errorResponse(503, { message: "busy", type: "server_error" });
}

Deno.test("retry.maxRetries ends the retrying across both layers, and each event counts in all", async () => {
  await using server = await startMockResponsesServer({
    responses: [busy(), busy(), busy(), busy(), busy(), busy()],
  });
  const { events, error } = await collect(
    testClient(server.url, { retry: { maxRetries: 3 } }).stream({ model: "m", input: "x" }),
  );
  const retries = events.filter((event): event is ReconnectingEvent =>
    event.type === "reconnecting"
  );
  assert.deepEqual(
    retries.map(({ layer, attempt, maxAttempts, retry, maxRetries }) => ({
      layer,
      attempt,
      maxAttempts,
      retry,
      maxRetries,
    })),
    [1, 2, 3].map((n) => ({
      layer: "request",
      attempt: n,
      maxAttempts: 4,
      retry: n,
      maxRetries: 3,
    })),
  );
  assert.equal(error?.status, 503);
  assert.equal(server.requests.length, 4);
});

Deno.test("without a budget, maxRetries is every retry both layers allow", async () => {
  await using server = await startMockResponsesServer({ responses: [busy()] });
  server.enqueue({ status: 200, events: [{ type: "response.created", response: { id: "r" } }] });
  server.enqueue({
    events: [{ type: "response.completed", response: { id: "r", usage: null } }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  const retries = events.filter((event): event is ReconnectingEvent =>
    event.type === "reconnecting"
  );
  assert.deepEqual(retries.map((event) => [event.layer, event.retry, event.maxRetries]), [
    ["request", 1, 29],
    ["stream", 2, 29],
  ]);
});
