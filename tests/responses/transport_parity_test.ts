// One scripted response over SSE and over WebSocket gives the same events (but for the
// events only one transport produces): both run the same mapper and completion rules.

import assert from "node:assert/strict";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  failedEvent,
  functionCallEvent,
  messageItemAddedEvent,
  outputTextDeltaEvent,
  reasoningItemAddedEvent,
  reasoningItemEvent,
  reasoningSummaryPartAddedEvent,
  reasoningSummaryTextDeltaEvent,
  reasoningTextDeltaEvent,
  startMockResponsesServer,
  type WireEventLike,
} from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

const SCENARIO: WireEventLike[] = [
  createdEvent("resp-1"),
  { type: "response.in_progress", response: { id: "resp-1" } },
  reasoningItemAddedEvent("rs_1"),
  reasoningSummaryPartAddedEvent(0),
  reasoningSummaryTextDeltaEvent("**Plan**"),
  reasoningTextDeltaEvent("raw"),
  reasoningItemEvent("rs_1", ["**Plan** then act"]),
  messageItemAddedEvent("msg_1"),
  outputTextDeltaEvent("Hel"),
  outputTextDeltaEvent("lo"),
  { type: "response.output_text.done", text: "Hello" },
  assistantMessageEvent("msg_1", "Hello", { phase: "final_answer" }),
  functionCallEvent("call_1", "shell", { arguments: '{"cmd":"ls"}' }),
  { type: "response.output_item.done", item: { type: "unknown_kind", id: "x_1" } },
  { type: "response.custom_tool_call_input.delta", item_id: "ctc_1", delta: "ab" },
  { type: "response.created", response: { headers: { "OpenAI-Model": "gpt-5.2" } } },
  completedEvent("resp-1", { inputTokens: 10, outputTokens: 4 }),
];

// Events that come from one transport's framing rather than from the body.
const TRANSPORT_ONLY = new Set(["rateLimits"]);

async function overBoth(events: readonly WireEventLike[], options = {}) {
  // Both sides send the events exactly as given (the SSE mock would number them).
  await using server = await startMockResponsesServer({
    responses: [{ events, sequenceNumbers: false }],
  });
  server.websocket.enqueue({ responses: [events] });
  await using sse = testClient(server.url, options);
  await using ws = testClient(server.url, { ...options, transport: "websocket" });
  const overSse = await collect(
    sse.stream({ model: "gpt-5.2", input: "x" }, { passthrough: true }),
  );
  const overWs = await collect(ws.stream({ model: "gpt-5.2", input: "x" }, { passthrough: true }));
  return { overSse, overWs };
}

function body(events: readonly ResponseEvent[]): ResponseEvent[] {
  return events.filter((event) => !TRANSPORT_ONLY.has(event.type));
}

Deno.test("transport parity: a full response maps to the same events over SSE and WebSocket", async () => {
  const { overSse, overWs } = await overBoth(SCENARIO);
  assert.equal(overSse.error, undefined);
  assert.equal(overWs.error, undefined);
  assert.deepEqual(body(overWs.events), body(overSse.events));
  assert.ok(overSse.events.length > 15);
});

Deno.test("transport parity: a failed response fails the same way (after the same events)", async () => {
  const failing = [
    createdEvent("resp-1"),
    outputTextDeltaEvent("par"),
    failedEvent("resp-1", { code: "insufficient_quota", message: "no quota" }),
  ];
  const { overSse, overWs } = await overBoth(failing, { retry: { streamMaxRetries: 0 } });
  assert.deepEqual(body(overWs.events), body(overSse.events));
  assert.equal(overWs.error?.kind, overSse.error?.kind);
  assert.equal(overWs.error?.message, overSse.error?.message);
});

Deno.test("transport parity: a response cut off early is retried by the same loop, with the same events", async () => {
  const cut = [createdEvent("resp-1"), outputTextDeltaEvent("par")];
  const whole = [createdEvent("resp-2"), outputTextDeltaEvent("whole"), completedEvent("resp-2")];
  await using server = await startMockResponsesServer({
    responses: [{ events: cut, truncate: true }, { events: whole }],
  });
  server.websocket.enqueue({ responses: [[...cut, { close: { code: 1000 } }]] }, {
    responses: [whole],
  });
  const options = { retry: { streamMaxRetries: 1 } };
  await using sse = testClient(server.url, options);
  await using ws = testClient(server.url, { ...options, transport: "websocket" });
  const overSse = await collect(sse.stream({ model: "m", input: "x" }));
  const overWs = await collect(ws.stream({ model: "m", input: "x" }));
  assert.equal(overSse.error, undefined);
  assert.equal(overWs.error, undefined);
  // The retry's error names the transport's own way of ending; the rest is the same.
  const comparable = (events: readonly ResponseEvent[]) =>
    body(events).map((event) =>
      event.type === "reconnecting" ? { ...event, error: event.error.kind } : event
    );
  assert.deepEqual(comparable(overWs.events), comparable(overSse.events));
  assert.deepEqual(body(overSse.events).map((event) => event.type), [
    "created",
    "outputTextDelta",
    "reconnecting",
    "created",
    "outputTextDelta",
    "completed",
  ]);
});
