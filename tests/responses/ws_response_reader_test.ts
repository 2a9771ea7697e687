// Reading responses off a WebSocket: completion, wrapped errors, in-band metadata,
// steering, bad frames and broken connections, against the scripted mock over loopback.

import assert from "node:assert/strict";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import type { WebSocketEventTelemetry } from "../../lib/telemetry/websocket_telemetry.ts";
import {
  connectWebSocket,
  type WebSocketConnection,
} from "../../lib/transport/websocket_connector.ts";
import {
  eventsFromHandshakeHeaders,
  WebSocketResponseReader,
  type WebSocketResponseReaderOptions,
} from "../../lib/responses/ws_response_reader.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  failedEvent,
  incompleteEvent,
  type MockWebSocketFrame,
  outputTextDeltaEvent,
  startMockResponsesWebSocketServer,
} from "../../testing.ts";
import { startRawWebSocketServer } from "../transport/_raw_websocket_server.ts";

const REQUEST = JSON.stringify({ type: "response.create", model: "m", input: [] });

interface Read {
  events: ResponseEvent[];
  error: CodexWireError | undefined;
}

async function readAll(reader: WebSocketResponseReader): Promise<Read> {
  const events: ResponseEvent[] = [];
  try {
    while (!reader.completed) events.push(...await reader.next());
  } catch (error) {
    if (!(error instanceof CodexWireError)) throw error;
    return { events, error };
  }
  return { events, error: undefined };
}

/** One connection answering one request with `frames`; returns what the reader saw. */
async function readOne(
  frames: readonly MockWebSocketFrame[],
  options: Partial<WebSocketResponseReaderOptions> = {},
): Promise<Read & { connection: WebSocketConnection }> {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ responses: [frames] }],
  });
  const connection = await connectWebSocket(server.websocketUrl);
  try {
    await connection.send(REQUEST);
    const read = await readAll(
      new WebSocketResponseReader(connection, { idleTimeoutMs: 5000, ...options }),
    );
    return { ...read, connection };
  } finally {
    await connection.close();
  }
}

Deno.test("response.completed ends the response and keeps the connection open for the next one", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [{
      responses: [
        [
          createdEvent("resp-1"),
          outputTextDeltaEvent("Hi"),
          assistantMessageEvent("msg-1", "Hi"),
          completedEvent("resp-1"),
          // Sent after completion: belongs to whoever reads next.
          { type: "codex.rate_limits", rate_limits: { primary: { used_percent: 5 } } },
        ],
        [createdEvent("resp-2"), completedEvent("resp-2")],
      ],
    }],
  });
  await using connection = await connectWebSocket(server.websocketUrl);
  await connection.send(REQUEST);
  const first = new WebSocketResponseReader(connection, { idleTimeoutMs: 5000 });
  const one = await readAll(first);
  assert.equal(one.error, undefined);
  assert.deepEqual(one.events.map((event) => event.type), [
    "created",
    "outputTextDelta",
    "outputItemDone",
    "completed",
  ]);
  assert.equal(first.responseId, "resp-1");
  assert.equal(first.outputItems.length, 1);
  assert.equal(connection.isOpen, true);
  await connection.send(REQUEST);
  const two = await readAll(new WebSocketResponseReader(connection, { idleTimeoutMs: 5000 }));
  assert.deepEqual(two.events.map((event) => event.type), ["rateLimits", "created", "completed"]);
});

Deno.test("codex.rate_limits, response.metadata turn state and codex.response.metadata ETag", async () => {
  const states: string[] = [];
  const { events, error } = await readOne([
    createdEvent("resp-1"),
    {
      type: "codex.rate_limits",
      plan_type: "plus",
      rate_limits: { primary: { used_percent: 42, window_minutes: 60, reset_at: 1700000000 } },
      metered_limit_name: "codex",
    },
    { type: "response.metadata", headers: { "X-Codex-Turn-State": "ts-1" } },
    { type: "response.metadata", headers: { "x-codex-turn-state": ["ts-2"] } },
    { type: "codex.response.metadata", headers: { "x-models-etag": "etag-7" } },
    completedEvent("resp-1"),
  ], { onTurnState: (state) => states.push(state) });
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), [
    "created",
    "rateLimits",
    "modelsEtag",
    "completed",
  ]);
  const limits = events[1];
  assert.equal(limits.type === "rateLimits" && limits.snapshot.primary?.usedPercent, 42);
  assert.deepEqual(events[2], { type: "modelsEtag", etag: "etag-7" });
  // Every value is reported; the session keeps the first.
  assert.deepEqual(states, ["ts-1", "ts-2"]);
});

Deno.test("parse_wrapped_websocket_error_event: wrapped error frames fail like their HTTP answers", async () => {
  const cases = [
    {
      frame: {
        type: "error",
        status: 429,
        error: {
          type: "usage_limit_reached",
          message: "limit",
          plan_type: "pro",
          resets_at: 1738888888,
        },
        headers: { "x-codex-primary-used-percent": "100.0", "x-codex-primary-window-minutes": 15 },
      },
      kind: "usageLimitReached",
      retryable: false,
    },
    {
      frame: {
        type: "error",
        status: 400,
        error: { type: "invalid_request_error", message: "Model does not support image inputs" },
      },
      kind: "invalidRequest",
      retryable: false,
      message: "Model does not support image inputs",
    },
    {
      frame: { type: "error", status: 429, error: { code: "websocket_connection_limit_reached" } },
      kind: "stream",
      retryable: true,
      message:
        "Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.",
    },
    {
      frame: { type: "error", status: 400, error: { code: "previous_response_not_found" } },
      kind: "stream",
      retryable: true,
      message: "Previous response was not found. Retrying the full request.",
    },
  ];
  for (const { frame, kind, retryable, message } of cases) {
    const { events, error, connection } = await readOne([createdEvent("resp-1"), frame]);
    assert.deepEqual(events.map((event) => event.type), ["created"], kind);
    assert.equal(error?.kind, kind);
    assert.equal(error?.retryable, retryable);
    if (message !== undefined) assert.equal(error?.message, message);
    assert.equal(connection.isOpen, false, "a terminal error drops the connection");
    if (kind === "usageLimitReached") {
      assert.equal(error?.status, 429);
      assert.equal(error?.rateLimits?.primary?.usedPercent, 100);
      assert.equal(error?.body, JSON.stringify(frame));
    }
  }
});

Deno.test("an error frame without a status is not an error: the response goes on", async () => {
  const { events, error } = await readOne([
    createdEvent("resp-1"),
    { type: "error", error: { message: "just saying" } },
    completedEvent("resp-1"),
  ], { passthrough: true });
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), ["created", "wire", "completed"]);
});

Deno.test("responses_websocket_v2_surfaces_terminal_error_without_close_handshake: response.failed fails at once", async () => {
  const { events, error, connection } = await readOne([
    createdEvent("resp-1"),
    failedEvent("resp-1", { code: "server_error", message: "boom" }),
    // Never reached: the error is raised before the server closes anything.
    { event: completedEvent("resp-1"), gate: new Promise(() => {}) },
  ]);
  assert.deepEqual(events.map((event) => event.type), ["created"]);
  assert.equal(error?.kind, "stream");
  assert.equal(error?.message, "boom");
  assert.equal(connection.isOpen, false);
});

Deno.test("bad frames: non-JSON and frames without type are skipped and reported", async () => {
  const reports: WebSocketEventTelemetry[] = [];
  const { events, error } = await readOne([
    { text: "not json" },
    { text: '{"no":"type"}' },
    { text: "[1,2]" },
    createdEvent("resp-1"),
    completedEvent("resp-1"),
  ], { telemetry: { onWebSocketEvent: (info) => reports.push(info) } });
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), ["created", "completed"]);
  assert.deepEqual(reports.map((info) => [info.kind, info.ok]), [
    ["parse_error", false],
    ["unknown", false],
    ["unknown", false],
    ["response.created", true],
    ["response.completed", true],
  ]);
});

Deno.test("a binary frame, a server close and a 1006 end fail with the stream messages", async () => {
  const binary = await readOne([createdEvent("r"), { binary: new Uint8Array([1]) }]);
  assert.equal(binary.error?.message, "unexpected binary websocket event");
  assert.equal(binary.error?.retryable, true);
  const closed = await readOne([createdEvent("r"), { close: { code: 1000 } }]);
  assert.equal(closed.error?.message, "websocket closed by server before response.completed");
  assert.deepEqual(closed.events.map((event) => event.type), ["created"]);

  await using raw = startRawWebSocketServer();
  const accepted = raw.accept();
  const connection = await connectWebSocket(raw.url, { perMessageDeflate: false });
  const peer = await accepted;
  await peer.send(0x1, JSON.stringify(createdEvent("r")));
  await peer.send(0x1, JSON.stringify(outputTextDeltaEvent("half")));
  peer.drop();
  const dropped = await readAll(new WebSocketResponseReader(connection, { idleTimeoutMs: 5000 }));
  assert.deepEqual(dropped.events.map((event) => event.type), ["created", "outputTextDelta"]);
  assert.equal(dropped.error?.kind, "stream");
  assert.equal(dropped.error?.message, "stream closed before response.completed");
  await connection.close();
});

Deno.test("a 16 MB frame is delivered whole", async () => {
  const delta = "x".repeat(16 * 1024 * 1024);
  const { events, error } = await readOne([
    createdEvent("resp-1"),
    outputTextDeltaEvent(delta),
    completedEvent("resp-1"),
  ]);
  assert.equal(error, undefined);
  const text = events.find((event) => event.type === "outputTextDelta");
  assert.equal(text?.type === "outputTextDelta" && text.delta.length, delta.length);
});

Deno.test("a server that never answers fails with idleTimeout and the connection is dropped", async () => {
  const { events, error, connection } = await readOne([createdEvent("resp-1")], {
    idleTimeoutMs: 30,
  });
  assert.deepEqual(events.map((event) => event.type), ["created"]);
  assert.equal(error?.kind, "idleTimeout");
  assert.equal(error?.message, "idle timeout waiting for websocket");
  assert.equal(connection.isOpen, false);
});

Deno.test("a fired signal ends the read with aborted and drops the connection", async () => {
  const controller = new AbortController();
  await using server = await startMockResponsesWebSocketServer({
    connections: [{ responses: [[createdEvent("resp-1")]] }],
  });
  const connection = await connectWebSocket(server.websocketUrl);
  await connection.send(REQUEST);
  const reader = new WebSocketResponseReader(connection, {
    idleTimeoutMs: 5000,
    signal: controller.signal,
  });
  assert.deepEqual((await reader.next()).map((event) => event.type), ["created"]);
  const pending = reader.next().catch((error) => error);
  controller.abort();
  assert.equal((await pending).kind, "aborted");
  assert.equal(connection.isOpen, false);
  await connection.close();
});

Deno.test("steering: response.steer goes out; a steered response is followed by the server's next one", async () => {
  const steerInput = [{
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: "shorter" }],
  }];
  await using server = await startMockResponsesWebSocketServer({
    connections: [{
      responses: [
        [createdEvent("resp-1"), outputTextDeltaEvent("Long ans")],
        [
          { type: "response.steer.accepted", response_id: "resp-1" },
          incompleteEvent("resp-1", "steered"),
          createdEvent("resp-2"),
          outputTextDeltaEvent("Short"),
          completedEvent("resp-2"),
          { type: "response.steer.pending", required_input: [{ type: "function_call_output" }] },
        ],
      ],
    }],
  });
  await using connection = await connectWebSocket(server.websocketUrl);
  const reader = new WebSocketResponseReader(connection, { idleTimeoutMs: 5000 });
  await assert.rejects(reader.steer(steerInput), (error: CodexWireError) => error.kind === "usage");
  await connection.send(REQUEST);
  const events: ResponseEvent[] = [];
  while (!events.some((event) => event.type === "outputTextDelta")) {
    events.push(...await reader.next());
  }
  await reader.steer(steerInput);
  const rest = await readAll(reader);
  assert.equal(rest.error, undefined);
  events.push(...rest.events);
  assert.deepEqual(events.map((event) => event.type), [
    "created",
    "outputTextDelta",
    "steerAccepted",
    "steered",
    "created",
    "outputTextDelta",
    "completed",
  ]);
  assert.deepEqual(events[3], { type: "steered", responseId: "resp-1" });
  assert.equal(reader.responseId, "resp-2");
  assert.equal(reader.steered, true);
  assert.deepEqual(server.requests[1], {
    type: "response.steer",
    previous_response_id: "resp-1",
    input: steerInput,
  });
  // The pending notice after completion is read by whoever reads next.
  const after = await new WebSocketResponseReader(connection, { idleTimeoutMs: 5000 }).next();
  assert.deepEqual(after.map((event) => event.type), ["steerPending"]);
  assert.deepEqual(after[0].type === "steerPending" && after[0].requiredInput, [
    { type: "function_call_output" },
  ]);
});

Deno.test("a failed steer and timing frames are reported", async () => {
  const timings: Record<string, number>[] = [];
  const { events, error } = await readOne([
    createdEvent("resp-1"),
    { type: "response.steer.failed", error: { message: "too late" } },
    {
      type: "responsesapi.websocket_timing",
      timing_metrics: { engine_service_total_ms: 12.5, engine_iapi_ttft_total_ms: 3, bad: "x" },
    },
    completedEvent("resp-1"),
  ], { telemetry: { onWebSocketTiming: (info) => timings.push(info.metrics) } });
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), ["created", "steerFailed", "completed"]);
  assert.equal(events[1].type === "steerFailed" && events[1].message, "too late");
  assert.deepEqual(timings, [{ engine_service_total_ms: 12.5, engine_iapi_ttft_total_ms: 3 }]);
});

Deno.test("a non-steered incomplete is an error at once", async () => {
  const { error } = await readOne([createdEvent("r"), incompleteEvent("r", "interrupted")]);
  assert.equal(error?.message, "Incomplete response returned, reason: interrupted");
  const final = await readOne([createdEvent("r"), incompleteEvent("r", "content_filter")]);
  assert.equal(final.error?.kind, "incomplete");
  assert.equal(final.error?.retryable, false);
});

Deno.test("eventsFromHandshakeHeaders reads model, ETag and reasoning flag but no rate limits", () => {
  assert.deepEqual(
    eventsFromHandshakeHeaders(
      new Headers({
        "openai-model": "gpt-5",
        "x-models-etag": "e1",
        "x-reasoning-included": "true",
        "x-codex-primary-used-percent": "10",
      }),
    ),
    [
      { type: "serverModel", model: "gpt-5" },
      { type: "modelsEtag", etag: "e1" },
      { type: "serverReasoningIncluded", included: true },
    ],
  );
  assert.deepEqual(eventsFromHandshakeHeaders(new Headers()), []);
});
