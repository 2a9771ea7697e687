// Review of the WebSocket transport: the exact wire shapes (frame JSON, handshake header
// set), the prewarm + fallback attempt counts, awaited prewarm, and that every wait of a
// WebSocket turn gives way to a signal, to `return()` and to `close()`.

import assert from "node:assert/strict";
import {
  completedEvent,
  createdEvent,
  type MockResponsesServer,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";
import type { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import type { ResponsesClient } from "../../lib/responses/responses_client.ts";

const OK = (id: string) => [createdEvent(id), completedEvent(id)];
const HTTP_OK = { events: OK("resp-http") };
const CLOSES = { responses: [[createdEvent("resp-ws"), { close: { code: 1000 } }]] };

function frames(server: MockResponsesServer): Record<string, unknown>[] {
  return server.websocket.requests as Record<string, unknown>[];
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Streams one turn and aborts its signal 10 ms after the first event of `type`. */
async function streamAbortedAfter(
  client: ResponsesClient,
  type: string,
): Promise<{ events: string[]; error: CodexWireError | undefined }> {
  const controller = new AbortController();
  const events: string[] = [];
  const error = await (async () => {
    for await (
      const event of client.stream({ model: "m", input: "x" }, { signal: controller.signal })
    ) {
      events.push(event.type);
      if (event.type === type) setTimeout(() => controller.abort(), 10);
    }
  })().catch((error) => error);
  return { events, error };
}

Deno.test("response.create is the HTTP body plus type and the WebSocket-only client_metadata keys", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK] });
  server.websocket.enqueue({ responses: [OK("resp-1")] });
  await using sse = testClient(server.url);
  await using ws = testClient(server.url, { transport: "websocket" });
  const request = { model: "gpt-5.2-codex", instructions: "be brief", input: "hi" };
  const metadata = { turnMetadata: { turn_id: "turn-1", sandbox: "workspace-write" } };
  await sse.session(metadata).stream(request).finalResponse();
  await ws.session(metadata).stream(request).finalResponse();
  const body = server.requests[0].json as Record<string, unknown> & {
    client_metadata: Record<string, string>;
  };
  const frame = frames(server)[0] as typeof body;
  const sent: Record<string, string> = frame.client_metadata;
  const startMs = sent["x-codex-ws-stream-request-start-ms"];
  assert.match(startMs, /^\d{13}$/);
  assert.deepEqual(frame, {
    type: "response.create",
    ...body,
    client_metadata: { ...body.client_metadata, "x-codex-ws-stream-request-start-ms": startMs },
  });
  assert.deepEqual(Object.keys(sent).sort(), [
    "session_id",
    "thread_id",
    "turn_id",
    "x-codex-turn-metadata",
    "x-codex-window-id",
    "x-codex-ws-stream-request-start-ms",
  ]);
  assert.deepEqual(JSON.parse(sent["x-codex-turn-metadata"]), {
    turn_id: "turn-1",
    sandbox: "workspace-write",
  });
  assert.equal("generate" in frame, false);
  assert.equal("previous_response_id" in frame, false);
});

Deno.test("the handshake carries exactly the Codex header set, with their values", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1")] });
  await using client = testClient(server.url, { transport: "websocket" });
  await client.session({ turnMetadata: { turn_id: "turn-1" } })
    .stream({ model: "m", input: "x" }).finalResponse();
  const headers = server.websocket.connections[0].handshake.headers;
  const protocol = new Set([
    "connection",
    "host",
    "upgrade",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
  ]);
  const sent = Object.fromEntries([...headers].filter(([name]) => !protocol.has(name)));
  assert.match(sent["user-agent"], /^codex_cli_rs\/\S+ \(/);
  delete sent["user-agent"];
  assert.deepEqual(sent, {
    authorization: "Bearer sk-test",
    "openai-beta": "responses_websockets=2026-02-06",
    originator: "codex_cli_rs",
    "session-id": "sess-1",
    "thread-id": "conv-1",
    "x-client-request-id": "conv-1",
    "x-codex-turn-metadata": '{"turn_id":"turn-1"}',
    "x-codex-window-id": "conv-1:0",
  });
  assert.match(headers.get("sec-websocket-extensions") ?? "", /^permessage-deflate/);
});

Deno.test("websocket_fallback counts: 1 prewarm + 3 WebSocket attempts + 1 HTTP POST with streamMaxRetries 2", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK, HTTP_OK] });
  server.websocket.enqueue(CLOSES, CLOSES, CLOSES, CLOSES);
  await using client = testClient(server.url, {
    transport: "auto",
    retry: { streamMaxRetries: 2 },
  });
  await client.prewarm({ model: "m", input: "" }).catch(() => {});
  assert.equal(server.websocket.connections.length, 1, "the prewarm attempt");
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.equal(events.filter((event) => event.type === "transportFallback").length, 1);
  assert.equal(server.websocket.connections.length, 4, "1 prewarm + 3 for the turn");
  assert.equal(server.requests.length, 1);
  await client.session().stream({ model: "m", input: "y" }).finalResponse();
  assert.equal(server.websocket.connections.length, 4, "sticky");
  assert.equal(server.requests.length, 2);
});

Deno.test("websocket_fallback_switches_to_http_on_upgrade_required_connect with a prewarm: its 426 switches to HTTP, 1 WebSocket + 1 POST", async () => {
  await using server = await startMockResponsesServer({ responses: [HTTP_OK] });
  server.websocket.enqueue({ status: 426, body: "Upgrade Required" });
  await using client = testClient(server.url, { transport: "auto" });
  await client.prewarm({ model: "m", input: "" });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.equal(server.websocket.connections.length, 1);
  assert.equal(server.requests.length, 1);
});

Deno.test("prewarm is awaited until the warm-up response completes", async () => {
  await using server = await startMockResponsesServer();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => open = resolve);
  server.websocket.enqueue({
    responses: [[createdEvent("warm-1"), { event: completedEvent("warm-1"), gate }], OK("r")],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  let settled = false;
  const prewarm = client.prewarm({ model: "m", input: "hi" }).then(() => settled = true);
  await until(() => frames(server).length === 1, "the warm-up frame");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false, "still waiting for response.completed");
  open();
  await prewarm;
  assert.equal(settled, true);
  await client.stream({ model: "m", input: "hi" }).finalResponse();
  assert.equal(frames(server)[1].previous_response_id, "warm-1");
});

Deno.test("a handshake that never gets its 101 gives way to connectTimeoutMs and to a signal", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ acceptDelayMs: 60_000, responses: [] }, {
    acceptDelayMs: 60_000,
    responses: [],
  });
  await using timed = testClient(server.url, {
    transport: "websocket",
    retry: { streamMaxRetries: 0 },
    websocket: { connectTimeoutMs: 50 },
  });
  const late = await collect(timed.stream({ model: "m", input: "x" }));
  assert.equal(late.error?.kind, "network");
  assert.match(late.error?.message ?? "", /no handshake answer within 50 ms$/);
  await using client = testClient(server.url, {
    transport: "websocket",
    retry: { streamMaxRetries: 0 },
  });
  const controller = new AbortController();
  const pending = collect(client.stream({ model: "m", input: "x" }, { signal: controller.signal }));
  await until(() => server.websocket.connections.length === 2, "the second handshake");
  controller.abort();
  assert.equal((await pending).error?.kind, "aborted");
});

Deno.test("a signal during the wait for an answer ends the stream with aborted and drops the connection", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [[createdEvent("resp-1")]] }, { responses: [OK("r2")] });
  await using client = testClient(server.url, { transport: "websocket" });
  const { events, error } = await streamAbortedAfter(client, "created");
  assert.deepEqual(events, ["created"]);
  assert.equal(error?.kind, "aborted");
  await until(() => server.websocket.connections[0].closed !== undefined, "the drop");
  const final = await client.stream({ model: "m", input: "y" }).finalResponse();
  assert.equal(final.responseId, "r2");
  assert.equal(server.websocket.connections.length, 2);
});

Deno.test("return() while next() waits for a frame settles at once and drops the connection", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [[createdEvent("resp-1")]] });
  await using client = testClient(server.url, { transport: "websocket" });
  const iterator = client.stream({ model: "m", input: "x" })[Symbol.asyncIterator]();
  assert.equal((await iterator.next()).value?.type, "created");
  const waiting = iterator.next();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await iterator.return?.();
  assert.equal((await waiting).done, true);
  await until(() => server.websocket.connections[0].closed !== undefined, "the drop");
});

Deno.test("a signal during the retry backoff ends the stream with aborted", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue(CLOSES);
  await using client = testClient(server.url, {
    transport: "websocket",
    retry: { streamMaxRetries: 3, baseDelayMs: 60_000 },
  });
  const { events, error } = await streamAbortedAfter(client, "reconnecting");
  assert.deepEqual(events, ["created", "reconnecting"]);
  assert.equal(error?.kind, "aborted");
  assert.equal(server.websocket.connections.length, 1);
});

Deno.test("idle pooled connections are closed by client.close() and by await using", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("a")] }, { responses: [OK("b")] });
  const client = testClient(server.url, { transport: "websocket" });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(server.websocket.connections[0].closed, undefined, "kept for reuse");
  await client.close();
  await until(() => server.websocket.connections[0].closed !== undefined, "the close");
  {
    await using scoped = testClient(server.url, { transport: "websocket" });
    await scoped.stream({ model: "m", input: "x" }).finalResponse();
    assert.equal(server.websocket.connections[1].closed, undefined);
  }
  await until(() => server.websocket.connections[1].closed !== undefined, "the close");
});

Deno.test("turn state resets at the next turn on the same socket", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    responses: [
      [
        createdEvent("r1"),
        { type: "response.metadata", headers: { "x-codex-turn-state": "ts-1" } },
        completedEvent("r1"),
      ],
      [
        createdEvent("r2"),
        { type: "response.metadata", headers: { "x-codex-turn-state": "ts-2" } },
        completedEvent("r2"),
      ],
      OK("r3"),
    ],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const one = client.session();
  await one.stream({ model: "m", input: "a" }).finalResponse();
  const two = client.session();
  await two.stream({ model: "m", input: "b" }).finalResponse();
  assert.equal(two.turnState, "ts-2", "captured afresh, not the first turn's");
  await two.stream({ model: "m", input: "c" }).finalResponse();
  const metadata = frames(server).map((frame) =>
    (frame.client_metadata as Record<string, string>)["x-codex-turn-state"]
  );
  assert.deepEqual(metadata, [undefined, undefined, "ts-2"]);
  assert.equal(server.websocket.connections.length, 1);
});

Deno.test("a 16 MB text delta arrives whole through the client", async () => {
  await using server = await startMockResponsesServer();
  const delta = "y".repeat(16 * 1024 * 1024);
  server.websocket.enqueue({
    responses: [[createdEvent("r"), outputTextDeltaEvent(delta), completedEvent("r")]],
  });
  await using client = testClient(server.url, { transport: "websocket" });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  const text = events.find((event) => event.type === "outputTextDelta");
  assert.equal(text?.type === "outputTextDelta" && text.delta.length, delta.length);
});

Deno.test("return() while next() waits for the 101 or for the retry backoff settles at once", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ acceptDelayMs: 60_000, responses: [] }, CLOSES);
  await using client = testClient(server.url, {
    transport: "websocket",
    retry: { streamMaxRetries: 3, baseDelayMs: 60_000 },
  });
  const connecting = client.stream({ model: "m", input: "x" })[Symbol.asyncIterator]();
  const waiting = connecting.next();
  await until(() => server.websocket.connections.length === 1, "the handshake");
  await connecting.return?.();
  assert.equal((await waiting).done, true);

  const backingOff = client.stream({ model: "m", input: "x" })[Symbol.asyncIterator]();
  assert.equal((await backingOff.next()).value?.type, "created");
  assert.equal((await backingOff.next()).value?.type, "reconnecting");
  const sleeping = backingOff.next();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await backingOff.return?.();
  assert.equal((await sleeping).done, true);
  assert.equal(server.websocket.connections.length, 2);
});

Deno.test("R11 over WebSocket: with unbounded connection retries a refused connect waits for the network without using the stream retries", async () => {
  // A TCP relay in front of the mock that drops its first three connections: the network
  // "comes back" on the fourth.
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({ responses: [OK("resp-1")] });
  const target = new URL(server.url);
  let dropped = 0;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const relays: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      if (dropped < 3) {
        dropped++;
        conn.close();
        continue;
      }
      relays.push((async () => {
        const upstream = await Deno.connect({ hostname: "127.0.0.1", port: Number(target.port) });
        await Promise.all([
          conn.readable.pipeTo(upstream.writable).catch(() => {}),
          upstream.readable.pipeTo(conn.writable).catch(() => {}),
        ]);
      })());
    }
  })();
  try {
    const retries: string[] = [];
    {
      await using client = testClient(`http://127.0.0.1:${listener.addr.port}${target.pathname}`, {
        transport: "websocket",
        retry: {
          streamMaxRetries: 0,
          connectionRetries: "unbounded",
          connectionBaseDelayMs: 1,
          connectionMaxDelayMs: 2,
        },
        telemetry: { onRetry: (info) => retries.push(`${info.layer}:${info.maxAttempts}`) },
      });
      const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
      assert.equal(error, undefined);
      assert.deepEqual(events.map((event) => event.type), [
        "reconnecting",
        "reconnecting",
        "reconnecting",
        "created",
        "completed",
      ]);
      const first = events[0];
      assert.equal(first.type === "reconnecting" && first.layer, "connection");
      assert.equal(first.type === "reconnecting" && first.error.kind, "network");
    }
    assert.deepEqual(retries, [
      "connection:Infinity",
      "connection:Infinity",
      "connection:Infinity",
    ]);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    await Promise.all(relays);
  }
});

Deno.test("R11 with auto: the connect-error policy still falls back at once, even with unbounded connection retries", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  await using server = await startMockResponsesServer({ responses: [HTTP_OK] });
  // Only the WebSocket URL is unreachable: point the client at a dead port and give the
  // fallback its own fetch to the mock.
  await using client = testClient(`http://127.0.0.1:${port}/v1`, {
    transport: "auto",
    retry: { connectionRetries: "unbounded", connectionBaseDelayMs: 1, connectionMaxDelayMs: 2 },
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      url.port = new URL(server.url).port;
      return fetch(url, init);
    },
  });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error, undefined);
  assert.deepEqual(
    events.map((event) => event.type).filter((type) => type !== "rateLimits"),
    ["transportFallback", "created", "completed"],
  );
});
