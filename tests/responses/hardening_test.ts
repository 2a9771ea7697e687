// Hostile servers against one turn: every wait bounded, error bodies bounded, no secret
// shown, no prompt sent where it should not go. Each test asserts the bound, the typed
// outcome and that the planted secret appears in no output.

import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { ResponsesClient } from "../../lib/responses/responses_client.ts";
import { MAX_ERROR_BODY_BYTES } from "../../lib/transport/bounded_body.ts";
import {
  completedEvent,
  createdEvent,
  encodeSseEvents,
  failedEvent,
  outputTextDeltaEvent,
} from "../../testing.ts";
import {
  assertNoSecret,
  captureLogs,
  recordingTelemetry,
  SECRET,
  startServer,
  startSilentServer,
  trickle,
  within,
} from "../_hostile.ts";
import { bodyTypes, collect, testClient } from "../_helpers.ts";

const SSE = { "content-type": "text/event-stream" };
const NO_RETRY = { streamMaxRetries: 0, requestMaxRetries: 0 };
/** Generous: each case is configured to end in a few hundred milliseconds. */
const BOUND_MS = 5_000;

Deno.test("a server that never sends headers fails with a retryable headersTimeout", async () => {
  await using logs = await captureLogs();
  await using server = startSilentServer();
  const telemetry = recordingTelemetry();
  const client = testClient(server.url, {
    headersTimeoutMs: 150,
    queryParams: { "api-key": SECRET },
    telemetry,
    retry: { requestMaxRetries: 1, streamMaxRetries: 0 },
  });
  const { events, error } = await within(
    BOUND_MS,
    collect(client.stream({ model: "m", input: "x" })),
    "the stream",
  );
  assert.equal(error?.kind, "headersTimeout");
  assert.equal(error?.retryable, true);
  assert.match(
    error!.message,
    /^No response headers from http:\/\/127\.0\.0\.1:\d+\/v1\/responses\?api-key=REDACTED within 150 ms/,
  );
  assert.deepEqual(events.map((event) => event.type), ["reconnecting"]);
  // At most one request and one retry (the first may time out before it even connects:
  // a process's first fetch sets up its HTTP client).
  assert(server.hits <= 2, `${server.hits} requests`);
  assertNoSecret({ error, events, records: logs.records, telemetry: telemetry.seen });
});

/** A caller's fetch that does not pass the signal on (as some wrappers do). */
const deafFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: undefined });

Deno.test("headersTimeoutMs holds with a caller's fetch that ignores the signal", async () => {
  await using server = startSilentServer();
  const { error } = await within(
    BOUND_MS,
    collect(
      testClient(server.url, { headersTimeoutMs: 150, fetch: deafFetch, retry: NO_RETRY })
        .stream({ model: "m", input: "x" }),
    ),
    "the stream",
  );
  assert.equal(error?.kind, "headersTimeout");
  assert.equal(error?.retryable, true);
});

for (const phase of ["the header wait", "the body read"] as const) {
  Deno.test(`return() during ${phase} stops at once with a caller's fetch that ignores the signal`, async () => {
    await using server = startServer((_, stall) =>
      new Response(stall(encodeSseEvents([createdEvent("r")])), { headers: SSE })
    );
    await using silent = startSilentServer();
    const stream = testClient(phase === "the header wait" ? silent.url : server.url, {
      idleTimeoutMs: 60_000,
      headersTimeoutMs: 60_000,
      fetch: deafFetch,
      retry: NO_RETRY,
    }).stream({ model: "m", input: "x" });
    const iterator = stream[Symbol.asyncIterator]();
    if (phase === "the body read") {
      let first = await iterator.next();
      while (!first.done && first.value.type !== "created") first = await iterator.next();
    }
    const pending = iterator.next();
    // Let the request go out (and, for the header wait, reach the silent server).
    await new Promise((resolve) => setTimeout(resolve, 100));
    await within(1_000, iterator.return!(), "return()");
    assert.deepEqual(await within(1_000, pending, "the pending next()"), {
      done: true,
      value: undefined,
    });
  });
}

Deno.test("headersTimeoutMs Infinity waits for slow headers", async () => {
  await using server = startServer(() =>
    new Response(encodeSseEvents([createdEvent("r"), completedEvent("r")]), { headers: SSE })
  );
  const { error } = await collect(
    testClient(server.url, { headersTimeoutMs: Infinity }).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
});

for (
  const [label, status, contentType, kind, retryable] of [
    ["a 500 error body", 500, "application/json", "http", true],
    // A page instead of an event stream: asking again gets the same page.
    ["a 200 text/html body", 200, "text/html", "http", false],
  ] as const
) {
  Deno.test(`${label} that stalls is read under the idle timeout`, async () => {
    await using server = startServer((_, stall) =>
      new Response(stall('{"error":{"message":"partly '), {
        status,
        headers: { "content-type": contentType },
      })
    );
    const started = performance.now();
    const { error } = await within(
      BOUND_MS,
      collect(
        testClient(server.url, { idleTimeoutMs: 200, retry: NO_RETRY })
          .stream({ model: "m", input: "x" }),
      ),
      "the stream",
    );
    assert(performance.now() - started < BOUND_MS);
    assert.equal(error?.kind, kind);
    assert.equal(error?.retryable, retryable);
    assert.equal(error?.status, status);
    assert.equal(error?.body, '{"error":{"message":"partly ');
    assert.equal(server.hits, 1);
  });
}

for (
  const [label, status, contentType, kind] of [
    ["a 500 error body", 500, "application/json", "http"],
    // A page instead of an event stream: an http error, not retried.
    ["a 200 text/html body", 200, "text/html", "http"],
  ] as const
) {
  Deno.test(`${label} that trickles a byte at a time is read within one idle timeout`, async () => {
    // A byte every 20 ms never leaves a 300 ms silence: a per-chunk bound alone would read
    // it for 64 KiB x 20 ms (about 22 minutes).
    const stop = new AbortController();
    await using server = startServer(() =>
      new Response(trickle('{"error":{"message":"slow"}}', 20, stop.signal), {
        status,
        headers: { "content-type": contentType },
      })
    );
    // Ends the trickle before the server closes, even when the client read on.
    using _stop = { [Symbol.dispose]: () => stop.abort() };
    const { error } = await within(
      BOUND_MS,
      collect(
        testClient(server.url, { idleTimeoutMs: 300, retry: NO_RETRY })
          .stream({ model: "m", input: "x" }),
      ),
      "the stream",
    );
    assert.equal(error?.kind, kind);
    assert.equal(error?.status, status);
    assert(error?.body?.startsWith('{"error"'), `body: ${error?.body}`);
    assert.equal(server.hits, 1);
  });
}

Deno.test("an error body is kept to its first 64 KiB and the rest is not read", async () => {
  const total = 8 * 1024 * 1024;
  let sent = 0;
  await using server = startServer(() => {
    const piece = new Uint8Array(64 * 1024).fill(0x61);
    return new Response(
      new ReadableStream({
        pull(controller) {
          if (sent >= total) return controller.close();
          sent += piece.length;
          controller.enqueue(piece);
        },
      }),
      { status: 503 },
    );
  });
  const { error } = await collect(
    testClient(server.url, { retry: NO_RETRY }).stream({ model: "m", input: "x" }),
  );
  assert.equal(error?.kind, "http");
  assert.equal(error?.retryable, true);
  assert.equal(error?.body?.length, MAX_ERROR_BODY_BYTES);
  assert(sent < total, `the server sent ${sent} bytes: the whole body was read`);
});

Deno.test("return() during a pending next() cancels the read at once", async () => {
  await using server = startServer((_, stall) =>
    new Response(stall(encodeSseEvents([createdEvent("r")])), { headers: SSE })
  );
  const stream = testClient(server.url, { idleTimeoutMs: 60_000, retry: NO_RETRY })
    .stream({ model: "m", input: "x" });
  const iterator = stream[Symbol.asyncIterator]();
  let first = await iterator.next();
  while (!first.done && first.value.type !== "created") first = await iterator.next();
  assert.equal(first.value?.type, "created");
  const pending = iterator.next();
  const returned = await within(1_000, iterator.return!(), "return()");
  assert.deepEqual(returned, { done: true, value: undefined });
  assert.deepEqual(await within(1_000, pending, "the pending next()"), {
    done: true,
    value: undefined,
  });
});

Deno.test("return() during the retry backoff stops at once", async () => {
  await using server = startServer(() => new Response("busy", { status: 503 }));
  const stream = testClient(server.url, { retry: { baseDelayMs: 60_000, requestMaxRetries: 3 } })
    .stream({ model: "m", input: "x" });
  const iterator = stream[Symbol.asyncIterator]();
  const first = await within(BOUND_MS, iterator.next(), "the first next()");
  assert.equal(first.value?.type, "reconnecting");
  // The next next() sleeps a minute before the retry.
  const pending = iterator.next();
  await within(1_000, iterator.return!(), "return()");
  assert.deepEqual(await within(1_000, pending, "the pending next()"), {
    done: true,
    value: undefined,
  });
  assert.equal(server.hits, 1);
});

Deno.test("timer options beyond 2^31-1 ms are refused with what is allowed", () => {
  assert.throws(() => new ResponsesClient({ idleTimeoutMs: 2 ** 31 }), {
    name: "RangeError",
    message:
      "Cannot create ResponsesClient: idleTimeoutMs must be a positive number of milliseconds up to 2147483647 (about 24.8 days), or Infinity for no timeout, got 2147483648",
  });
  assert.throws(() => new ResponsesClient({ headersTimeoutMs: 0 }), RangeError);
  assert.throws(() => new ResponsesClient({ retry: { baseDelayMs: 2 ** 31 } }), {
    name: "RangeError",
    message:
      "Cannot create ResponsesClient: retry.baseDelayMs must be a number of milliseconds from 0 to 2147483647 (about 24.8 days), got 2147483648",
  });
  assert.throws(() => new ResponsesClient({ retry: { maxRetryAfterMs: 1e12 } }), RangeError);
  assert.throws(() => new ResponsesClient({ retry: { baseDelayMs: Infinity } }), RangeError);
});

Deno.test("idleTimeoutMs Infinity means no timeout, not one that fires at once", async () => {
  await using server = startServer(() => {
    const bytes = new TextEncoder().encode(
      encodeSseEvents([createdEvent("r"), outputTextDeltaEvent("hi"), completedEvent("r")]),
    );
    return new Response(
      new ReadableStream({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          controller.enqueue(bytes);
          controller.close();
        },
      }),
      { headers: SSE },
    );
  });
  const { events, error } = await collect(
    testClient(server.url, { idleTimeoutMs: Infinity, retry: NO_RETRY })
      .stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(bodyTypes(events), ["created", "outputTextDelta", "completed"]);
});

Deno.test("a server's 'try again in 3600s' waits at most maxRetryAfterMs", async () => {
  let answered = 0;
  await using server = startServer(() => {
    answered++;
    const events = answered === 1
      ? [
        createdEvent("r"),
        failedEvent("r", { code: "rate_limit_exceeded", message: "Please try again in 3600s." }),
      ]
      : [createdEvent("r"), completedEvent("r")];
    return new Response(encodeSseEvents(events), { headers: SSE });
  });
  const { events, error } = await within(
    BOUND_MS,
    collect(
      testClient(server.url, { retry: { maxRetryAfterMs: 30, streamMaxRetries: 1 } })
        .stream({ model: "m", input: "x" }),
    ),
    "the stream",
  );
  assert.equal(error, undefined);
  const reconnecting = events.filter((event) => event.type === "reconnecting");
  assert.equal(reconnecting.length, 1);
  assert.equal(reconnecting[0].type === "reconnecting" && reconnecting[0].delayMs, 30);
  assert.equal(server.hits, 2);
});

for (const status of [301, 302, 303, 307, 308]) {
  Deno.test(`a ${status} redirect is not followed: no prompt reaches its target`, async () => {
    await using logs = await captureLogs();
    await using target = startServer(() =>
      new Response(encodeSseEvents([createdEvent("evil"), completedEvent("evil")]), {
        headers: SSE,
      })
    );
    await using server = startServer(() =>
      new Response(null, {
        status,
        headers: { location: `${target.url}/responses?token=${SECRET}` },
      })
    );
    const telemetry = recordingTelemetry();
    const { events, error } = await collect(
      testClient(server.url, { telemetry, headers: { "api-key": "k" } })
        .stream({ model: "m", input: "the prompt" }),
    );
    assert.equal(target.hits, 0, "the redirect target got a request");
    assert.equal(server.hits, 1, "a redirect is not retried");
    assert.equal(error?.kind, "http");
    assert.equal(error?.retryable, false);
    assert.equal(error?.status, status);
    assert.equal(
      error?.message,
      `Cannot follow the redirect (HTTP ${status}) from ${server.url}/responses to ${target.url}/responses?token=REDACTED: redirects are not followed, so the prompt and credentials never go to another address; set the base URL to the final address if it is trusted`,
    );
    assert.deepEqual(bodyTypes(events), []);
    assertNoSecret({ error, events, records: logs.records, telemetry: telemetry.seen });
  });
}

Deno.test("an answer a caller's fetch reached by following a redirect is refused", async () => {
  await using logs = await captureLogs();
  await using target = startServer(() =>
    new Response(encodeSseEvents([createdEvent("evil"), completedEvent("evil")]), {
      headers: SSE,
    })
  );
  await using server = startServer(() =>
    new Response(null, {
      status: 302,
      headers: { location: `${target.url}/responses?token=${SECRET}` },
    })
  );
  const telemetry = recordingTelemetry();
  const { events, error } = await collect(
    testClient(server.url, {
      telemetry,
      fetch: (input, init) => fetch(input, { ...init, redirect: "follow" }),
    }).stream({ model: "m", input: "the prompt" }),
  );
  assert.equal(server.hits, 1, "a redirect is not retried");
  assert.equal(error?.kind, "http");
  assert.equal(error?.retryable, false);
  assert.match(error!.message, /Cannot follow the redirect/);
  assert(error!.message.includes(`${target.url}/responses?token=REDACTED`), error!.message);
  assert.deepEqual(bodyTypes(events), [], "the redirect target's answer was streamed");
  assertNoSecret({ error, events, records: logs.records, telemetry: telemetry.seen });
});

Deno.test("secrets in the URL reach no message, event, log record or telemetry", async () => {
  await using logs = await captureLogs();
  // A port that nothing listens on: bind one, then free it.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  for (
    const baseUrl of [
      `http://127.0.0.1:${port}/v1`,
      `http://user:${SECRET}@127.0.0.1:${port}/v1`,
      `http://${SECRET}@127.0.0.1:${port}/v1`,
    ]
  ) {
    const telemetry = recordingTelemetry();
    const { events, error } = await collect(
      testClient(baseUrl, {
        queryParams: { "api-version": "1", "api-key": SECRET, sig: SECRET },
        telemetry,
        retry: { requestMaxRetries: 1, streamMaxRetries: 0 },
      }).stream({ model: "m", input: "x" }),
    );
    assert.equal(error?.kind, "network");
    assert.equal(error?.retryable, true);
    assert.match(
      error!.message,
      /^Cannot reach http:\/\/(REDACTED@)?127\.0\.0\.1:\d+\/v1\/responses\?api-version=1&api-key=REDACTED&sig=REDACTED: /,
    );
    assert.equal(events.filter((event) => event.type === "reconnecting").length, 1);
    assert(telemetry.seen.length >= 3);
    assertNoSecret({ error, events, records: logs.records, telemetry: telemetry.seen });
  }
  assert(logs.records.length > 0, "LogTape saw the attempts");
});

Deno.test("data: null does not break a stream that telemetry watches", async () => {
  await using logs = await captureLogs();
  await using server = startServer(() =>
    new Response(
      [
        encodeSseEvents([createdEvent("r")]),
        "data: null\n\n",
        "data: 42\n\n",
        encodeSseEvents([outputTextDeltaEvent("kept"), completedEvent("r")]),
      ].join(""),
      { headers: SSE },
    )
  );
  const telemetry = recordingTelemetry();
  const { events, error } = await collect(
    testClient(server.url, { telemetry, retry: NO_RETRY }).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(bodyTypes(events), ["created", "outputTextDelta", "completed"]);
  assert(logs.records.some((record) => record.level === "warning"), "the bad events were logged");
});

Deno.test("headersTimeout errors are CodexWireErrors with a JSON form", () => {
  const error = new CodexWireError("x", { kind: "headersTimeout", retryable: true });
  assert.deepEqual(error.toJSON(), {
    type: "error",
    kind: "headersTimeout",
    message: "x",
    retryable: true,
  });
});
