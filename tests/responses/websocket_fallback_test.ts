// Falling back from WebSocket to HTTP (Codex's websocket_fallback.rs, and the policy for
// connections that cannot be opened), against one mock serving both on /responses.

import assert from "node:assert/strict";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { completedEvent, createdEvent, startMockResponsesServer } from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

const HTTP_OK = { events: [createdEvent("resp-http"), completedEvent("resp-http")] };
const CLOSES = { responses: [[createdEvent("resp-ws"), { close: { code: 1000 } }]] };

function types(events: readonly { type: string }[]): string[] {
  return events.map((event) => event.type).filter((type) => type !== "rateLimits");
}

function fallbackOf(events: readonly { type: string }[]) {
  return events.find((event) => event.type === "transportFallback") as
    | (ResponseEvent & { type: "transportFallback" })
    | undefined;
}

Deno.test("websocket_fallback_switches_to_http_on_upgrade_required_connect: 426 → one handshake, one POST, and HTTP from then on", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK, HTTP_OK] });
  server.websocket.enqueue({ status: 426, body: "Upgrade Required" });
  await using client = testClient(server.url, { transport: "auto" });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.deepEqual(types(events), ["transportFallback", "created", "completed"]);
  const fallback = fallbackOf(events);
  assert.equal(fallback?.from, "websocket");
  assert.equal(fallback?.to, "sse");
  assert.equal(fallback?.error.status, 426);
  assert.match(fallback?.message ?? "", /^Falling back from WebSockets to HTTPS transport\. /);
  assert.equal(server.websocket.connections.length, 1);
  assert.equal(server.requests.length, 1);
  // Sticky: the next turn goes straight to HTTP.
  await client.session().stream({ model: "m", input: "y" }).finalResponse();
  assert.equal(server.websocket.connections.length, 1);
  assert.equal(server.requests.length, 2);
});

Deno.test("websocket_fallback_switches_to_http_after_retries_exhausted and is_sticky_across_turns", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK, HTTP_OK] });
  server.websocket.enqueue(CLOSES, CLOSES, CLOSES);
  await using client = testClient(server.url, {
    transport: "auto",
    retry: { streamMaxRetries: 2 },
  });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.deepEqual(types(events), [
    "created",
    "reconnecting",
    "created",
    "reconnecting",
    "created",
    "transportFallback",
    "created",
    "completed",
  ]);
  assert.equal(
    fallbackOf(events)?.message,
    "Falling back from WebSockets to HTTPS transport. websocket closed by server before response.completed",
  );
  assert.equal(server.websocket.connections.length, 3);
  assert.equal(server.requests.length, 1);
  await client.stream({ model: "m", input: "y" }).finalResponse();
  assert.equal(server.websocket.connections.length, 3);
  assert.equal(server.requests.length, 2);
});

Deno.test("a connection that cannot be opened (404 on the upgrade) falls back at once by default", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK] });
  server.websocket.enqueue({ status: 404, body: "no websockets here" });
  await using client = testClient(server.url, { transport: "auto" });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.deepEqual(types(events), ["transportFallback", "created", "completed"]);
  assert.equal(server.websocket.connections.length, 1);
});

Deno.test("onConnectError: retry retries the connect and falls back when the retries are spent; sticky: false tries WebSocket again next time", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK] });
  server.websocket.enqueue({ status: 404 }, { status: 404 }, {
    responses: [[createdEvent("resp-ws"), completedEvent("resp-ws")]],
  });
  await using client = testClient(server.url, {
    transport: "auto",
    retry: { streamMaxRetries: 1 },
    websocket: { fallback: { onConnectError: "retry", sticky: false } },
  });
  const { events } = await collect(client.stream({ model: "m", input: "x" }));
  assert.deepEqual(types(events), ["reconnecting", "transportFallback", "created", "completed"]);
  assert.equal(server.websocket.connections.length, 2);
  const again = await client.stream({ model: "m", input: "y" }).finalResponse();
  assert.equal(again.responseId, "resp-ws");
  assert.equal(server.websocket.connections.length, 3);
  assert.equal(server.requests.length, 1);
});

Deno.test("transport: websocket never falls back: a 426 is the error", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK] });
  server.websocket.enqueue({ status: 426 });
  await using client = testClient(server.url, { transport: "websocket" });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error?.status, 426);
  assert.equal(server.requests.length, 0);
});
