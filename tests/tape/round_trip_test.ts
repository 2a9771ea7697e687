import assert from "node:assert/strict";
import {
  completedEvent,
  createdEvent,
  encodeSseEvents,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../lib/testing/mod.ts";
import { startCaptureProxy, startReplayServer, Tape } from "../../lib/tape/mod.ts";
import {
  joinBytes,
  rawHandshake,
  readPieces,
  startScriptedWsServer,
  TestSocket,
} from "./_tape_helpers.ts";

const SSE = encodeSseEvents([
  createdEvent("resp-1"),
  outputTextDeltaEvent("Hel"),
  outputTextDeltaEvent("lo ✓"),
  completedEvent("resp-1"),
]);
const bytes = new TextEncoder().encode(SSE);
// Cut inside the multi-byte ✓ so one chunk is not valid UTF-8 on its own.
const cut = bytes.indexOf(0xe2) + 1;
const CHUNKS = [bytes.subarray(0, 20), bytes.subarray(20, cut), bytes.subarray(cut)];

Deno.test("an SSE exchange captured through the proxy replays byte for byte, chunk for chunk", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    // Each chunk waits until the client has read the one before, so none are merged.
    const gates = CHUNKS.map(() => Promise.withResolvers<void>());
    const upstream = await startMockResponsesServer({
      responses: [{
        headers: { "x-request-id": "req-1" },
        chunks: CHUNKS.map((data, index) => ({ data, gate: gates[index].promise })),
      }],
    });
    gates[0].resolve();
    let captured: Uint8Array[];
    {
      await using _upstream = upstream;
      await using proxy = await startCaptureProxy({ upstream: upstream.url, out });
      const response = await fetch(`${proxy.baseUrl}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-live-abcdefgh" },
        body: JSON.stringify({ model: "gpt-5", stream: true }),
      });
      assert.equal(response.headers.get("x-request-id"), "req-1");
      captured = [];
      for await (const piece of response.body!) {
        captured.push(piece);
        gates[captured.length]?.resolve();
      }
    }
    assert.deepEqual(joinBytes(captured), bytes);

    const tape = await Tape.read(out);
    const [exchange] = tape.http;
    assert.equal(exchange.request.method, "POST");
    assert.ok(exchange.request.url.endsWith("/v1/responses"));
    assert.equal(exchange.response?.status, 200);
    assert.equal(exchange.chunks.length, 3);
    assert.ok("base64" in exchange.chunks[1].data, "the chunk cut inside ✓ is stored as base64");
    assert.ok(exchange.end !== undefined);
    assert.ok(!(await Deno.readTextFile(out)).includes("sk-live-abcdefgh"));

    await using replay = await startReplayServer(tape);
    const again = await fetch(`${replay.baseUrl}/responses`, {
      method: "POST",
      body: JSON.stringify({ model: "gpt-5", stream: true }),
    });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("content-type"), "text/event-stream");
    assert.equal(again.headers.get("x-request-id"), "req-1");
    const replayed = await readPieces(again.body!);
    assert.deepEqual(joinBytes(replayed), bytes);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("a WebSocket session captured through the proxy replays its frames, subprotocol and close code", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  const binary = new Uint8Array([0, 1, 2, 255]);
  try {
    {
      await using upstream = startScriptedWsServer({
        greeting: ['{"type":"session.created"}'],
        replies: [['{"type":"a"}', binary], ['{"type":"b"}']],
        closeWith: { code: 4001, reason: "done" },
        pickProtocol: (offered) => offered.find((p) => p === "realtime"),
        responseHeaders: { "x-reasoning-included": "true", "openai-model": "gpt-rt" },
      });
      await using proxy = await startCaptureProxy({
        upstream: upstream.url.replace("ws", "http"),
        out,
      });
      const client = new TestSocket(`${proxy.url.replace("http", "ws")}/v1/realtime?model=x`, {
        protocols: ["realtime", "openai-insecure-api-key.sk-hidden-0123456789"],
      });
      await client.opened();
      assert.equal(client.socket.protocol, "realtime");
      await client.messagesAtLeast(1);
      client.socket.send('{"type":"first"}');
      await client.messagesAtLeast(3);
      client.socket.send(new Uint8Array([9, 8, 7]));
      const closed = await client.closed();
      assert.equal(closed.code, 4001);
      assert.equal(closed.reason, "done");
      assert.deepEqual(client.messages, [
        '{"type":"session.created"}',
        '{"type":"a"}',
        binary,
        '{"type":"b"}',
      ]);
      assert.deepEqual(upstream.received, ['{"type":"first"}', new Uint8Array([9, 8, 7])]);
      assert.equal(
        upstream.handshakes[0].get("sec-websocket-protocol")?.includes("sk-hidden"),
        true,
      );
    }
    const text = await Deno.readTextFile(out);
    assert.ok(!text.includes("sk-hidden-0123456789"));
    const tape = await Tape.read(out);
    const [session] = tape.webSockets;
    assert.equal(session.open.protocol, "realtime");
    const answered = Object.fromEntries(session.open.responseHeaders);
    assert.equal(answered["x-reasoning-included"], "true");
    assert.equal(answered["openai-model"], "gpt-rt");
    assert.deepEqual(session.open.protocols, ["realtime", "openai-insecure-api-key.REDACTED"]);
    assert.deepEqual(session.frames.map((f) => `${f.from}:${f.opcode}`), [
      "server:text",
      "client:text",
      "server:text",
      "server:binary",
      "client:binary",
      "server:text",
    ]);
    assert.deepEqual(session.close && { code: session.close.code, by: session.close.by }, {
      code: 4001,
      by: "server",
    });

    await using replay = await startReplayServer(tape);
    const client = new TestSocket(`${replay.url.replace("http", "ws")}/v1/realtime?model=x`, {
      protocols: ["realtime", "openai-insecure-api-key.sk-other-0123456789"],
    });
    await client.opened();
    assert.equal(client.socket.protocol, "realtime");
    await client.messagesAtLeast(1);
    assert.deepEqual(client.messages, ['{"type":"session.created"}']);
    client.socket.send('{"type":"first"}');
    await client.messagesAtLeast(3);
    client.socket.send(new Uint8Array([9, 8, 7]));
    const closed = await client.closed();
    assert.equal(closed.code, 4001);
    assert.equal(closed.reason, "done");
    assert.deepEqual(client.messages, [
      '{"type":"session.created"}',
      '{"type":"a"}',
      binary,
      '{"type":"b"}',
    ]);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("a refused upgrade passes through the proxy as HTTP and replays the same way", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    {
      await using upstream = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        () => new Response("use HTTP", { status: 426, headers: { "x-why": "no-ws" } }),
      );
      await using proxy = await startCaptureProxy({
        upstream: `http://127.0.0.1:${upstream.addr.port}/v1`,
        out,
      });
      const head = await rawHandshake(proxy.port, "/v1/responses");
      assert.match(head, /^HTTP\/1\.1 426 /);
      assert.match(head, /x-why: no-ws/);
    }
    const tape = await Tape.read(out);
    assert.equal(tape.http[0].response?.status, 426);
    await using replay = await startReplayServer(tape);
    const head = await rawHandshake(replay.port, "/v1/responses");
    assert.match(head, /^HTTP\/1\.1 426 /);
    assert.match(head, /x-why: no-ws/);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("a replayed WebSocket handshake carries the recorded response headers", async () => {
  const tape = Tape.parse([
    '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}',
    '{"type":"ws.open","t":0,"conn":"c1","url":"ws://h/v1/responses","requestHeaders":[],"responseHeaders":[["x-reasoning-included","true"]],"protocols":[],"protocol":""}',
    '{"type":"ws.close","t":1,"conn":"c1","code":1000,"reason":"","by":"server"}',
  ].join("\n"));
  await using replay = await startReplayServer(tape);
  const head = await rawHandshake(replay.port, "/v1/responses");
  assert.match(head, /^HTTP\/1\.1 101 /);
  assert.match(head, /x-reasoning-included: true/);
});
