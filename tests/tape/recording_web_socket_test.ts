import assert from "node:assert/strict";
import { recordWebSocket, startReplayServer, Tape, TapeRecorder } from "../../lib/tape/mod.ts";
import { startScriptedWsServer, TestSocket } from "./_tape_helpers.ts";

const KEY = "sk-realtime-record-0123456789";

Deno.test("recordWebSocket writes a client's own socket to a tape that replays the same frames", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    {
      await using upstream = startScriptedWsServer({
        greeting: ['{"type":"session.created"}'],
        replies: [['{"type":"session.updated"}', new Uint8Array([1, 2, 3])]],
      });
      await using recorder = await TapeRecorder.create(path, { secrets: [KEY] });
      const client = new TestSocket(`${upstream.url}/v1/realtime?model=gpt-realtime`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      const recorded = recordWebSocket(client.socket, recorder, {
        requestHeaders: [["authorization", `Bearer ${KEY}`]],
      });
      await client.opened();
      await client.messagesAtLeast(1);
      recorded.send(`{"type":"session.update","note":"${KEY}"}`);
      await client.messagesAtLeast(3);
      recorded.close(1000, "done");
      await client.closed();
    }
    const text = await Deno.readTextFile(path);
    assert.ok(!text.includes(KEY));
    const [session] = (await Tape.read(path)).webSockets;
    assert.deepEqual(Object.fromEntries(session.open.requestHeaders), {
      authorization: "Bearer [REDACTED]",
    });
    assert.deepEqual(session.frames.map((frame) => `${frame.from}:${frame.opcode}`), [
      "server:text",
      "client:text",
      "server:text",
      "server:binary",
    ]);
    assert.deepEqual(session.close && [session.close.code, session.close.by], [1000, "client"]);

    await using replay = await startReplayServer(path);
    const again = new TestSocket(
      `${replay.url.replace("http", "ws")}/v1/realtime?model=gpt-realtime`,
    );
    await again.opened();
    await again.messagesAtLeast(1);
    again.socket.send('{"type":"session.update"}');
    await again.messagesAtLeast(3);
    assert.deepEqual(again.messages, [
      '{"type":"session.created"}',
      '{"type":"session.updated"}',
      new Uint8Array([1, 2, 3]),
    ]);
    await again.close();
  } finally {
    await Deno.remove(path);
  }
});
