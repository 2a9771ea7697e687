// The WebSocket transport's connections: lazy connect, reuse, one request per connection,
// incremental requests, prewarm, drop on failure, against the scripted mock.

import assert from "node:assert/strict";
import type { WebSocketRequestTelemetry } from "../../lib/telemetry/websocket_telemetry.ts";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { type WebSocketAttempt, WebSocketTransport } from "../../lib/responses/ws_transport.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  startMockResponsesWebSocketServer,
} from "../../testing.ts";

function user(text: string) {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

async function drain(attempt: WebSocketAttempt): Promise<ResponseEvent[]> {
  const events: ResponseEvent[] = [];
  while (!attempt.completed) events.push(...await attempt.next());
  return events;
}

const OK = (id: string) => [createdEvent(id), completedEvent(id)];

Deno.test("responses_websocket_v2_incremental_requests_are_reused_across_turns: one handshake, incremental follow-ups", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{
      headers: { "openai-model": "gpt-5.2", "x-reasoning-included": "true" },
      responses: [
        [createdEvent("resp-1"), assistantMessageEvent("msg-1", "hello"), completedEvent("resp-1")],
        OK("resp-2"),
      ],
    }],
  });
  const requests: WebSocketRequestTelemetry[] = [];
  await using transport = new WebSocketTransport({
    url: server.websocketUrl,
    telemetry: { onWebSocketRequest: (info) => requests.push(info) },
  });
  const first = await transport.acquire(new Headers({ "x-turn": "1" }));
  assert.equal(first.reused, false);
  assert.deepEqual(first.handshakeEvents, [
    { type: "serverModel", model: "gpt-5.2" },
    { type: "serverReasoningIncluded", included: true },
  ]);
  const one = await first.send({ body: { model: "m", input: [user("hi")] }, idleTimeoutMs: 5000 });
  assert.equal(one.incremental, false);
  const events = await drain(one);
  const answer = events.find((event) => event.type === "outputItemDone");
  assert.ok(answer?.type === "outputItemDone");

  const second = await transport.acquire(new Headers({ "x-turn": "2" }));
  assert.equal(second.reused, true);
  const two = await second.send({
    body: { model: "m", input: [user("hi"), answer.item, user("again")] },
    clientMetadata: { "x-codex-turn-state": "ts-1" },
    idleTimeoutMs: 5000,
  });
  assert.equal(two.incremental, true);
  await drain(two);

  assert.equal(server.connections.length, 1);
  assert.equal(server.connections[0].handshake.headers.get("x-turn"), "1");
  const [frame1, frame2] = server.requests as Record<string, unknown>[];
  assert.equal(frame1.type, "response.create");
  assert.equal("previous_response_id" in frame1, false);
  assert.equal(frame2.previous_response_id, "resp-1");
  assert.deepEqual(frame2.input, [user("again")]);
  const metadata = frame2.client_metadata as Record<string, string>;
  assert.equal(metadata["x-codex-turn-state"], "ts-1");
  assert.match(metadata["x-codex-ws-stream-request-start-ms"], /^\d+$/);
  assert.deepEqual(requests.map((info) => [info.connectionReused, info.error]), [
    [false, undefined],
    [true, undefined],
  ]);
  assert.equal(transport.openConnections, 1);
});

Deno.test("one request in flight per connection: a second concurrent request opens a second connection", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ responses: [OK("a")] }, { responses: [OK("b")] }],
  });
  await using transport = new WebSocketTransport({ url: server.websocketUrl });
  const [one, two] = await Promise.all([
    transport.acquire(new Headers()),
    transport.acquire(new Headers()),
  ]);
  const attempts = await Promise.all(
    [one, two].map((lease) => lease.send({ body: { model: "m", input: [] }, idleTimeoutMs: 5000 })),
  );
  await Promise.all(attempts.map(drain));
  assert.equal(server.connections.length, 2);
  assert.equal(transport.openConnections, 2);
});

Deno.test("responses_websocket_v2_after_error_uses_full_create_without_previous_response_id", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [
      {
        responses: [
          OK("resp-1"),
          [{ type: "error", status: 400, error: { code: "previous_response_not_found" } }],
        ],
      },
      { responses: [OK("resp-2")] },
    ],
  });
  await using transport = new WebSocketTransport({ url: server.websocketUrl });
  await drain(
    await (await transport.acquire(new Headers())).send({
      body: { model: "m", input: [user("a")] },
      idleTimeoutMs: 5000,
    }),
  );
  const failing = await (await transport.acquire(new Headers())).send({
    body: { model: "m", input: [user("a"), user("b")] },
    idleTimeoutMs: 5000,
  });
  assert.equal(failing.incremental, true);
  const error = await drain(failing).catch((error) => error);
  assert.equal(error.kind, "stream");
  assert.equal(error.retryable, true);
  assert.equal(transport.openConnections, 0);
  const retry = await (await transport.acquire(new Headers())).send({
    body: { model: "m", input: [user("a"), user("b")] },
    idleTimeoutMs: 5000,
  });
  assert.equal(retry.incremental, false);
  await drain(retry);
  assert.equal(server.connections.length, 2);
  const last = server.requests.at(-1) as Record<string, unknown>;
  assert.equal("previous_response_id" in last, false);
  assert.deepEqual(last.input, [user("a"), user("b")]);
});

Deno.test("responses_websocket_request_prewarm_reuses_connection: a generate:false warm-up, then input []", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ responses: [OK("warm-1"), OK("resp-1")] }],
  });
  await using transport = new WebSocketTransport({ url: server.websocketUrl });
  const body = { model: "m", instructions: "x", input: [user("hi")] };
  await drain(
    await (await transport.acquire(new Headers())).send({
      body,
      generate: false,
      idleTimeoutMs: 5000,
    }),
  );
  await drain(await (await transport.acquire(new Headers())).send({ body, idleTimeoutMs: 5000 }));
  const [warm, real] = server.requests as Record<string, unknown>[];
  assert.equal(warm.generate, false);
  assert.equal("generate" in real, false);
  assert.equal(real.previous_response_id, "warm-1");
  assert.deepEqual(real.input, []);
});

Deno.test("responses_websocket_preconnect_reuses_connection: a handshake without frames, then reused", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ responses: [OK("resp-1")] }],
  });
  await using transport = new WebSocketTransport({ url: server.websocketUrl });
  await transport.preconnect(new Headers({ "x-pre": "1" }));
  await transport.preconnect(new Headers({ "x-pre": "2" }));
  assert.equal(server.connections.length, 1);
  assert.deepEqual(server.requests, []);
  await drain(
    await (await transport.acquire(new Headers({ "x-pre": "3" }))).send({
      body: { model: "m", input: [] },
      idleTimeoutMs: 5000,
    }),
  );
  assert.equal(server.connections.length, 1);
  assert.equal(server.connections[0].handshake.headers.get("x-pre"), "1");
});

Deno.test("a connection the server closed while idle is not reused; a cancelled response drops its connection", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [
      { responses: [OK("resp-1")], closeAfterRequests: 1 },
      { responses: [[createdEvent("resp-2")]] },
      { responses: [OK("resp-3")] },
    ],
  });
  await using transport = new WebSocketTransport({ url: server.websocketUrl });
  await drain(
    await (await transport.acquire(new Headers())).send({
      body: { model: "m", input: [] },
      idleTimeoutMs: 5000,
    }),
  );
  // Wait for the server's close to be seen.
  for (let i = 0; i < 100 && server.connections[0].closed === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const attempt = await (await transport.acquire(new Headers())).send({
    body: { model: "m", input: [] },
    idleTimeoutMs: 5000,
  });
  assert.deepEqual((await attempt.next()).map((event) => event.type), ["created"]);
  await attempt.cancel();
  assert.equal(transport.openConnections, 0);
  await drain(
    await (await transport.acquire(new Headers())).send({
      body: { model: "m", input: [] },
      idleTimeoutMs: 5000,
    }),
  );
  assert.equal(server.connections.length, 3);
});

Deno.test("connect failures surface from acquire with their HTTP answer", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ status: 426, body: "upgrade required" }],
  });
  const connects: { status?: number }[] = [];
  await using transport = new WebSocketTransport({
    url: server.websocketUrl,
    telemetry: { onWebSocketConnect: (info) => connects.push(info) },
  });
  const error = await transport.acquire(new Headers()).catch((error) => error);
  assert.equal(error.status, 426);
  assert.equal(connects[0].status, 426);
});

Deno.test("after a burst of concurrent requests at most four idle connections are kept", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: Array.from({ length: 6 }, (_, i) => ({ responses: [OK(`r${i}`)] })),
  });
  await using transport = new WebSocketTransport({ url: server.websocketUrl });
  const leases = await Promise.all(
    Array.from({ length: 6 }, () => transport.acquire(new Headers())),
  );
  const attempts = await Promise.all(
    leases.map((lease) => lease.send({ body: { model: "m", input: [] }, idleTimeoutMs: 5000 })),
  );
  await Promise.all(attempts.map(drain));
  assert.equal(server.connections.length, 6);
  assert.equal(transport.openConnections, 4);
});
