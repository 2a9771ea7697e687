// ResponsesClient over WebSocket: the WebSocket scenarios of Codex's client_websockets.rs,
// turn_state.rs (WebSocket half) and upstream R1, R7, R8, against the scripted mock.

import assert from "node:assert/strict";
import type { WebSocketEventTelemetry } from "../../lib/telemetry/websocket_telemetry.ts";
import type { RequestTelemetry, SseEventTelemetry } from "../../lib/telemetry/telemetry.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  failedEvent,
  functionCallEvent,
  type MockResponsesServer,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

type Frame = Record<string, unknown> & {
  input: Record<string, unknown>[];
  client_metadata?: Record<string, string>;
};

const OK = (id: string) => [createdEvent(id), completedEvent(id)];

function frames(server: MockResponsesServer): Frame[] {
  return server.websocket.requests as Frame[];
}

function handshake(server: MockResponsesServer, index: number): Headers {
  return server.websocket.connections[index].handshake.headers;
}

function user(text: string) {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

Deno.test("responses_websocket_streams_request: a response.create frame over one handshake with the WebSocket beta", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    responses: [[createdEvent("resp-1"), outputTextDeltaEvent("Hi"), completedEvent("resp-1")]],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const { events, error } = await collect(client.stream({ model: "gpt-5.2-codex", input: "hi" }));
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), ["created", "outputTextDelta", "completed"]);
  assert.equal(server.requests.length, 0, "no HTTP request");
  const [frame] = frames(server);
  assert.equal(frame.type, "response.create");
  assert.equal(frame.model, "gpt-5.2-codex");
  assert.equal(frame.stream, true);
  assert.deepEqual(frame.input, [user("hi")]);
  const headers = handshake(server, 0);
  assert.equal(headers.get("openai-beta"), "responses_websockets=2026-02-06");
  assert.equal(headers.get("x-client-request-id"), "conv-1");
  assert.equal(headers.get("session-id"), "sess-1");
  assert.equal(headers.get("thread-id"), "conv-1");
  assert.equal(headers.get("authorization"), "Bearer sk-test");
  assert.match(headers.get("user-agent") ?? "", /^codex_cli_rs\//);
  assert.equal(headers.has("x-codex-turn-state"), false);
  assert.equal(server.websocket.connections[0].handshake.path, "/v1/responses");
});

const TRACE_1 = {
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  tracestate: "vendor=one",
};
const TRACE_2 = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

Deno.test("responses_websocket_reuses_connection_with_per_turn_trace_payloads / reuses_connection_after_session_drop", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1"), OK("resp-2")] });
  await using client = testClient(server.url, { transport: "websocket" });
  await client.session({ turnMetadata: { turn_id: "turn-1" }, trace: TRACE_1 })
    .stream({ model: "m", input: "one" }).finalResponse();
  await client.session({ turnMetadata: { turn_id: "turn-2" } })
    .stream({ model: "m", input: "two" }, { trace: TRACE_2 }).finalResponse();
  assert.equal(server.websocket.connections.length, 1);
  const [one, two] = frames(server);
  assert.equal(one.client_metadata?.turn_id, "turn-1");
  assert.equal(two.client_metadata?.turn_id, "turn-2");
  assert.equal(
    JSON.parse(two.client_metadata?.["x-codex-turn-metadata"] ?? "{}").turn_id,
    "turn-2",
  );
  // Each request carries its own turn's trace, in client_metadata only.
  assert.equal(one.client_metadata?.ws_request_header_traceparent, TRACE_1.traceparent);
  assert.equal(one.client_metadata?.ws_request_header_tracestate, "vendor=one");
  assert.equal(two.client_metadata?.ws_request_header_traceparent, TRACE_2.traceparent);
  assert.equal("ws_request_header_tracestate" in (two.client_metadata ?? {}), false);
  assert.notEqual(
    one.client_metadata?.ws_request_header_traceparent,
    two.client_metadata?.ws_request_header_traceparent,
  );
  assert.equal("trace" in one, false);
  assert.equal(handshake(server, 0).has("traceparent"), false);
  assert.equal(handshake(server, 0).has("tracestate"), false);
});

Deno.test("responses_websocket_preconnect_does_not_replace_turn_trace_payload: the handshake carries no trace, the turn's request does", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1")] });
  await using client = testClient(server.url, { transport: "websocket" });
  const turn = client.session({ trace: TRACE_1 });
  await turn.preconnect();
  assert.equal(frames(server).length, 0);
  await turn.stream({ model: "m", input: "hello" }).finalResponse();
  assert.equal(server.websocket.connections.length, 1);
  assert.equal(handshake(server, 0).has("traceparent"), false);
  assert.equal(handshake(server, 0).has("tracestate"), false);
  const [request] = frames(server);
  assert.equal(request.client_metadata?.ws_request_header_traceparent, TRACE_1.traceparent);
  assert.equal(request.client_metadata?.ws_request_header_tracestate, TRACE_1.tracestate);
});

Deno.test("a warm-up carries its own trace, and the turn that continues it carries the turn's", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("warm-1"), OK("resp-1")] });
  await using client = testClient(server.url, { transport: "websocket" });
  const request = { model: "m", input: "hi" };
  await client.prewarm(request, { trace: TRACE_2 });
  await client.stream(request, { trace: TRACE_1 }).finalResponse();
  const [warm, real] = frames(server);
  assert.equal(warm.client_metadata?.ws_request_header_traceparent, TRACE_2.traceparent);
  assert.equal(real.client_metadata?.ws_request_header_traceparent, TRACE_1.traceparent);
  assert.equal(real.previous_response_id, "warm-1", "a new trace does not defeat the reuse");
});

Deno.test("a warm-up with a bad trace context fails before any handshake", async () => {
  await using server = await startMockResponsesServer();
  await using client = testClient(server.url, { transport: "websocket" });
  await assert.rejects(
    () => client.prewarm({ model: "m", input: "hi" }, { trace: { traceparent: "bad" } }),
    (error: unknown) => error instanceof Error && /traceparent must be/.test(error.message),
  );
  assert.equal(server.websocket.connections.length, 0);
});

Deno.test("traceparent and tracestate given as plain headers stay off the shared handshake", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1")] });
  await using client = testClient(server.url, {
    transport: "websocket",
    headers: { traceparent: TRACE_1.traceparent, tracestate: "a=1" },
  });
  await client.stream({ model: "m", input: "hello" }).finalResponse();
  assert.equal(handshake(server, 0).has("traceparent"), false);
  assert.equal(handshake(server, 0).has("tracestate"), false);
});

Deno.test("responses_websocket_preconnect_reuses_connection: preconnect is a handshake, and the first turn uses it with its own metadata", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1")] });
  await using client = testClient(server.url, { transport: "websocket" });
  await client.preconnect();
  assert.equal(server.websocket.connections.length, 1);
  assert.equal(frames(server).length, 0);
  await client.session({ turnMetadata: { turn_id: "turn-9" }, headers: { "x-late": "1" } })
    .stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(server.websocket.connections.length, 1);
  assert.equal(handshake(server, 0).has("x-late"), false);
  assert.equal(frames(server)[0].client_metadata?.turn_id, "turn-9");
});

Deno.test("responses_websocket_request_prewarm_reuses_connection: generate:false warm-up, then previous_response_id and input []", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("warm-1"), OK("resp-1")] });
  await using client = testClient(server.url, { transport: "websocket" });
  const request = { model: "m", instructions: "be brief", input: "hi" };
  await client.prewarm(request);
  const final = await client.stream(request).finalResponse();
  assert.equal(final.responseId, "resp-1");
  const [warm, real] = frames(server);
  assert.equal(warm.generate, false);
  assert.equal("previous_response_id" in warm, false);
  assert.equal("generate" in real, false);
  assert.equal(real.previous_response_id, "warm-1");
  assert.deepEqual(real.input, []);
  assert.equal(server.websocket.connections.length, 1);
});

Deno.test("incremental creates: previous_response_id on a prefix, turn metadata on both, full create on non-prefix or changed fields", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    responses: [
      [createdEvent("resp-1"), assistantMessageEvent("msg_1", "hello"), completedEvent("resp-1")],
      OK("resp-2"),
      OK("resp-3"),
      OK("resp-4"),
    ],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const turn = client.session({ turnMetadata: { turn_id: "turn-1" } });
  const first = await turn.stream({ model: "m", input: [user("hi")] }).finalResponse();
  const history = [user("hi"), ...first.items, user("more")];
  await turn.stream({ model: "m", input: history }).finalResponse();
  await turn.stream({ model: "m", input: [user("other")] }).finalResponse();
  await turn.stream({ model: "m", input: [user("other"), user("x")], serviceTier: "priority" })
    .finalResponse();
  const [one, two, three, four] = frames(server);
  assert.equal("previous_response_id" in one, false);
  assert.equal(two.previous_response_id, "resp-1");
  assert.deepEqual(two.input, [user("more")]);
  for (const frame of [one, two]) assert.equal(frame.client_metadata?.turn_id, "turn-1");
  assert.equal("previous_response_id" in three, false, "not a prefix");
  assert.equal("previous_response_id" in four, false, "service tier changed");
  assert.equal(four.service_tier, "priority");
});

Deno.test("websocket turn state (R1): captured from response.metadata, sent in client_metadata within the turn, never on the next", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    responses: [
      [
        createdEvent("resp-1"),
        { type: "response.metadata", headers: { "x-codex-turn-state": "ts-1" } },
        { type: "response.metadata", headers: { "x-codex-turn-state": "ts-ignored" } },
        functionCallEvent("call-1", "shell", { arguments: '{"cmd":"ls"}' }),
        completedEvent("resp-1"),
      ],
      [
        createdEvent("resp-2"),
        { type: "response.metadata", headers: { "x-codex-turn-state": "ts-late" } },
        completedEvent("resp-2"),
      ],
      OK("resp-3"),
    ],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const turn = client.session();
  await turn.stream({ model: "m", input: "run ls" }).finalResponse();
  assert.equal(turn.turnState, "ts-1");
  await turn.stream({ model: "m", input: "tool output" }).finalResponse();
  assert.equal(turn.turnState, "ts-1", "the first value wins");
  await client.session().stream({ model: "m", input: "next turn" }).finalResponse();
  const [one, two, three] = frames(server);
  assert.equal(one.client_metadata?.["x-codex-turn-state"], undefined);
  assert.equal(two.client_metadata?.["x-codex-turn-state"], "ts-1");
  assert.equal(three.client_metadata?.["x-codex-turn-state"], undefined);
  for (let i = 0; i < server.websocket.connections.length; i++) {
    assert.equal(handshake(server, i).has("x-codex-turn-state"), false);
  }
});

Deno.test("websocket_turn_state_persists_within_turn_and_resets_after: an older server's handshake turn state is echoed on the turn's reconnect only", async () => {
  await using server = await startMockResponsesServer();
  const closeAfterOne = (id: string) => ({
    headers: { "x-codex-turn-state": "ts-1" },
    responses: [OK(id)],
    closeAfterRequests: 1,
  });
  server.websocket.enqueue(closeAfterOne("resp-1"), {
    responses: [OK("resp-2")],
    closeAfterRequests: 1,
  }, {
    responses: [OK("resp-3")],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const turn = client.session();
  await turn.stream({ model: "m", input: "a" }).finalResponse();
  await waitForClose(server, 0);
  await turn.stream({ model: "m", input: "b" }).finalResponse();
  await waitForClose(server, 1);
  await client.session().stream({ model: "m", input: "c" }).finalResponse();
  assert.equal(server.websocket.connections.length, 3);
  assert.equal(handshake(server, 0).get("x-codex-turn-state"), null);
  assert.equal(handshake(server, 1).get("x-codex-turn-state"), "ts-1");
  assert.equal(handshake(server, 2).get("x-codex-turn-state"), null);
});

Deno.test("responses_websocket_emits_rate_limit_events: codex.rate_limits, models ETag from codex.response.metadata (R7) and the reasoning-included handshake", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    headers: { "x-reasoning-included": "true", "openai-model": "gpt-5.2-codex" },
    responses: [[
      {
        type: "codex.rate_limits",
        plan_type: "plus",
        rate_limits: {
          allowed: true,
          primary: { used_percent: 42, window_minutes: 60, reset_at: 1700000000 },
        },
        metered_limit_name: "codex",
      },
      createdEvent("resp-1"),
      { type: "codex.response.metadata", headers: { "x-models-etag": "etag-1" } },
      completedEvent("resp-1"),
    ]],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const { events, error } = await collect(client.stream({ model: "gpt-5.2-codex", input: "x" }));
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), [
    "serverModel",
    "serverReasoningIncluded",
    "rateLimits",
    "created",
    "modelsEtag",
    "completed",
  ]);
  const limits = events[2];
  assert.equal(limits.type === "rateLimits" && limits.snapshot.planType, "plus");
  assert.deepEqual(events[4], { type: "modelsEtag", etag: "etag-1" });
});

Deno.test("responses_websocket_usage_limit_error_emits_rate_limit_event and invalid_request_error_with_status_is_forwarded", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue(
    {
      responses: [[{
        type: "error",
        status: 429,
        error: {
          type: "usage_limit_reached",
          message: "limit",
          plan_type: "pro",
          resets_at: 1738888888,
        },
        headers: { "x-codex-primary-used-percent": "100.0", "x-codex-primary-window-minutes": 15 },
      }]],
    },
    {
      responses: [[{
        type: "error",
        status: 400,
        error: { type: "invalid_request_error", message: "Model does not support image inputs" },
      }]],
    },
  );
  await using client = testClient(server.url, { transport: "websocket" });
  const limited = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(limited.error?.kind, "usageLimitReached");
  assert.equal(limited.error?.planType, "pro");
  assert.equal(limited.error?.rateLimits?.primary?.usedPercent, 100);
  const invalid = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(invalid.error?.kind, "invalidRequest");
  assert.equal(invalid.error?.message, "Model does not support image inputs");
  assert.equal(server.websocket.connections.length, 2, "a terminal error drops the connection");
});

Deno.test("responses_websocket_connection_limit_error_reconnects_and_completes; R8 previous_response_not_found retries with a full create", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue(
    {
      responses: [
        [createdEvent("resp-1"), assistantMessageEvent("msg_1", "a"), completedEvent("resp-1")],
        [{ type: "error", status: 400, error: { code: "previous_response_not_found" } }],
      ],
    },
    {
      responses: [
        OK("resp-2"),
        [{ type: "error", status: 400, error: { code: "websocket_connection_limit_reached" } }],
      ],
    },
    { responses: [OK("resp-3")] },
  );
  await using client = testClient(server.url, { transport: "websocket" });
  const turn = client.session();
  const first = await turn.stream({ model: "m", input: [user("a")] }).finalResponse();
  const { events, error } = await collect(
    turn.stream({ model: "m", input: [user("a"), ...first.items, user("b")] }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), ["reconnecting", "created", "completed"]);
  const again = await collect(client.stream({ model: "m", input: "c" }));
  assert.equal(again.error, undefined);
  assert.deepEqual(again.events.map((event) => event.type), [
    "reconnecting",
    "created",
    "completed",
  ]);
  const [, incremental, retried] = frames(server);
  assert.equal(incremental.previous_response_id, "resp-1");
  assert.equal("previous_response_id" in retried, false);
  assert.equal(retried.input.length, 3);
  assert.equal(server.websocket.connections.length, 3);
});

Deno.test("responses_websocket_v2_surfaces_terminal_error_without_close_handshake", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    responses: [[
      createdEvent("resp-1"),
      failedEvent("resp-1", { code: "context_length_exceeded", message: "too long" }),
    ]],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.deepEqual(events.map((event) => event.type), ["created"]);
  assert.equal(error?.kind, "contextWindowExceeded");
});

Deno.test("responses_websocket_emits_websocket_telemetry_events: one turn = one request frame, frame events, no HTTP and no SSE", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1"), OK("resp-2")] });
  const wsRequests: { connectionReused: boolean }[] = [];
  const wsEvents: WebSocketEventTelemetry[] = [];
  const httpRequests: RequestTelemetry[] = [];
  const sseEvents: SseEventTelemetry[] = [];
  await using client = testClient(server.url, {
    transport: "websocket",
    telemetry: {
      onWebSocketRequest: (info) => wsRequests.push(info),
      onWebSocketEvent: (info) => wsEvents.push(info),
      onRequest: (info) => httpRequests.push(info),
      onSseEvent: (info) => sseEvents.push(info),
    },
  });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(wsRequests.length, 1);
  assert.deepEqual(wsEvents.map((info) => info.kind), ["response.created", "response.completed"]);
  assert.equal(httpRequests.length, 0);
  assert.equal(sseEvents.length, 0);
  await client.stream({ model: "m", input: "y" }).finalResponse();
  assert.deepEqual(wsRequests.map((info) => info.connectionReused), [false, true]);
});

Deno.test("the timing-metrics header is sent only when asked for", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("a")] }, { responses: [OK("b")] });
  await using plain = testClient(server.url, { transport: "websocket" });
  await plain.stream({ model: "m", input: "x" }).finalResponse();
  await using timed = testClient(server.url, {
    transport: "websocket",
    websocket: { timingMetrics: true },
  });
  await timed.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(handshake(server, 0).has("x-responsesapi-include-timing-metrics"), false);
  assert.equal(handshake(server, 1).get("x-responsesapi-include-timing-metrics"), "true");
});

Deno.test("steering: stream.steer sends response.steer and the stream follows the server's successor response", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    responses: [
      [createdEvent("resp-1"), outputTextDeltaEvent("Long")],
      [
        { type: "response.steer.accepted" },
        {
          type: "response.incomplete",
          response: { id: "resp-1", incomplete_details: { reason: "steered" } },
        },
        createdEvent("resp-2"),
        assistantMessageEvent("msg_2", "Short"),
        completedEvent("resp-2"),
      ],
    ],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const stream = client.stream({ model: "m", input: "write a long answer" });
  const types: string[] = [];
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === "outputTextDelta") await stream.steer("make it short");
  }
  assert.deepEqual(types, [
    "created",
    "outputTextDelta",
    "steerAccepted",
    "steered",
    "created",
    "outputItemDone",
    "completed",
  ]);
  assert.deepEqual(frames(server)[1], {
    type: "response.steer",
    previous_response_id: "resp-1",
    input: [user("make it short")],
  });
  assert.equal(frames(server).length, 2, "no new response.create");
});

Deno.test("steering over HTTP is a usage error", async () => {
  await using server = await startMockResponsesServer({ responses: [{ events: OK("r") }] });
  await using client = testClient(server.url);
  const stream = client.stream({ model: "m", input: "x" });
  await assert.rejects(stream.steer("y"), (error: { kind?: string }) => error.kind === "usage");
  await stream.finalResponse();
});

Deno.test("a server that never answers the request fails with idleTimeout", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [[createdEvent("resp-1")]] });
  await using client = testClient(server.url, {
    transport: "websocket",
    idleTimeoutMs: 50,
    retry: { streamMaxRetries: 0 },
  });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.deepEqual(events.map((event) => event.type), ["created"]);
  assert.equal(error?.kind, "idleTimeout");
  assert.equal(error?.message, "idle timeout waiting for websocket");
});

async function waitForClose(server: MockResponsesServer, index: number): Promise<void> {
  // The server closes right after its answer; give the client's socket a moment to see it.
  for (let i = 0; i < 200 && server.websocket.connections[index].closed === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}

Deno.test("websocket_v2_first_turn_uses_updated_fast_tier_after_startup_prewarm: a changed service tier makes the first turn a full create", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("warm-1"), OK("resp-1")] });
  await using client = testClient(server.url, { transport: "websocket" });
  await client.prewarm({ model: "m", instructions: "x", input: "hi" });
  await client.stream({ model: "m", instructions: "x", input: "hi", serviceTier: "priority" })
    .finalResponse();
  const [warm, real] = frames(server);
  assert.equal(warm.generate, false);
  assert.equal("previous_response_id" in real, false);
  assert.equal(real.service_tier, "priority");
  assert.deepEqual(real.input, [user("hi")]);
  assert.equal(server.websocket.connections.length, 1);
});

Deno.test("prewarm and preconnect do nothing over HTTP", async () => {
  await using server = await startMockResponsesServer();
  await using client = testClient(server.url);
  await client.preconnect();
  await client.prewarm({ model: "m", input: "hi" });
  assert.equal(server.requests.length, 0);
  assert.equal(server.websocket.connections.length, 0);
});

Deno.test("leaving the iteration early drops the connection; the next request opens a new one", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue(
    {
      headers: { "openai-model": "m" },
      responses: [[createdEvent("resp-1"), outputTextDeltaEvent("a")]],
    },
    { responses: [OK("resp-2")] },
  );
  await using client = testClient(server.url, { transport: "websocket" });
  for await (const event of client.stream({ model: "m", input: "x" })) {
    if (event.type === "created") break;
  }
  const final = await client.stream({ model: "m", input: "y" }).finalResponse();
  assert.equal(final.responseId, "resp-2");
  assert.equal(server.websocket.connections.length, 2);
  assert.equal("previous_response_id" in frames(server)[1], false);
});

Deno.test("a base URL with a query: the WebSocket URL is …/responses with the query after it", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1")] });
  await using client = testClient(`${server.url}?api-version=2025-04-01`, {
    transport: "websocket",
    queryParams: { deployment: "codex" },
  });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  const { path, url } = server.websocket.connections[0].handshake;
  assert.equal(path, "/v1/responses");
  assert.equal(new URL(url).search, "?api-version=2025-04-01&deployment=codex");
});
