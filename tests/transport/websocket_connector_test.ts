// The WebSocket connector against real loopback servers: Deno.serve + Deno.upgradeWebSocket,
// and a byte-level server for pings, 1006 ends and odd frames.

import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import {
  connectWebSocket,
  type WebSocketConnection,
  type WebSocketFrame,
} from "../../lib/transport/websocket_connector.ts";
import { startRawWebSocketServer } from "./_raw_websocket_server.ts";

type Handler = (request: Request) => Response | Promise<Response>;

function serve(handler: Handler): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
}

function wsUrl(server: Deno.HttpServer<Deno.NetAddr>): string {
  return `ws://127.0.0.1:${server.addr.port}/v1/responses`;
}

async function connectError(url: string, options = {}): Promise<CodexWireError> {
  try {
    const connection = await connectWebSocket(url, options);
    await connection.close();
  } catch (error) {
    assert.ok(error instanceof CodexWireError, String(error));
    return error;
  }
  throw new Error("expected the connect to fail");
}

/** Receives until a frame satisfies `until`, with a bound on every wait. */
async function receiveUntil(
  connection: WebSocketConnection,
  until: (frame: WebSocketFrame) => boolean,
): Promise<WebSocketFrame[]> {
  const frames: WebSocketFrame[] = [];
  for (;;) {
    const batch = await connection.receive({ timeoutMs: 5000 });
    frames.push(...batch);
    if (batch.some(until)) return frames;
  }
}

Deno.test("connectWebSocket sends the handshake headers and shows the 101 answer's headers", async () => {
  let seen: Headers | undefined;
  await using server = serve((request) => {
    seen = new Headers(request.headers);
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => socket.close(1000, "bye");
    response.headers.set("openai-model", "gpt-5.2");
    response.headers.set("x-reasoning-included", "true");
    return response;
  });
  const connection = await connectWebSocket(wsUrl(server), {
    headers: { "OpenAI-Beta": "responses_websockets=2026-02-06", authorization: "Bearer sk-1" },
  });
  assert.equal(seen?.get("openai-beta"), "responses_websockets=2026-02-06");
  assert.equal(seen?.get("authorization"), "Bearer sk-1");
  assert.match(seen?.get("sec-websocket-extensions") ?? "", /permessage-deflate/);
  assert.equal(connection.responseHeaders.get("openai-model"), "gpt-5.2");
  assert.equal(connection.responseHeaders.get("x-reasoning-included"), "true");
  const frames = await receiveUntil(connection, (frame) => frame.type === "close");
  assert.deepEqual(frames.at(-1), { type: "close", code: 1000, reason: "bye", clean: true });
  assert.equal(connection.isOpen, false);
  // After the end, every wait returns the same close frame.
  assert.deepEqual(await connection.receive(), [frames.at(-1)]);
  await connection.close();
});

Deno.test("text and binary frames arrive in order, unchanged", async () => {
  await using server = serve((request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => {
      socket.send(`echo ${event.data}`);
      socket.send(new Uint8Array([1, 2, 3]));
      socket.send("é✓");
    };
    return response;
  });
  await using connection = await connectWebSocket(wsUrl(server));
  await connection.send("hi");
  const frames = await receiveUntil(
    connection,
    (frame) => frame.type === "text" && frame.data === "é✓",
  );
  assert.deepEqual(frames, [
    { type: "text", data: "echo hi" },
    { type: "binary", data: new Uint8Array([1, 2, 3]) },
    { type: "text", data: "é✓" },
  ]);
});

Deno.test("a refused connection is a retryable network error", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const error = await connectError(`ws://127.0.0.1:${port}/v1/responses`);
  assert.equal(error.kind, "network");
  assert.equal(error.retryable, true);
  assert.match(error.message, /^Cannot connect to ws:\/\/127\.0\.0\.1:\d+\/v1\/responses: /);
});

for (
  const [status, kind, retryable] of [
    [426, "http", false],
    [404, "http", false],
    [405, "http", false],
    [401, "unauthorized", false],
    [503, "http", true],
  ] as const
) {
  Deno.test(`an upgrade answered ${status} fails with its status, headers and body`, async () => {
    await using server = serve(() =>
      new Response(`refused ${status}`, { status, headers: { "x-request-id": "req-9" } })
    );
    const error = await connectError(`${wsUrl(server)}?api-key=secret`);
    assert.equal(error.kind, kind);
    assert.equal(error.retryable, retryable);
    assert.equal(error.status, status);
    assert.equal(error.headers?.get("x-request-id"), "req-9");
    assert.equal(error.requestId, "req-9");
    assert.equal(error.body, `refused ${status}`);
    assert.doesNotMatch(error.message, /secret/);
  });
}

Deno.test("a handshake that never gets an answer fails after connectTimeoutMs", async () => {
  const release = Promise.withResolvers<void>();
  await using server = serve(async () => {
    await release.promise;
    return new Response("late", { status: 503 });
  });
  try {
    const error = await connectError(wsUrl(server), { connectTimeoutMs: 50 });
    assert.equal(error.kind, "network");
    assert.equal(error.retryable, true);
    assert.match(error.message, /no handshake answer within 50 ms$/);
  } finally {
    release.resolve();
  }
});

Deno.test("a fired signal cancels the handshake with an aborted error", async () => {
  const release = Promise.withResolvers<void>();
  await using server = serve(async () => {
    await release.promise;
    return new Response(null, { status: 503 });
  });
  const controller = new AbortController();
  try {
    const pending = connectError(wsUrl(server), { signal: controller.signal });
    controller.abort(new Error("stop"));
    const error = await pending;
    assert.equal(error.kind, "aborted");
    assert.equal(
      (await connectError(wsUrl(server), { signal: controller.signal })).kind,
      "aborted",
    );
  } finally {
    release.resolve();
  }
});

Deno.test("receive fails with idleTimeout after silence, and with aborted on a signal", async () => {
  await using server = serve((request) => Deno.upgradeWebSocket(request).response);
  await using connection = await connectWebSocket(wsUrl(server));
  const timeout = await connection.receive({ timeoutMs: 20 }).catch((error) => error);
  assert.ok(timeout instanceof CodexWireError);
  assert.equal(timeout.kind, "idleTimeout");
  assert.equal(timeout.message, "idle timeout waiting for websocket");
  assert.equal(timeout.retryable, true);
  const controller = new AbortController();
  const pending = connection.receive({ signal: controller.signal }).catch((error) => error);
  const overlapping = await connection.receive().catch((error) => error);
  assert.equal(overlapping.kind, "usage");
  controller.abort();
  assert.equal((await pending).kind, "aborted");
  assert.equal(connection.isOpen, true);
});

Deno.test("pings are answered with pongs carrying the same payload", async () => {
  await using server = startRawWebSocketServer();
  const accepted = server.accept();
  await using connection = await connectWebSocket(server.url, { perMessageDeflate: false });
  const peer = await accepted;
  await peer.send(0x9, "are you there");
  const pong = await peer.read();
  assert.equal(pong?.opcode, 0xa);
  assert.equal(new TextDecoder().decode(pong?.payload), "are you there");
  await peer.send(0x1, "after the ping");
  assert.deepEqual(await connection.receive({ timeoutMs: 5000 }), [
    { type: "text", data: "after the ping" },
  ]);
  peer.drop();
  await connection.terminate();
});

Deno.test("a connection ended without a close frame reports code 1006, not clean", async () => {
  await using server = startRawWebSocketServer();
  const accepted = server.accept();
  const connection = await connectWebSocket(server.url, { perMessageDeflate: false });
  const peer = await accepted;
  await peer.send(0x1, '{"type":"response.created"}');
  peer.drop();
  const frames = await receiveUntil(connection, (frame) => frame.type === "close");
  assert.deepEqual(frames[0], { type: "text", data: '{"type":"response.created"}' });
  assert.deepEqual(frames.at(-1), { type: "close", code: 1006, reason: "", clean: false });
  await connection.close();
});

Deno.test("a frame over maxFrameBytes breaks the connection with an error frame", async () => {
  await using server = serve((request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => {
      socket.send("small");
      socket.send("x".repeat(2048));
    };
    return response;
  });
  const connection = await connectWebSocket(wsUrl(server), { maxFrameBytes: 1024 });
  const frames = await receiveUntil(connection, (frame) => frame.type === "close");
  assert.deepEqual(frames[0], { type: "text", data: "small" });
  const error = frames.find((frame) => frame.type === "error");
  assert.match(error?.type === "error" ? error.message : "", /max payload size exceeded/i);
  await connection.close();
});

Deno.test("a fast server is read in order while the queue is bounded", async () => {
  const count = 500;
  await using server = serve((request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => {
      for (let i = 0; i < count; i++) socket.send(String(i));
      socket.close();
    };
    return response;
  });
  await using connection = await connectWebSocket(wsUrl(server), { maxQueuedFrames: 8 });
  const frames = await receiveUntil(connection, (frame) => frame.type === "close");
  const texts = frames.filter((frame) => frame.type === "text").map((frame) => frame.data);
  assert.deepEqual(texts, Array.from({ length: count }, (_, i) => String(i)));
});

Deno.test("send after the close is a retryable stream error", async () => {
  await using server = serve((request) => Deno.upgradeWebSocket(request).response);
  const connection = await connectWebSocket(wsUrl(server));
  await connection.close();
  const error = await connection.send("late").catch((error) => error);
  assert.equal(error.kind, "stream");
  assert.equal(error.retryable, true);
});

Deno.test("subprotocols are offered joined by ', ', the chosen one is shown, bytes go out as binary", async () => {
  let offered: string | null = null;
  const received: (string | Uint8Array)[] = [];
  const gotTwo = Promise.withResolvers<void>();
  await using server = serve((request) => {
    offered = request.headers.get("sec-websocket-protocol");
    const { socket, response } = Deno.upgradeWebSocket(request, { protocol: "realtime" });
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      received.push(
        typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer),
      );
      if (received.length === 2) gotTwo.resolve();
    };
    return response;
  });
  const connection = await connectWebSocket(wsUrl(server), { protocols: ["realtime", "extra"] });
  assert.equal(offered, "realtime, extra");
  assert.equal(connection.protocol, "realtime");
  await connection.send("text");
  await connection.send(new Uint8Array([0, 255]));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    gotTwo.promise,
    new Promise((_, reject) => timer = setTimeout(reject, 5000, new Error("no frames"))),
  ]).finally(() => clearTimeout(timer));
  assert.deepEqual(received, ["text", new Uint8Array([0, 255])]);
  // 1005 may not be sent: the close goes out without a code.
  await connection.close(1005);
  assert.equal(connection.isOpen, false);
});
