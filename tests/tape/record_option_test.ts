import assert from "node:assert/strict";
import { ResponsesClient } from "../../lib/responses/mod.ts";
import {
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../lib/testing/mod.ts";
import { startReplayServer, Tape, TapeRecorder } from "../../lib/tape/mod.ts";

const KEY = "sk-record-option-0123456789";

Deno.test("ResponsesClient's record option writes its own traffic to a tape that replays the same events", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const events = [
      createdEvent("resp-r"),
      outputTextDeltaEvent("Hi "),
      outputTextDeltaEvent("there"),
      completedEvent("resp-r"),
    ];
    let first: unknown[];
    {
      await using upstream = await startMockResponsesServer({
        responses: [{ events, chunkSize: 40 }],
      });
      await using recorder = await TapeRecorder.create(path, { secrets: [KEY] });
      const client = new ResponsesClient({ baseUrl: upstream.url, apiKey: KEY, record: recorder });
      first = await Array.fromAsync(client.stream({ model: "gpt-5", input: "hi" }));
    }
    const text = await Deno.readTextFile(path);
    assert.ok(!text.includes(KEY));
    const tape = await Tape.read(path);
    const [exchange] = tape.http;
    assert.equal(exchange.request.method, "POST");
    assert.equal(
      Object.fromEntries(exchange.request.headers).authorization,
      "Bearer [REDACTED]",
    );
    assert.equal(
      JSON.parse("text" in exchange.request.body! ? exchange.request.body.text : "").model,
      "gpt-5",
    );
    assert.ok(exchange.chunks.length > 0);
    // The client stops reading at response.completed, as Codex does.
    assert.ok(exchange.end !== undefined || exchange.error?.by === "client");

    await using replay = await startReplayServer(tape);
    const again = new ResponsesClient({ baseUrl: replay.baseUrl, apiKey: "sk-whatever-else" });
    const second = await Array.fromAsync(again.stream({ model: "gpt-5", input: "hi" }));
    assert.deepEqual(second, first);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("ResponsesClient's record option writes its WebSocket too: handshake, frames both ways, close", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    {
      await using upstream = await startMockResponsesServer();
      upstream.websocket.enqueue({
        headers: { "openai-model": "gpt-5" },
        responses: [[createdEvent("resp-w"), outputTextDeltaEvent("Hi"), completedEvent("resp-w")]],
      });
      await using recorder = await TapeRecorder.create(path, { secrets: [KEY] });
      await using client = new ResponsesClient({
        baseUrl: upstream.url,
        apiKey: KEY,
        transport: "websocket",
        record: recorder,
      });
      await client.stream({ model: "gpt-5", input: "hi" }).finalResponse();
    }
    const text = await Deno.readTextFile(path);
    assert.ok(!text.includes(KEY));
    const tape = await Tape.read(path);
    assert.equal(tape.http.length, 0);
    const [session] = tape.webSockets;
    assert.match(session.open.url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/responses$/);
    assert.equal(
      Object.fromEntries(session.open.requestHeaders)["openai-beta"],
      "responses_websockets=2026-02-06",
    );
    assert.equal(Object.fromEntries(session.open.responseHeaders)["openai-model"], "gpt-5");
    assert.deepEqual(session.frames.map((frame) => frame.from), [
      "client",
      "server",
      "server",
      "server",
    ]);
    assert.equal(session.close?.by, "client");
  } finally {
    await Deno.remove(path);
  }
});
