import assert from "node:assert/strict";
import type { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { ResponsesClient } from "../../lib/responses/responses_client.ts";
import { zstdCompress } from "../../lib/compression/zstd_compress.ts";
import {
  type MockResponsesServer,
  numberEvents,
  startMockResponsesServer,
} from "../../lib/testing/mock_responses_server.ts";
import {
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
} from "../../lib/testing/response_event_builders.ts";
import { encodeSseEvents } from "../../lib/testing/sse_encoding.ts";
import { runZstd } from "../compression/_zstd_helpers.ts";

const decoder = new TextDecoder();

function post(server: MockResponsesServer, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}/responses`, { method: "POST", ...init });
}

/** Reads one chunk as text; fails if the body ended instead. */
async function readText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { done, value } = await reader.read();
  assert.equal(done, false, "expected another chunk, the body ended");
  return decoder.decode(value);
}

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Tracks whether a promise has settled, so a test can check that it is still pending
 * after the server has visibly done other work (no wall-clock sleeps).
 */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  return { promise, settled: () => settled };
}

/** One full request round trip on the same server: proof that it is not stuck. */
async function roundTrip(server: MockResponsesServer): Promise<void> {
  server.enqueue({ body: "pong" });
  const response = await post(server);
  assert.equal(await response.text(), "pong");
}

Deno.test("startMockResponsesServer listens on 127.0.0.1 and gives a /v1 base URL", async () => {
  await using server = await startMockResponsesServer();
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  assert.equal(server.pendingResponses, 0);
});

Deno.test("the server serves queued responses in order with their status and headers", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: { "x-codex-turn-state": "ts-1", "openai-model": "gpt-5" },
      events: [createdEvent("resp-1"), outputTextDeltaEvent("Hi"), completedEvent("resp-1")],
    }],
  });
  server.enqueue(
    {
      status: 429,
      headers: { "content-type": "application/json", "retry-after": "2" },
      body: '{"error":{"type":"rate_limit_exceeded"}}',
    },
    { body: "plain" },
    { status: 204 },
  );
  assert.equal(server.pendingResponses, 4);

  const first = await post(server);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("content-type"), "text/event-stream");
  assert.equal(first.headers.get("x-codex-turn-state"), "ts-1");
  assert.equal(first.headers.get("openai-model"), "gpt-5");
  assert.equal(
    await first.text(),
    encodeSseEvents(
      numberEvents([createdEvent("resp-1"), outputTextDeltaEvent("Hi"), completedEvent("resp-1")]),
    ),
  );

  const second = await post(server);
  assert.equal(second.status, 429);
  assert.equal(second.headers.get("retry-after"), "2");
  assert.deepEqual(await second.json(), { error: { type: "rate_limit_exceeded" } });

  const third = await post(server);
  assert.equal(third.status, 200);
  assert.notEqual(third.headers.get("content-type"), "text/event-stream");
  assert.equal(await third.text(), "plain");

  const fourth = await post(server);
  assert.equal(fourth.status, 204);
  assert.equal(await fourth.text(), "");
  assert.equal(server.pendingResponses, 0);
});

Deno.test("the server defaults content-type to text/event-stream only for 2xx event bodies", async () => {
  await using server = await startMockResponsesServer();
  server.enqueue(
    { events: [createdEvent()], headers: { "content-type": "text/plain" } },
    { chunks: ["data: {}\n\n"] },
    { status: 500, events: [createdEvent()] },
  );
  assert.equal((await consume(await post(server))).contentType, "text/plain");
  assert.equal((await consume(await post(server))).contentType, "text/event-stream");
  assert.notEqual((await consume(await post(server))).contentType, "text/event-stream");
});

async function consume(response: Response): Promise<{ contentType: string | null }> {
  await response.body?.cancel();
  return { contentType: response.headers.get("content-type") };
}

Deno.test("the server records method, path, headers and the JSON body of each request", async () => {
  await using server = await startMockResponsesServer();
  server.enqueue({ events: [completedEvent()] });
  const response = await fetch(`${server.url}/responses?api-version=1`, {
    method: "POST",
    headers: {
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      session_id: "thread-1",
    },
    body: JSON.stringify({ model: "gpt-5", stream: true }),
  });
  await response.body?.cancel();

  assert.equal(server.requests.length, 1);
  const [request] = server.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/v1/responses");
  assert.equal(request.url, `${server.url}/responses?api-version=1`);
  assert.equal(request.headers.get("authorization"), "Bearer sk-test");
  assert.equal(request.headers.get("session_id"), "thread-1");
  assert.equal(request.contentEncoding, null);
  assert.equal(request.bodyText, '{"model":"gpt-5","stream":true}');
  assert.deepEqual(request.body, new TextEncoder().encode(request.bodyText));
  assert.deepEqual(request.json, { model: "gpt-5", stream: true });
});

Deno.test("the server decodes a gzip request body and notes the encoding", async () => {
  await using server = await startMockResponsesServer({ responses: [{ body: "ok" }] });
  const response = await post(server, {
    headers: { "content-encoding": "gzip", "content-type": "application/json" },
    body: await gzip('{"input":"héllo"}'),
  });
  assert.equal(await response.text(), "ok");
  const [request] = server.requests;
  assert.equal(request.contentEncoding, "gzip");
  assert.equal(request.bodyText, '{"input":"héllo"}');
  assert.deepEqual(request.json, { input: "héllo" });
});

Deno.test("the server answers 415 to a body it cannot decode and keeps its queue", async () => {
  await using server = await startMockResponsesServer({ responses: [{ body: "ok" }] });
  const response = await post(server, { headers: { "content-encoding": "br" }, body: "x" });
  assert.equal(response.status, 415);
  const body = await response.json();
  assert.equal(
    body.error.message,
    'Cannot decode body: unknown Content-Encoding "br", use zstd, gzip, deflate or identity',
  );
  assert.equal(server.pendingResponses, 1);
});

Deno.test("the server answers 415 to a zstd body whose frame needs a window over 8 MiB", async () => {
  await using server = await startMockResponsesServer({ responses: [{ body: "ok" }] });
  const json = new TextEncoder().encode('{"input":"hi"}');
  // From a pipe the zstd CLI keeps the window it is given: 16 MiB.
  const body = await runZstd(["--zstd=wlog=24", "-c"], json) as Uint8Array<ArrayBuffer>;
  const response = await post(server, { headers: { "content-encoding": "zstd" }, body });
  assert.equal(response.status, 415);
  assert.match(
    (await response.json()).error.message,
    /needs a 16777216-byte window, more than the 8388608 bytes \(8 MiB\) the zstd content coding allows over HTTP/,
  );
  assert.equal(server.pendingResponses, 1);
});

Deno.test("the server decodes zstd request bodies and records the encoding", async () => {
  await using server = await startMockResponsesServer({ responses: [{ body: "ok" }] });
  const body = await zstdCompress(new TextEncoder().encode('{"input":"héllo"}'));
  await (await post(server, { headers: { "content-encoding": "zstd" }, body })).body?.cancel();
  assert.equal(server.requests[0].contentEncoding, "zstd");
  assert.deepEqual(server.requests[0].json, { input: "héllo" });
});

Deno.test("the server records a body that is not JSON with json undefined", async () => {
  await using server = await startMockResponsesServer({ responses: [{}, {}] });
  await (await post(server, { body: "not json" })).body?.cancel();
  await (await post(server)).body?.cancel();
  assert.equal(server.requests[0].bodyText, "not json");
  assert.equal(server.requests[0].json, undefined);
  assert.equal(server.requests[1].bodyText, "");
  assert.equal(server.requests[1].body.byteLength, 0);
  assert.equal(server.requests[1].json, undefined);
});

Deno.test("an empty queue answers a non-retryable 400 with a JSON error that says so", async () => {
  await using server = await startMockResponsesServer();
  const response = await post(server, { body: "{}" });
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("x-should-retry"), "false");
  const body = await response.json();
  assert.equal(body.error.code, "mock_queue_empty");
  assert.match(body.error.message, /^No scripted response is left for POST \/v1\/responses/);
  assert.equal(server.requests.length, 1);
});

Deno.test("unknown paths answer 404 and other methods on /responses answer 405", async () => {
  await using server = await startMockResponsesServer({ responses: [{ body: "kept" }] });
  const notFound = await fetch(`${server.url}/models`);
  assert.equal(notFound.status, 404);
  assert.equal((await notFound.json()).error.code, "mock_not_found");
  const wrongMethod = await fetch(`${server.url}/responses`);
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get("allow"), "POST");
  await wrongMethod.body?.cancel();
  assert.equal(server.pendingResponses, 1);
  assert.deepEqual(server.requests.map((request) => request.path), [
    "/v1/models",
    "/v1/responses",
  ]);
});

Deno.test("any path prefix before /responses is served", async () => {
  await using server = await startMockResponsesServer({ responses: [{ body: "ok" }] });
  const base = server.url.replace(/\/v1$/, "/backend-api/codex");
  const response = await fetch(`${base}/responses`, { method: "POST" });
  assert.equal(await response.text(), "ok");
  assert.equal(server.requests[0].path, "/backend-api/codex/responses");
});

Deno.test("gated chunks arrive one by one with their boundaries kept", async () => {
  await using server = await startMockResponsesServer();
  const gates = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
  server.enqueue({
    chunks: [
      "event: a\n",
      { data: 'data: {"type":', gate: gates[0].promise },
      { data: new TextEncoder().encode('"a"}\n\n'), gate: gates[1].promise },
    ],
  });
  const response = await post(server);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.getReader();
  assert.equal(await readText(reader), "event: a\n");
  gates[0].resolve();
  assert.equal(await readText(reader), 'data: {"type":');
  gates[1].resolve();
  assert.equal(await readText(reader), '"a"}\n\n');
  assert.equal((await reader.read()).done, true);
});

Deno.test("a gate holds its chunk until it is released", async () => {
  await using server = await startMockResponsesServer();
  const gate = Promise.withResolvers<void>();
  server.enqueue({ chunks: ["first", { data: "second", gate: gate.promise }] });
  const reader = (await post(server)).body!.getReader();
  assert.equal(await readText(reader), "first");

  const next = track(reader.read());
  await roundTrip(server);
  await roundTrip(server);
  assert.equal(next.settled(), false, "the gated chunk was sent before its gate opened");

  gate.resolve();
  const { value } = await next.promise;
  assert.equal(decoder.decode(value), "second");
  assert.equal((await reader.read()).done, true);
});

Deno.test("delayMs holds a chunk for at least that long", async () => {
  await using server = await startMockResponsesServer();
  server.enqueue({ chunks: ["a", { data: "b", delayMs: 60 }] });
  // Measured from before the request: "b" cannot arrive sooner than 60 ms after that,
  // however loaded the machine is (a bound that holds, not a speed to meet).
  const start = performance.now();
  const reader = (await post(server)).body!.getReader();
  assert.equal(await readText(reader), "a");
  assert.equal(await readText(reader), "b");
  assert.ok(performance.now() - start >= 59, "the delayed chunk came early");
  assert.equal((await reader.read()).done, true);
});

Deno.test("chunkSize re-splits the encoded events into pieces of that many bytes", async () => {
  await using server = await startMockResponsesServer();
  const events = [createdEvent(), outputTextDeltaEvent("héllo"), completedEvent()];
  server.enqueue({ events, chunkSize: 7 });
  const response = await post(server);
  assert.equal(response.headers.get("content-length"), null);
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.equal(decoder.decode(bytes), encodeSseEvents(numberEvents(events)));
});

Deno.test("keepOpen holds the body open after the last chunk until the client cancels", async () => {
  await using server = await startMockResponsesServer();
  server.enqueue({ events: [createdEvent(), completedEvent()], keepOpen: true });
  const reader = (await post(server)).body!.getReader();
  assert.equal(
    await readText(reader),
    encodeSseEvents(numberEvents([createdEvent(), completedEvent()])),
  );

  const next = track(reader.read());
  await roundTrip(server);
  assert.equal(next.settled(), false, "the body ended although keepOpen was set");

  await reader.cancel();
  assert.deepEqual(await next.promise, { done: true, value: undefined });
  await roundTrip(server);
});

Deno.test("keepOpen holds the body until the server closes, which breaks the connection", async () => {
  const server = await startMockResponsesServer({
    responses: [{ events: [createdEvent()], keepOpen: true }],
  });
  const reader = (await post(server)).body!.getReader();
  await readText(reader);
  const next = track(reader.read());
  await server.close();
  await assert.rejects(next.promise, TypeError);
});

Deno.test("truncate makes the client's read fail after the last chunk", async () => {
  await using server = await startMockResponsesServer();
  server.enqueue({ chunks: ["event: a\n", 'data: {"type":"a"}\n\n'], truncate: true });
  const reader = (await post(server)).body!.getReader();
  let received = "";
  await assert.rejects(async () => {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
  }, TypeError);
  assert.equal(received, 'event: a\ndata: {"type":"a"}\n\n');

  server.enqueue({ body: "whole", truncate: true });
  await assert.rejects((await post(server)).text(), TypeError);
});

Deno.test("a gate that rejects breaks the connection", async () => {
  await using server = await startMockResponsesServer();
  const gate = Promise.withResolvers<void>();
  server.enqueue({ chunks: ["a", { data: "b", gate: gate.promise }] });
  const reader = (await post(server)).body!.getReader();
  assert.equal(await readText(reader), "a");
  gate.reject(new Error("scripted failure"));
  await assert.rejects(reader.read(), TypeError);
});

Deno.test("close with a request in flight resolves and leaks nothing", async () => {
  const server = await startMockResponsesServer();
  const never = Promise.withResolvers<void>();
  server.enqueue(
    { chunks: ["a", { data: "b", gate: never.promise }] },
    { chunks: [{ data: "x", delayMs: 60_000 }] },
  );
  const gated = await post(server);
  const delayed = await post(server);
  const reader = gated.body!.getReader();
  assert.equal(await readText(reader), "a");
  const pending = track(reader.read());

  await server.close();
  await assert.rejects(pending.promise, TypeError);
  // The delayed body's timer was cleared and the body broken off; the client never read it.
  await assert.rejects(delayed.text(), TypeError);
  await server.close();
});

Deno.test("close before the client reads a held body still resolves", async () => {
  const server = await startMockResponsesServer({
    responses: [{ events: [createdEvent()], keepOpen: true }],
  });
  const response = await post(server);
  await server.close();
  await assert.rejects(response.text(), TypeError);
});

Deno.test("close is idempotent and asyncDispose closes", async () => {
  const server = await startMockResponsesServer();
  await Promise.all([server.close(), server.close()]);
  await server[Symbol.asyncDispose]();
  await assert.rejects(fetch(`${server.url}/responses`, { method: "POST" }), TypeError);
});

Deno.test("enqueue rejects malformed responses and queues none of the batch", async () => {
  await using server = await startMockResponsesServer();
  const bad: [unknown, ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor][] = [
    [{ events: [createdEvent()], body: "x" }, TypeError],
    [{ body: "x", chunks: ["y"] }, TypeError],
    [{ status: 199 }, RangeError],
    [{ status: 600 }, RangeError],
    [{ status: 200.5 }, RangeError],
    [{ body: "x", chunkSize: 0 }, RangeError],
    [{ chunks: ["x"], chunkSize: 1 }, TypeError],
    [{ chunks: [{ data: "x", delayMs: -1 }] }, RangeError],
    // Past 2^31-1 ms a timer fires at once rather than waiting.
    [{ chunks: [{ data: "x", delayMs: 2 ** 31 }] }, RangeError],
    [{ events: [{ delta: "x" }] }, TypeError],
    [{ status: 204, body: "x" }, TypeError],
    [{ keepOpen: true, truncate: true }, TypeError],
  ];
  for (const [response, errorClass] of bad) {
    assert.throws(
      () => server.enqueue({ body: "fine" }, response as never),
      errorClass,
      JSON.stringify(response),
    );
  }
  assert.throws(
    () => server.enqueue({ body: "fine" }, { events: [], body: "" }),
    new TypeError("Cannot enqueue mock response 1: set only one of events, body and chunks"),
  );
  assert.equal(server.pendingResponses, 0);
});

Deno.test("startMockResponsesServer rejects a port that is taken", async () => {
  await using first = await startMockResponsesServer();
  const port = Number(new URL(first.url).port);
  await assert.rejects(startMockResponsesServer({ port }), Deno.errors.AddrInUse);
});

Deno.test("a client that aborts mid-body releases the held body on the server", async () => {
  await using server = await startMockResponsesServer();
  const never = Promise.withResolvers<void>();
  server.enqueue({ chunks: ["a", { data: "b", gate: never.promise }] });
  const controller = new AbortController();
  const reader = (await post(server, { signal: controller.signal })).body!.getReader();
  assert.equal(await readText(reader), "a");
  const pending = reader.read();
  controller.abort();
  await assert.rejects(pending, (error: Error) => error.name === "AbortError");
  await roundTrip(server);
});

Deno.test("a client asking an empty mock fails at once, after one request, naming the cause", async () => {
  await using server = await startMockResponsesServer();
  const client = new ResponsesClient({ baseUrl: server.url, apiKey: "sk-test" });
  await assert.rejects(
    client.stream({ model: "m", input: "x" }).finalResponse(),
    (error: CodexWireError) =>
      error.retryable === false && error.code === "mock_queue_empty" &&
      /^No scripted response is left/.test(error.message),
  );
  assert.equal(server.requests.length, 1);
});

Deno.test("a large body arrives whole in one stream, with its content-length", async () => {
  await using server = await startMockResponsesServer();
  const body = new Uint8Array(300_000).map((_, i) => i % 251);
  // A view into a larger buffer: only the view is served.
  const padded = new Uint8Array(body.length + 10);
  padded.set(body, 5);
  server.enqueue({ body: padded.subarray(5, 5 + body.length) });
  const response = await post(server);
  assert.equal(response.headers.get("content-length"), String(body.length));
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), body);
});

Deno.test("a recorded request prints its values, and reads its headers after the answer", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("r")] }],
  });
  const response = await fetch(`${server.url}/responses`, {
    method: "POST",
    headers: { "x-probe": "1" },
    body: '{"model":"m"}',
  });
  await response.body?.cancel();
  const [recorded] = server.requests;
  const printed = Deno.inspect(recorded);
  assert.doesNotMatch(printed, /Getter/);
  assert.match(printed, /path: "\/v1\/responses"/);
  assert.match(printed, /json: \{ model: "m" \}/);
  assert.equal(recorded.headers.get("x-probe"), "1");
  assert.deepEqual(recorded.json, { model: "m" });
});
