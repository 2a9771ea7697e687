// Mismatches with Codex found by a source review (upstream-2026-08 §C), each against the
// scripted mock server over loopback: the idle timer, status classification, failed and
// incomplete events without `response`, `null` in optional item fields, non-ASCII turn
// metadata, a caller's Content-Type, and SSE telemetry for waits that end without an event.

import assert from "node:assert/strict";
import type { SseEventTelemetry } from "../../lib/telemetry/telemetry.ts";
import {
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { bodyTypes, collect, testClient } from "../_helpers.ts";

const NO_RETRY = { retry: { streamMaxRetries: 0, requestMaxRetries: 0 } };
const SSE = (event: object) => `data: ${JSON.stringify(event)}\n\n`;

Deno.test("idle timer restarts on every dispatched SSE event: in-progress, argument deltas, unknown types and non-JSON data keep a stream alive", async () => {
  // Each piece comes 100 ms after the last; together they take far longer than the
  // 500 ms idle timeout, which only a restart per dispatched event survives.
  const keepAlive = [
    SSE({ type: "response.in_progress", response: { id: "r" } }),
    SSE({ type: "response.function_call_arguments.delta", item_id: "fc_1", delta: '{"a' }),
    SSE({ type: "response.some_future_event" }),
    "data: not json\n\n",
    SSE({ type: "response.function_call_arguments.delta", item_id: "fc_1", delta: '":1}' }),
    SSE({ type: "response.in_progress", response: { id: "r" } }),
    SSE({ type: "response.content_part.added" }),
    SSE({ type: "response.in_progress", response: { id: "r" } }),
    SSE({ type: "response.output_text.done", text: "" }),
    SSE({ type: "response.in_progress", response: { id: "r" } }),
  ];
  await using server = await startMockResponsesServer({
    responses: [{
      chunks: [
        SSE(createdEvent("r")),
        ...keepAlive.map((data) => ({ data, delayMs: 100 })),
        { data: SSE(completedEvent("r")), delayMs: 100 },
      ],
    }],
  });
  const client = testClient(server.url, { idleTimeoutMs: 500, ...NO_RETRY });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.deepEqual(bodyTypes(events), ["created", "completed"]);
});

Deno.test("status classification: a 500 naming server_is_overloaded is an ordinary 5xx, retried by the transport", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      { status: 500, body: JSON.stringify({ error: { code: "server_is_overloaded" } }) },
      { events: [completedEvent("r")] },
    ],
  });
  const client = testClient(server.url, { retry: { requestMaxRetries: 1, streamMaxRetries: 0 } });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.equal(server.requests.length, 2);
  const retry = events.find((event) => event.type === "reconnecting");
  assert.equal(retry?.type === "reconnecting" && retry.layer, "request");
});

Deno.test("status classification: a 503 slow_down goes through the transport retries, then is serverOverloaded and not retried again", async () => {
  const overloaded = {
    status: 503,
    body: JSON.stringify({ error: { code: "slow_down", message: "slow down" } }),
  };
  await using server = await startMockResponsesServer({ responses: [overloaded, overloaded] });
  const client = testClient(server.url, { retry: { requestMaxRetries: 1, streamMaxRetries: 3 } });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(server.requests.length, 2);
  assert.deepEqual(
    events.flatMap((event) => event.type === "reconnecting" ? [event.layer] : []),
    ["request"],
  );
  assert.equal(error?.kind, "serverOverloaded");
  assert.equal(error?.retryable, false);
  assert.equal(error?.status, 503);
});

Deno.test("status classification: a 429 naming server_is_overloaded stays rateLimited and is sent once", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      status: 429,
      body: JSON.stringify({ error: { code: "server_is_overloaded", message: "busy" } }),
    }],
  });
  const { error } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(server.requests.length, 1);
  assert.equal(error?.kind, "rateLimited");
});

Deno.test("response.failed without a response object still fails the stream", async () => {
  await using server = await startMockResponsesServer({
    // Written by hand: the SSE encoder leaves out the data line of a type-only event.
    responses: [{ body: SSE(createdEvent("r")) + SSE({ type: "response.failed" }) }],
  });
  const { events, error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.deepEqual(bodyTypes(events), ["created"]);
  assert.equal(error?.kind, "stream");
  assert.equal(error?.retryable, true);
  assert.equal(error?.message, "response.failed event received");
});

Deno.test("response.incomplete without a response object fails with reason unknown", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [{ type: "response.incomplete", response: null }] }],
  });
  const { error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.equal(error?.kind, "stream");
  assert.equal(error?.message, "Incomplete response returned, reason: unknown");
});

Deno.test("response.failed and response.incomplete whose response is not an object still fail the stream", async () => {
  for (
    const [event, message] of [
      [{ type: "response.failed", response: "oops" }, "response.failed event received"],
      [{ type: "response.failed", response: [1] }, "response.failed event received"],
      [
        { type: "response.incomplete", response: 7 },
        "Incomplete response returned, reason: unknown",
      ],
    ] as const
  ) {
    await using server = await startMockResponsesServer({
      responses: [{ events: [createdEvent("r"), event] }],
    });
    const { error } = await collect(
      testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
    );
    assert.equal(error?.kind, "stream");
    assert.equal(error?.message, message);
  }
});

Deno.test("null in optional item fields (phase, end_turn, id) keeps the item, and the nulls are not sent back", async () => {
  const item = {
    type: "message",
    role: "assistant",
    id: null,
    phase: null,
    end_turn: null,
    content: [{ type: "output_text", text: "Hi" }],
  };
  const call = {
    type: "function_call",
    id: null,
    call_id: "c1",
    name: "shell",
    arguments: "{}",
  };
  await using server = await startMockResponsesServer({
    responses: [
      {
        events: [
          { type: "response.output_item.done", item },
          { type: "response.output_item.done", item: call },
          completedEvent("r"),
        ],
      },
      { events: [completedEvent("r2")] },
    ],
  });
  const client = testClient(server.url);
  const first = await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.deepEqual(first.items, [item, call]);
  assert.equal(first.text, "Hi");
  await client.stream({ model: "m", input: first.items }).finalResponse();
  assert.deepEqual((server.requests[1].json as { input: unknown[] }).input, [
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Hi" }] },
    { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" },
  ]);
});

Deno.test("turn metadata with non-ASCII text is sent as UTF-8, not dropped", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("r")] }],
  });
  const metadata = { turn_id: "turn-1", workspaces: { "/home/zoé/projet": {} } };
  await testClient(server.url).session({ turnMetadata: metadata })
    .stream({ model: "m", input: "x" }).finalResponse();
  const raw = server.requests[0].headers.get("x-codex-turn-metadata");
  assert.notEqual(raw, null);
  const bytes = Uint8Array.from(raw!, (char) => char.charCodeAt(0));
  assert.equal(new TextDecoder().decode(bytes), JSON.stringify(metadata));
  const clientMetadata = (server.requests[0].json as { client_metadata: Record<string, string> })
    .client_metadata;
  assert.equal(clientMetadata["x-codex-turn-metadata"], JSON.stringify(metadata));
  assert.equal(clientMetadata.turn_id, "turn-1");
});

Deno.test("Content-Type is set only when the caller did not set one", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("r")] }, { events: [completedEvent("r")] }],
  });
  const client = testClient(server.url, {
    headers: { "content-type": "application/json; charset=utf-8" },
  });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  await testClient(server.url).stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(server.requests[0].headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(server.requests[1].headers.get("content-type"), "application/json");
});

Deno.test("process_sse_records_failed_event_when_stream_closes_without_completed: onSseEvent reports the end", async () => {
  const seen: SseEventTelemetry[] = [];
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r"), outputTextDeltaEvent("a")] }],
  });
  const client = testClient(server.url, {
    ...NO_RETRY,
    telemetry: { onSseEvent: (info) => seen.push(info) },
  });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error?.message, "stream closed before response.completed");
  assert.deepEqual(seen.map((info) => [info.kind, info.ok, info.error]), [
    ["response.created", true, undefined],
    ["response.output_text.delta", true, undefined],
    ["eof", false, "stream closed before response.completed"],
  ]);
});

Deno.test("onSseEvent reports an idle timeout and a broken body", async () => {
  const seen: SseEventTelemetry[] = [];
  await using server = await startMockResponsesServer({
    responses: [
      { events: [createdEvent("r")], keepOpen: true },
      { events: [createdEvent("r")], truncate: true },
    ],
  });
  const client = testClient(server.url, {
    ...NO_RETRY,
    idleTimeoutMs: 100,
    telemetry: { onSseEvent: (info) => seen.push(info) },
  });
  const idle = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(idle.error?.kind, "idleTimeout");
  const broken = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(broken.error?.kind, "stream");
  assert.deepEqual(seen.map((info) => [info.kind, info.ok]), [
    ["response.created", true],
    ["idleTimeout", false],
    ["response.created", true],
    ["streamError", false],
  ]);
  assert.equal(seen[1].error, "idle timeout waiting for SSE");
});
