// The scripted WebSocket mock, driven by the library's own connector over loopback.

import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import {
  connectWebSocket,
  type WebSocketConnection,
  type WebSocketFrame,
} from "../../lib/transport/websocket_connector.ts";
import {
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
  startMockResponsesWebSocketServer,
} from "../../testing.ts";

async function receiveUntil(
  connection: WebSocketConnection,
  count: number,
): Promise<WebSocketFrame[]> {
  const frames: WebSocketFrame[] = [];
  while (frames.length < count) {
    const batch = await connection.receive({ timeoutMs: 5000 });
    frames.push(...batch);
    if (batch.some((frame) => frame.type === "close")) break;
  }
  return frames;
}

function types(frames: readonly WebSocketFrame[]): string[] {
  return frames.map((frame) =>
    frame.type === "text" ? JSON.parse(frame.data).type : `<${frame.type}>`
  );
}

Deno.test("each client frame is answered by the next scripted response; handshakes and frames are recorded", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{
      headers: { "openai-model": "gpt-5", "x-reasoning-included": "true" },
      responses: [
        [createdEvent("resp-1"), outputTextDeltaEvent("Hi"), completedEvent("resp-1")],
        [createdEvent("resp-2"), completedEvent("resp-2")],
      ],
    }],
  });
  await using connection = await connectWebSocket(server.websocketUrl, {
    headers: { "openai-beta": "responses_websockets=2026-02-06" },
  });
  assert.equal(connection.responseHeaders.get("openai-model"), "gpt-5");
  await connection.send(JSON.stringify({ type: "response.create", n: 1 }));
  assert.deepEqual(types(await receiveUntil(connection, 3)), [
    "response.created",
    "response.output_text.delta",
    "response.completed",
  ]);
  await connection.send(JSON.stringify({ type: "response.create", n: 2 }));
  assert.deepEqual(types(await receiveUntil(connection, 2)), [
    "response.created",
    "response.completed",
  ]);
  // A third frame has no script: a wrapped 500 error frame says so.
  await connection.send("not json");
  const [extra] = await receiveUntil(connection, 1);
  assert.equal(extra.type, "text");
  const error = JSON.parse(extra.type === "text" ? extra.data : "{}");
  assert.equal(error.status, 500);
  assert.equal(error.error.code, "mock_queue_empty");

  assert.equal(server.connections.length, 1);
  const [record] = server.connections;
  assert.equal(record.accepted, true);
  assert.equal(record.handshake.method, "GET");
  assert.equal(record.handshake.path, "/v1/responses");
  assert.equal(record.handshake.headers.get("openai-beta"), "responses_websockets=2026-02-06");
  assert.deepEqual(server.requests, [
    { type: "response.create", n: 1 },
    { type: "response.create", n: 2 },
    undefined,
  ]);
  assert.equal(record.frames[2].text, "not json");
});

Deno.test("a scripted refusal answers the upgrade with its status, headers and body", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ status: 426, headers: { "x-why": "http only" }, body: "use HTTP" }],
  });
  const error = await connectWebSocket(server.websocketUrl).catch((error) => error);
  assert.ok(error instanceof CodexWireError);
  assert.equal(error.status, 426);
  assert.equal(error.headers?.get("x-why"), "http only");
  assert.equal(error.body, "use HTTP");
  assert.equal(server.connections[0].accepted, false);
  // The queue is empty now: the next handshake is refused with 500.
  const empty = await connectWebSocket(server.websocketUrl).catch((error) => error);
  assert.equal(empty.status, 500);
  assert.match(empty.body, /mock_queue_empty/);
});

Deno.test("server-initiated frames, raw text, binary, gates and closeAfterRequests", async () => {
  const release = Promise.withResolvers<void>();
  await using server = await startMockResponsesWebSocketServer({
    connections: [{
      onOpen: [{ type: "codex.rate_limits", plan_type: "plus" }],
      responses: [[
        { text: "not json" },
        { binary: new Uint8Array([7]) },
        { event: createdEvent("resp-1"), gate: release.promise },
      ]],
      closeAfterRequests: 1,
    }],
  });
  await using connection = await connectWebSocket(server.websocketUrl);
  assert.deepEqual(types(await receiveUntil(connection, 1)), ["codex.rate_limits"]);
  await connection.send("{}");
  const before = await receiveUntil(connection, 2);
  assert.deepEqual(before, [
    { type: "text", data: "not json" },
    { type: "binary", data: new Uint8Array([7]) },
  ]);
  release.resolve();
  const after = await receiveUntil(connection, 2);
  assert.deepEqual(types(after.slice(0, 1)), ["response.created"]);
  assert.deepEqual(after.at(-1), { type: "close", code: 1000, reason: "", clean: true });
});

Deno.test("an accept delay holds the handshake back", async () => {
  const accept = Promise.withResolvers<void>();
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ acceptGate: accept.promise }, {}],
  });
  const timedOut = await connectWebSocket(server.websocketUrl, { connectTimeoutMs: 30 })
    .catch((error) => error);
  assert.equal(timedOut.kind, "network");
  accept.resolve();
  await using connection = await connectWebSocket(server.websocketUrl);
  assert.equal(connection.isOpen, true);
});

Deno.test("a scripted close and the server's own close are recorded", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ responses: [[{ close: { code: 4000, reason: "bye" } }]] }, {}],
  });
  const first = await connectWebSocket(server.websocketUrl);
  await first.send("{}");
  assert.deepEqual(await receiveUntil(first, 1), [
    { type: "close", code: 4000, reason: "bye", clean: true },
  ]);
  await first.close();
  const second = await connectWebSocket(server.websocketUrl);
  await server.close();
  const frames = await receiveUntil(second, 1);
  assert.deepEqual(frames.at(-1), {
    type: "close",
    code: 1001,
    reason: "mock server closing",
    clean: true,
  });
  await second.close();
  assert.equal(server.connections[0].closed?.code, 4000);
});

Deno.test("enqueue rejects malformed scripts before queueing any", async () => {
  await using server = await startMockResponsesWebSocketServer();
  assert.throws(() => server.enqueue({}, { status: 101 }), RangeError);
  assert.throws(
    () => server.enqueue({ responses: [[{ text: "a", binary: new Uint8Array() }]] }),
    TypeError,
  );
  assert.throws(() => server.enqueue({ responses: [[{ close: { code: 1006 } }]] }), RangeError);
  assert.throws(() => server.enqueue({ onOpen: [{ text: "x", delayMs: -1 }] }), RangeError);
  assert.equal(server.pendingConnections, 0);
});
