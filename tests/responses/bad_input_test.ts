// Hostile and broken answers: each has a defined, typed outcome and nothing hangs.

import assert from "node:assert/strict";
import type { SseEventTelemetry } from "../../lib/telemetry/telemetry.ts";
import {
  completedEvent,
  createdEvent,
  encodeSseEvents,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { bodyTypes, collect, testClient } from "../_helpers.ts";

const NO_RETRY = { retry: { streamMaxRetries: 0, requestMaxRetries: 0 } };
const SSE = { "content-type": "text/event-stream" };

Deno.test("invalid UTF-8 in the body is a stream error after the events before it", async () => {
  const before = new TextEncoder().encode(encodeSseEvents([createdEvent("r")]));
  const bad = new Uint8Array([...new TextEncoder().encode('data: {"type":"x","v":"'), 0xc3, 0x28]);
  await using server = await startMockResponsesServer({
    responses: [{ chunks: [before, bad, '"}\n\n'], headers: SSE }],
  });
  const { events, error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.deepEqual(bodyTypes(events), ["created"]);
  assert.equal(error?.kind, "stream");
  assert.equal(
    error?.message,
    "Cannot decode the event stream: the body is not valid UTF-8; check what the server or proxy sends",
  );
});

Deno.test("a multi-byte character split across chunks decodes intact", async () => {
  const bytes = new TextEncoder().encode(
    encodeSseEvents([outputTextDeltaEvent("héllo 👋"), completedEvent("r")]),
  );
  const split = bytes.indexOf(0xf0) + 2;
  await using server = await startMockResponsesServer({
    responses: [{ chunks: [bytes.subarray(0, split), bytes.subarray(split)], headers: SSE }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.deepEqual(events.find((event) => event.type === "outputTextDelta"), {
    type: "outputTextDelta",
    delta: "héllo 👋",
  });
});

Deno.test("a 16 MB single event is delivered whole under the default limit", async () => {
  const big = "x".repeat(16 * 1024 * 1024);
  await using server = await startMockResponsesServer({
    responses: [{
      events: [outputTextDeltaEvent(big), completedEvent("r")],
      chunkSize: 64 * 1024,
    }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  const delta = events.find((event) => event.type === "outputTextDelta");
  assert.equal(delta?.type === "outputTextDelta" && delta.delta.length, big.length);
});

Deno.test("an event over maxEventSize fails fast with a non-retryable stream error", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [outputTextDeltaEvent("x".repeat(16 * 1024 * 1024)), completedEvent("r")],
      chunkSize: 64 * 1024,
    }],
  });
  const client = testClient(server.url, { maxEventSize: 1024 * 1024 });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error?.kind, "stream");
  assert.equal(error?.retryable, false);
  assert.match(
    error?.message ?? "",
    /^Cannot decode the event stream: one event is larger than the limit/,
  );
  assert.equal(server.requests.length, 1);
});

Deno.test("data: [DONE] is skipped (reported as ok), and alone it ends as stream closed", async () => {
  const seen: SseEventTelemetry[] = [];
  await using server = await startMockResponsesServer({
    responses: [
      { body: `data: [DONE]\n\n${encodeSseEvents([completedEvent("r")])}`, headers: SSE },
      { body: "data: [DONE]\n\n", headers: SSE },
    ],
  });
  const client = testClient(server.url, {
    ...NO_RETRY,
    telemetry: { onSseEvent: (info) => seen.push(info) },
  });
  const first = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(first.error, undefined);
  assert.deepEqual(seen.map((info) => [info.kind, info.ok]), [["message", true], [
    "response.completed",
    true,
  ]]);
  const second = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(second.error?.message, "stream closed before response.completed");
});

Deno.test("process_sse_emits_failed_event_on_parse_error: bad JSON is skipped, reported, and not fatal", async () => {
  const seen: SseEventTelemetry[] = [];
  await using server = await startMockResponsesServer({
    responses: [{
      body: `data: not-json\n\ndata: {"no_type":1}\n\n${encodeSseEvents([completedEvent("r")])}`,
      headers: SSE,
    }],
  });
  const client = testClient(server.url, { telemetry: { onSseEvent: (info) => seen.push(info) } });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.deepEqual(seen.map((info) => [info.ok, info.error]), [
    [false, "data is not valid JSON"],
    [false, "the event has no string `type`"],
    [true, undefined],
  ]);
});

Deno.test("process_sse_failed_event_records_response_error_message in telemetry", async () => {
  const seen: SseEventTelemetry[] = [];
  await using server = await startMockResponsesServer({
    responses: [{
      events: [{
        type: "response.failed",
        response: { error: { code: "server_error", message: "boom" } },
      }],
    }],
  });
  const client = testClient(server.url, {
    ...NO_RETRY,
    telemetry: { onSseEvent: (info) => seen.push(info) },
  });
  await collect(client.stream({ model: "m", input: "x" }));
  assert.deepEqual(seen.map((info) => [info.kind, info.ok, info.error]), [
    ["response.failed", false, "boom"],
    ["eof", false, "boom"],
  ]);
});

Deno.test("an HTML or JSON page answered with 200 fails at once, not retried, naming the URL and content type", async () => {
  const page = "<html><body>Captive portal: please log in</body></html>";
  const json = JSON.stringify({ object: "list", data: [] });
  await using server = await startMockResponsesServer({
    responses: [
      { body: page, headers: { "content-type": "text/html; charset=utf-8" } },
      { body: json, headers: { "content-type": "application/json" } },
    ],
  });
  const first = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(first.error?.kind, "http");
  assert.equal(first.error?.retryable, false);
  assert.equal(first.error?.status, 200);
  assert.equal(first.error?.body, page);
  assert.equal(
    first.error?.message,
    `Expected an event stream from ${server.url}/responses but the server answered 200 with content-type "text/html; charset=utf-8"; check the base URL and any proxy in between: ${page}`,
  );
  assert.equal(server.requests.length, 1, "a page is not asked for again");
  const second = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(second.error?.retryable, false);
  assert.match(second.error?.message ?? "", /content-type "application\/json"; .*: \{"object"/);
  assert.equal(server.requests.length, 2);
});

Deno.test("an abort while a 200 page is read ends the stream as aborted, not as the page", async () => {
  const page = "<html><body>" + "Captive portal: please log in. ".repeat(8);
  await using server = await startMockResponsesServer({
    responses: [{ body: page, headers: { "content-type": "text/html" }, keepOpen: true }],
  });
  const controller = new AbortController();
  const stream = testClient(server.url, { idleTimeoutMs: 30_000 })
    .stream({ model: "m", input: "x" }, { signal: controller.signal });
  // The page is sniffed, then its reader waits on a body that never ends.
  const timer = setTimeout(() => controller.abort(), 100);
  const { error } = await collect(stream);
  clearTimeout(timer);
  assert.equal(error?.kind, "aborted");
});

Deno.test("a valid event stream under another content type still streams", async () => {
  for (const contentType of ["text/plain", "application/octet-stream", "application/json"]) {
    await using server = await startMockResponsesServer({
      responses: [{
        headers: { "content-type": contentType },
        // Split so that the sniffing sees the first bytes alone.
        chunkSize: 3,
        events: [createdEvent("r"), outputTextDeltaEvent("Hi"), completedEvent("r")],
      }],
    });
    const text = await testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" })
      .finalText();
    assert.equal(text, "Hi", contentType);
  }
});

Deno.test("an empty body ends as stream closed before response.completed", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ body: "", headers: SSE }, { status: 204 }],
  });
  const client = testClient(server.url, NO_RETRY);
  for (let i = 0; i < 2; i++) {
    const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
    assert.deepEqual(bodyTypes(events), []);
    assert.equal(error?.message, "stream closed before response.completed");
  }
});

Deno.test("a connection cut mid-stream is a retryable stream error", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r"), outputTextDeltaEvent("a")], truncate: true }],
  });
  const { events, error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.deepEqual(bodyTypes(events), ["created", "outputTextDelta"]);
  assert.equal(error?.kind, "stream");
  assert.equal(error?.retryable, true);
});

Deno.test("process_sse_emits_completed_telemetry and one onRequest per attempt", async () => {
  const seen: SseEventTelemetry[] = [];
  let requests = 0;
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r"), completedEvent("r")] }],
  });
  const client = testClient(server.url, {
    telemetry: { onSseEvent: (info) => seen.push(info), onRequest: () => requests++ },
  });
  await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(requests, 1);
  assert.deepEqual(seen.map((info) => info.kind), ["response.created", "response.completed"]);
  assert.ok(seen.every((info) => info.ok && info.durationMs >= 0));
});

Deno.test("a telemetry hook that throws never breaks the stream", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("r")] }],
  });
  const client = testClient(server.url, {
    telemetry: {
      onSseEvent: () => {
        throw new Error("hook bug");
      },
    },
  });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
});
