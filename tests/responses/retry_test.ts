// Retries (spec §10), turn state (§4), cancellation and idle timeouts (§1.6), over loopback.

import assert from "node:assert/strict";
import type { ReconnectingEvent } from "../../lib/responses/response_event.ts";
import type { RequestTelemetry, RetryTelemetry } from "../../lib/telemetry/telemetry.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  failedEvent,
  functionCallEvent,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { bodyTypes, collect, testClient } from "../_helpers.ts";

const OK = { events: [createdEvent("resp-1"), completedEvent("resp-1")] };

function reconnects(events: readonly { type: string }[]): ReconnectingEvent[] {
  return events.filter((event): event is ReconnectingEvent => event.type === "reconnecting");
}

Deno.test("streaming_client_retries_on_transport_error: a 5xx is retried and the second attempt streams", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ status: 503, body: "upstream down" }, OK],
  });
  const attempts: RequestTelemetry[] = [];
  const client = testClient(server.url, {
    telemetry: { onRequest: (info) => attempts.push(info) },
  });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.equal(server.requests.length, 2);
  assert.deepEqual(attempts.map((info) => [info.attempt, info.status]), [[1, 503], [2, 200]]);
  assert.deepEqual(
    reconnects(events).map((event) => [event.layer, event.attempt, event.maxAttempts]),
    [
      ["request", 1, 4],
    ],
  );
});

Deno.test("transport retries stop after requestMaxRetries and surface the last HTTP error", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      { status: 500, body: "a" },
      { status: 500, body: "b" },
      { status: 500, body: "c" },
    ],
  });
  const client = testClient(server.url, { retry: { requestMaxRetries: 2, streamMaxRetries: 0 } });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(server.requests.length, 3);
  assert.equal(error?.kind, "http");
  assert.equal(error?.status, 500);
  assert.equal(error?.body, "c");
});

Deno.test("a 429 and other 4xx are never retried by the transport layer", async () => {
  for (const status of [429, 400, 404]) {
    await using server = await startMockResponsesServer({
      responses: [{ status, body: JSON.stringify({ error: { message: "no" } }) }, OK],
    });
    const { error } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
    assert.equal(server.requests.length, 1, `status ${status}`);
    assert.equal(error?.status, status);
    assert.equal(error?.retryable, false);
  }
});

Deno.test("usage_limit_error_emits_rate_limit_event: a 429 usage limit carries the active family's snapshot", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      status: 429,
      headers: {
        "content-type": "application/json",
        "x-codex-active-limit": "codex_other",
        "x-codex-other-primary-used-percent": "100",
        "x-codex-other-primary-window-minutes": "15",
        "x-codex-other-limit-name": "Other",
      },
      body: JSON.stringify({
        error: {
          type: "usage_limit_reached",
          message: "The usage limit has been reached",
          plan_type: "pro",
          resets_at: 1738888888,
        },
      }),
    }],
  });
  const { error } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(error?.kind, "usageLimitReached");
  assert.equal(error?.planType, "pro");
  assert.equal(error?.resetsAt, 1738888888);
  assert.equal(error?.rateLimits?.limitId, "codex_other");
  assert.equal(error?.rateLimits?.limitName, "Other");
  assert.equal(error?.rateLimits?.primary?.usedPercent, 100);
});

Deno.test("Retry-After and retry-after-ms on a 503 set the delay before the retry", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      { status: 503, headers: { "retry-after-ms": "37" } },
      { status: 503, headers: { "retry-after": "0" } },
      OK,
    ],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(reconnects(events).map((event) => event.delayMs), [37, 0]);
});

Deno.test("honorRetryAfter: false falls back to Codex's backoff", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ status: 503, headers: { "retry-after-ms": "5000" } }, OK],
  });
  const client = testClient(server.url, { retry: { honorRetryAfter: false, baseDelayMs: 3 } });
  const { events } = await collect(client.stream({ model: "m", input: "x" }));
  assert.deepEqual(reconnects(events).map((event) => event.delayMs), [3]);
});

Deno.test("retries_on_early_close: a stream that ends without completed is retried as a whole", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      { events: [createdEvent("resp-1"), outputTextDeltaEvent("partial")] },
      {
        events: [
          createdEvent("resp-2"),
          assistantMessageEvent("m", "whole"),
          completedEvent("resp-2"),
        ],
      },
    ],
  });
  const retries: RetryTelemetry[] = [];
  const client = testClient(server.url, { telemetry: { onRetry: (info) => retries.push(info) } });
  const stream = client.stream({ model: "m", input: "x" });
  const { events, error } = await collect(stream);
  assert.equal(error, undefined);
  assert.deepEqual(bodyTypes(events), [
    "created",
    "outputTextDelta",
    "reconnecting",
    "created",
    "outputItemDone",
    "completed",
  ]);
  const reconnect = reconnects(events)[0];
  assert.equal(reconnect.layer, "stream");
  assert.equal(reconnect.attempt, 1);
  assert.equal(reconnect.maxAttempts, 5);
  assert.equal(reconnect.error.message, "stream closed before response.completed");
  assert.equal(retries.length, 1);
});

Deno.test("finalResponse drops the events of a retried attempt", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      { events: [outputTextDeltaEvent("stale "), assistantMessageEvent("m0", "stale")] },
      { events: [assistantMessageEvent("m1", "fresh"), completedEvent("resp-2")] },
    ],
  });
  const response = await testClient(server.url).stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(response.text, "fresh");
  assert.equal(response.items.length, 1);
});

Deno.test("stream retries use the server's delay from a rate_limit_exceeded failure", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      {
        events: [failedEvent("r", { code: "rate_limit_exceeded", message: "Try again in 28ms." })],
      },
      OK,
    ],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.deepEqual(reconnects(events).map((event) => event.delayMs), [28]);
});

Deno.test("stream retries stop after streamMaxRetries with the last error", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("a")] }, { events: [createdEvent("b")] }],
  });
  const client = testClient(server.url, { retry: { streamMaxRetries: 1 } });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(server.requests.length, 2);
  assert.equal(reconnects(events).length, 1);
  assert.equal(error?.message, "stream closed before response.completed");
});

Deno.test("continue_after_stream_error: a failed turn does not stop the next one", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ status: 500, body: "boom" }, OK],
  });
  const client = testClient(server.url, { retry: { requestMaxRetries: 0, streamMaxRetries: 0 } });
  const first = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(first.error?.status, 500);
  const second = await collect(client.stream({ model: "m", input: "y" }));
  assert.equal(second.error, undefined);
});

Deno.test("quota_exceeded_emits_single_error_event: one request, one error, fixed text", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [failedEvent("r", { code: "insufficient_quota", message: "x" })] }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(server.requests.length, 1);
  assert.equal(reconnects(events).length, 0);
  assert.equal(error?.message, "Quota exceeded. Check your plan and billing details.");
});

Deno.test("a network failure is retried, then surfaces as kind network", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const client = testClient(`http://127.0.0.1:${port}/v1`, {
    retry: { requestMaxRetries: 1, streamMaxRetries: 0 },
  });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(reconnects(events).length, 1);
  assert.equal(error?.kind, "network");
  assert.equal(error?.retryable, true);
  assert.match(error?.message ?? "", /^Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/responses: /);
});

Deno.test("responses_turn_state_persists_within_turn_and_resets_after", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      {
        headers: { "x-codex-turn-state": "ts-1" },
        events: [functionCallEvent("call-1", "shell"), completedEvent("r1")],
      },
      { headers: { "x-codex-turn-state": "ts-2" }, ...OK },
      OK,
    ],
  });
  const client = testClient(server.url);
  const turn = client.session({ turnMetadata: { turn_id: "turn-1" } });
  await turn.stream({ model: "m", input: "run ls" }).finalResponse();
  await turn.stream({ model: "m", input: "tool output" }).finalResponse();
  assert.equal(turn.turnState, "ts-1");
  await client.session({ turnMetadata: { turn_id: "turn-2" } }).stream({
    model: "m",
    input: "next",
  })
    .finalResponse();
  const sent = server.requests.map((request) => request.headers.get("x-codex-turn-state"));
  assert.deepEqual(sent, [null, "ts-1", null]);
  const turnIds = server.requests.map((request) =>
    JSON.parse(request.headers.get("x-codex-turn-metadata") ?? "{}").turn_id
  );
  assert.deepEqual(turnIds, ["turn-1", "turn-1", "turn-2"]);
});

Deno.test("turn state is sent on retries of the same turn and never captured from errors", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      { status: 503, headers: { "x-codex-turn-state": "from-error" } },
      { headers: { "x-codex-turn-state": "ts-1" }, events: [createdEvent("r")] },
      OK,
    ],
  });
  const { error } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  const sent = server.requests.map((request) => request.headers.get("x-codex-turn-state"));
  assert.deepEqual(sent, [null, null, "ts-1"]);
});

Deno.test("idle timeout: no event within idleTimeoutMs fails with a retryable idleTimeout", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r")], keepOpen: true }],
  });
  const client = testClient(server.url, { idleTimeoutMs: 50, retry: { streamMaxRetries: 0 } });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.deepEqual(bodyTypes(events), ["created"]);
  assert.equal(error?.kind, "idleTimeout");
  assert.equal(error?.retryable, true);
  assert.equal(error?.message, "idle timeout waiting for SSE");
});

Deno.test("idle timeout counts from the last event: comments and partial events do not reset it", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  await using server = await startMockResponsesServer({
    responses: [{
      chunks: [
        ": keep-alive\n\n",
        { data: ": keep-alive\n\n", delayMs: 30 },
        { data: 'data: {"type":"response.crea', delayMs: 30 },
        { data: 'ted","response":{"id":"r"}}\n\n', gate },
      ],
      keepOpen: true,
    }],
  });
  const client = testClient(server.url, { idleTimeoutMs: 80, retry: { streamMaxRetries: 0 } });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  release();
  assert.equal(error?.kind, "idleTimeout");
});

Deno.test("aborting mid-stream settles the iterator at once with kind aborted and releases the body", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r")], keepOpen: true }],
  });
  const controller = new AbortController();
  const stream = testClient(server.url).stream({ model: "m", input: "x" }, {
    signal: controller.signal,
  });
  const events: string[] = [];
  const reason = new Error("user pressed ctrl-c");
  await assert.rejects(
    (async () => {
      for await (const event of stream) {
        events.push(event.type);
        if (event.type === "created") setTimeout(() => controller.abort(reason), 5);
      }
    })(),
    (error: { name: string; kind: string; cause: unknown }) => {
      assert.equal(error.name, "CodexWireError");
      assert.equal(error.kind, "aborted");
      assert.equal(error.cause, reason);
      return true;
    },
  );
  assert.deepEqual(events.filter((type) => type !== "rateLimits"), ["created"]);
});

Deno.test("aborting during a retry wait settles at once", async () => {
  await using server = await startMockResponsesServer({ responses: [{ status: 503 }] });
  const controller = new AbortController();
  const client = testClient(server.url, { retry: { baseDelayMs: 60_000 } });
  const stream = client.stream({ model: "m", input: "x" }, { signal: controller.signal });
  const started = performance.now();
  const { error } = await collect({
    async *[Symbol.asyncIterator]() {
      for await (const event of stream) {
        if (event.type === "reconnecting") controller.abort();
        yield event;
      }
    },
  });
  assert.equal(error?.kind, "aborted");
  assert.ok(performance.now() - started < 30_000);
});

Deno.test("an already aborted signal sends nothing", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const stream = testClient(server.url).stream({ model: "m", input: "x" }, {
    signal: AbortSignal.abort(),
  });
  const { error } = await collect(stream);
  assert.equal(error?.kind, "aborted");
  assert.equal(server.requests.length, 0);
});

Deno.test("breaking out of the loop cancels the request and leaks nothing", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r"), outputTextDeltaEvent("a")], keepOpen: true }],
  });
  for await (const event of testClient(server.url).stream({ model: "m", input: "x" })) {
    if (event.type === "created") break;
  }
});
