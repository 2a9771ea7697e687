// A subprotocol offer written without a space after the comma ("a,b", as some clients send
// it): the runtime's own upgrade refuses to pick from it, so the proxy and the replay server
// choose the protocol themselves.

import assert from "node:assert/strict";
import { startCaptureProxy, startReplayServer, Tape } from "../../lib/tape/mod.ts";
import { rawHandshake, startScriptedWsServer } from "./_tape_helpers.ts";

const TIGHT_OFFER =
  "Sec-WebSocket-Protocol: realtime,openai-insecure-api-key.sk-tight-0123456789\r\n";

Deno.test('Deno.upgradeWebSocket itself accepts only an offer written "a, b" (why the servers choose)', async () => {
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    try {
      const { socket, response } = Deno.upgradeWebSocket(request, { protocol: "b" });
      socket.addEventListener("open", () => socket.close());
      socket.addEventListener("error", () => {});
      return response;
    } catch {
      return new Response("refused", { status: 400 });
    }
  });
  const port = server.addr.port;
  assert.match(
    await rawHandshake(port, "/", "Sec-WebSocket-Protocol: a, b\r\n"),
    /^HTTP\/1\.1 101 /,
  );
  assert.match(
    await rawHandshake(port, "/", "Sec-WebSocket-Protocol: a,b\r\n"),
    /^HTTP\/1\.1 400 /,
  );
});

Deno.test('the replay server accepts a subprotocol offer written "a,b"', async () => {
  const tape = Tape.parse([
    '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}',
    '{"type":"ws.open","t":0,"conn":"c1","url":"ws://h/v1/realtime","requestHeaders":[],"responseHeaders":[],"protocols":["realtime","openai-insecure-api-key.REDACTED"],"protocol":"realtime"}',
    '{"type":"ws.close","t":1,"conn":"c1","code":1000,"reason":"","by":"client"}',
  ].join("\n"));
  await using replay = await startReplayServer(tape, { log: () => {} });
  const head = await rawHandshake(replay.port, "/v1/realtime", TIGHT_OFFER);
  assert.match(head, /^HTTP\/1\.1 101 /);
  assert.match(head, /sec-websocket-protocol: realtime\r\n/i);
});

Deno.test('the capture proxy accepts a subprotocol offer written "a,b" and passes it on', async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    {
      await using upstream = startScriptedWsServer({
        pickProtocol: (offered) => offered.find((p) => p === "realtime"),
      });
      await using proxy = await startCaptureProxy({
        upstream: upstream.url.replace("ws", "http"),
        out,
        log: () => {},
      });
      const head = await rawHandshake(proxy.port, "/v1/realtime", TIGHT_OFFER);
      assert.match(head, /^HTTP\/1\.1 101 /);
      assert.match(head, /sec-websocket-protocol: realtime\r\n/i);
      assert.equal(upstream.handshakes.length, 1);
    }
    const [session] = (await Tape.read(out)).webSockets;
    assert.deepEqual(session.open.protocols, ["realtime", "openai-insecure-api-key.REDACTED"]);
    assert.equal(session.open.protocol, "realtime");
  } finally {
    await Deno.remove(out);
  }
});
