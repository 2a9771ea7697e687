// The W3C trace context on the paths a WebSocket turn can leave: the HTTP fallback after a
// refused upgrade (426) carries it as headers, and the request resent on a new connection
// after `websocket_connection_limit_reached` (on a fresh connection or a reused one)
// carries it in `client_metadata` again.

import assert from "node:assert/strict";
import { completedEvent, createdEvent, startMockResponsesServer } from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

type Frame = Record<string, unknown> & { client_metadata?: Record<string, string> };

const TRACE = {
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  tracestate: "vendor=one",
};
const OTHER_TRACE = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

const HTTP_OK = { events: [createdEvent("resp-http"), completedEvent("resp-http")] };

function types(events: readonly { type: string }[]): string[] {
  return events.map((event) => event.type).filter((type) => type !== "rateLimits");
}

Deno.test("a WebSocket turn that falls back to HTTP (426) sends its trace as traceparent/tracestate headers on the POST", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK, HTTP_OK] });
  server.websocket.enqueue({ status: 426, body: "Upgrade Required" });
  await using client = testClient(server.url, { transport: "auto" });
  const { events, error } = await collect(
    client.session({ trace: TRACE }).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(types(events), ["transportFallback", "created", "completed"]);
  assert.equal(server.websocket.connections.length, 1);
  assert.equal(server.websocket.connections[0].handshake.headers.has("traceparent"), false);
  assert.equal(server.requests.length, 1);
  const [post] = server.requests;
  assert.equal(post.headers.get("traceparent"), TRACE.traceparent);
  assert.equal(post.headers.get("tracestate"), TRACE.tracestate);
  // Over HTTP the trace is a header only, not WebSocket metadata.
  const metadata = (post.json as Frame).client_metadata ?? {};
  assert.equal("ws_request_header_traceparent" in metadata, false);

  // The next turn goes straight to HTTP (the fallback is sticky), with its own trace.
  await client.stream({ model: "m", input: "y" }, { trace: OTHER_TRACE }).finalResponse();
  assert.equal(server.requests.length, 2);
  assert.equal(server.requests[1].headers.get("traceparent"), OTHER_TRACE.traceparent);
  assert.equal(server.requests[1].headers.has("tracestate"), false);
});

Deno.test("after websocket_connection_limit_reached the request resent on a new connection carries the turn's trace in client_metadata", async () => {
  await using server = await startMockResponsesServer();
  const limit = [
    { type: "error", status: 400, error: { code: "websocket_connection_limit_reached" } },
  ];
  server.websocket.enqueue(
    { responses: [limit] },
    { responses: [[createdEvent("resp-1"), completedEvent("resp-1")], limit] },
    { responses: [[createdEvent("resp-2"), completedEvent("resp-2")]] },
  );
  await using client = testClient(server.url, { transport: "websocket" });
  const first = await collect(client.session({ trace: TRACE }).stream({ model: "m", input: "x" }));
  assert.equal(first.error, undefined);
  assert.deepEqual(types(first.events), ["reconnecting", "created", "completed"]);
  const second = await collect(
    client.stream({ model: "m", input: "y" }, { trace: OTHER_TRACE }),
  );
  assert.equal(second.error, undefined);
  assert.deepEqual(types(second.events), ["reconnecting", "created", "completed"]);

  assert.equal(server.websocket.connections.length, 3);
  for (const connection of server.websocket.connections) {
    assert.equal(connection.handshake.headers.has("traceparent"), false);
    assert.equal(connection.handshake.headers.has("tracestate"), false);
  }
  const sent = server.websocket.requests as Frame[];
  assert.equal(sent.length, 4);
  for (const frame of sent.slice(0, 2)) {
    assert.equal(frame.client_metadata?.ws_request_header_traceparent, TRACE.traceparent);
    assert.equal(frame.client_metadata?.ws_request_header_tracestate, TRACE.tracestate);
  }
  for (const frame of sent.slice(2)) {
    assert.equal(frame.client_metadata?.ws_request_header_traceparent, OTHER_TRACE.traceparent);
    assert.equal("ws_request_header_tracestate" in (frame.client_metadata ?? {}), false);
  }
});
