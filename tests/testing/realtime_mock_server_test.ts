import assert from "node:assert/strict";
import { startRealtimeMockServer } from "../../lib/testing/realtime_mock_server.ts";

function open(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error("could not open"));
  });
}

Deno.test("the mock records the handshake and frames, and counts frames it does not keep", async () => {
  await using server = await startRealtimeMockServer({ recordFrames: false, waitTimeoutMs: 200 });
  const socket = await open(`${server.url.replace("http", "ws")}/realtime?x=1`);
  socket.send('{"type":"a"}');
  socket.send("not json");
  const mock = await server.waitForConnection(0);
  await assert.rejects(mock.waitForFrame("a"), /waited 200 ms/);
  assert.equal(mock.frames.length, 0);
  assert.equal(mock.path, "/v1/realtime?x=1");
  socket.close(4000, "done");
  assert.equal(await mock.waitClosed(), 4000);
  assert.equal(mock.frameCount, 2);
});

Deno.test("the mock parses frames, refuses upgrades by script, and answers plain HTTP with 426", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{}, { rejectStatus: 403, rejectBody: "no" }],
  });
  const socket = await open(`${server.url.replace("http", "ws")}/realtime`);
  socket.send('{"type":"hello","n":1}');
  socket.send("raw");
  const mock = await server.waitForConnection(0);
  await mock.waitForFrame("hello");
  socket.close();
  await mock.waitClosed();
  const refused = await fetch(`${server.url}/realtime`, { headers: { upgrade: "websocket" } });
  assert.equal(refused.status, 403);
  assert.equal(await refused.text(), "no");
  const plain = await fetch(`${server.url}/realtime`);
  assert.equal(plain.status, 426);
  await plain.body?.cancel();
  assert.deepEqual(mock.frames, [
    { text: '{"type":"hello","n":1}', json: { type: "hello", n: 1 }, type: "hello" },
    { text: "raw", json: undefined, type: undefined },
  ]);
  assert.equal(server.connections[1].rejected, true);
});

Deno.test("waiting for a frame on a connection that has closed fails at once, not after the timeout", async () => {
  await using server = await startRealtimeMockServer({ waitTimeoutMs: 5_000 });
  const socket = await open(`${server.url.replace("http", "ws")}/realtime`);
  socket.send('{"type":"a"}');
  const mock = await server.waitForConnection(0);
  await mock.waitForFrame("a");
  socket.close();
  await mock.waitClosed();
  await assert.rejects(mock.waitForFrame("b"), /closed while waiting for 1 "b" frame/);
  assert.deepEqual(await mock.waitForFrame("a"), [mock.frames[0]]);
});
