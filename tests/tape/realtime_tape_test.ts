// Realtime sessions on tapes: connectRealtime's record option, a realtime session captured
// through the proxy and replayed frame for frame, and the Agents SDK's realtime transport
// against a replayed tape.

import assert from "node:assert/strict";
import { OpenAIRealtimeWebSocket } from "@openai/agents-realtime";
import { connectRealtime, type RealtimeConnection } from "../../lib/realtime/mod.ts";
import type { RealtimeEvent } from "../../lib/realtime/realtime_event.ts";
import { startRealtimeMockServer } from "../../lib/testing/realtime_mock_server.ts";
import type { RealtimeMockScript } from "../../lib/testing/realtime_mock_server.ts";
import { startCaptureProxy, startReplayServer, Tape, TapeRecorder } from "../../lib/tape/mod.ts";
import { fromTapeData } from "../../lib/tape/tape_record.ts";
import { within } from "./_tape_helpers.ts";

const KEY = "sk-realtime-tape-0123456789";

/** A scripted realtime session: text deltas (one cut inside a UTF-8 character), a binary frame. */
const SCRIPT: RealtimeMockScript = {
  steps: [
    { waitFor: "session.update" },
    { send: { type: "session.updated", session: { id: "sess_tape" } } },
    { waitFor: "conversation.item.create" },
    { send: { type: "response.output_text.delta", item_id: "item_1", delta: "Hel" } },
    { send: '{"type":"response.output_text.delta","item_id":"item_1",  "delta":"lo ✓"}' },
    { sendBinary: new Uint8Array([0, 1, 2, 255]) },
    { send: { type: "response.output_text.done", item_id: "item_1", text: "Hello ✓" } },
  ],
};
/** sessionUpdated, two deltas, the binary frame's error, the done. */
const EVENTS = 5;

async function readEvents(connection: RealtimeConnection, count: number): Promise<RealtimeEvent[]> {
  const events: RealtimeEvent[] = [];
  while (events.length < count) {
    const event = await within(connection.next(), `realtime event ${events.length + 1}`);
    if (event === undefined) break;
    events.push(event);
  }
  return events;
}

/** The session's frames as the client saw them: direction, opcode and exact bytes. */
function framesOf(tape: Tape): { from: string; opcode: string; bytes: Uint8Array }[] {
  assert.equal(tape.webSockets.length, 1);
  return tape.webSockets[0].frames.map((frame) => ({
    from: frame.from,
    opcode: frame.opcode,
    bytes: fromTapeData(frame.data),
  }));
}

/** One scripted session through connectRealtime, recorded at the client. */
async function runSession(baseUrl: string, path: string): Promise<RealtimeEvent[]> {
  await using recorder = await TapeRecorder.create(path, { secrets: [KEY] });
  await using connection = await connectRealtime({ baseUrl, apiKey: KEY, record: recorder });
  await connection.sendText("hello");
  const events = await readEvents(connection, EVENTS);
  await connection.close({ code: 1000, reason: "done" });
  return events;
}

Deno.test("connectRealtime's record option writes the handshake, both ways' frames and the close", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await using server = await startRealtimeMockServer({ scripts: [SCRIPT] });
    const events = await runSession(server.url, path);
    assert.equal(events.length, EVENTS);
    const text = await Deno.readTextFile(path);
    assert.ok(!text.includes(KEY), "the key is kept out of the tape");
    const tape = await Tape.read(path);
    const [session] = tape.webSockets;
    assert.match(session.open.url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime\?model=/);
    assert.equal(
      Object.fromEntries(session.open.requestHeaders).authorization,
      "Bearer [REDACTED]",
    );
    // The client sends its item without waiting for session.updated: only the order within
    // each direction is fixed.
    const directions = (from: string) =>
      session.frames.filter((f) => f.from === from).map((f) => f.opcode);
    assert.deepEqual(directions("client"), ["text", "text"]);
    assert.deepEqual(directions("server"), ["text", "text", "text", "binary", "text"]);
    const sent = session.frames.filter((f) => f.from === "client")
      .map((f) => JSON.parse(new TextDecoder().decode(fromTapeData(f.data))).type);
    assert.deepEqual(sent, server.connections[0].frames.map((f) => f.type));
    assert.deepEqual(session.close && [session.close.by, session.close.code], ["client", 1000]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a connectRealtime session captured through the proxy replays byte-identical frames at the client", async () => {
  const dir = await Deno.makeTempDir();
  const captured = `${dir}/captured.jsonl`;
  const firstView = `${dir}/first.jsonl`;
  const secondView = `${dir}/second.jsonl`;
  try {
    let first: RealtimeEvent[];
    {
      await using upstream = await startRealtimeMockServer({ scripts: [SCRIPT] });
      await using proxy = await startCaptureProxy({ upstream: upstream.url, out: captured });
      first = await runSession(proxy.baseUrl, firstView);
    }
    const tape = await Tape.read(captured);
    assert.match(tape.webSockets[0].open.url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime\?model=/);
    assert.ok(!(await Deno.readTextFile(captured)).includes(KEY));
    // The proxy's tape holds exactly what the client saw.
    assert.deepEqual(framesOf(tape), framesOf(await Tape.read(firstView)));

    // The upstream is gone: the replay server answers alone.
    await using replay = await startReplayServer(tape);
    const second = await runSession(replay.baseUrl, secondView);
    assert.deepEqual(second, first);
    assert.deepEqual(framesOf(await Tape.read(secondView)), framesOf(await Tape.read(firstView)));
    assert.equal(replay.unmatched, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The Agents SDK's realtime transport: one text round trip, the deltas it heard. */
async function agentsRoundTrip(baseUrl: string): Promise<string> {
  const transport = new OpenAIRealtimeWebSocket({
    url: `${baseUrl.replace("http", "ws")}/realtime?model=gpt-realtime`,
  });
  const deltas: string[] = [];
  const done = Promise.withResolvers<void>();
  transport.on("output_text_delta", (event: { delta: string }) => deltas.push(event.delta));
  transport.on("*", (event: { type: string }) => {
    if (event.type === "response.done") done.resolve();
  });
  try {
    await transport.connect({ apiKey: KEY, model: "gpt-realtime" });
    transport.sendMessage("Say hello", {});
    await within(done.promise, "response.done", 10_000);
  } finally {
    transport.close();
  }
  return deltas.join("");
}

const AGENTS_SCRIPT: RealtimeMockScript = {
  onFrame(frame, connection) {
    const text = { response_id: "resp_1", item_id: "item_1", output_index: 0, content_index: 0 };
    const response = { id: "resp_1", object: "realtime.response", output: [] };
    if (frame.type === "session.update") {
      connection.send({
        type: "session.updated",
        event_id: "evt_1",
        session: { id: "sess_1", type: "realtime", object: "realtime.session" },
      });
    }
    if (frame.type === "response.create") {
      connection.send({
        type: "response.created",
        event_id: "evt_2",
        response: { ...response, status: "in_progress" },
      });
      for (const [index, delta] of ["Hel", "lo!"].entries()) {
        connection.send({
          type: "response.output_text.delta",
          event_id: `d${index}`,
          ...text,
          delta,
        });
      }
      connection.send({
        type: "response.output_text.done",
        event_id: "evt_3",
        ...text,
        text: "Hello!",
      });
      connection.send({
        type: "response.done",
        event_id: "evt_4",
        response: { ...response, status: "completed" },
      });
    }
  },
};

Deno.test("agents-realtime OpenAIRealtimeWebSocket runs against a replayed realtime tape", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    {
      await using upstream = await startRealtimeMockServer({ scripts: [AGENTS_SCRIPT] });
      await using proxy = await startCaptureProxy({ upstream: upstream.url, out });
      assert.equal(await agentsRoundTrip(proxy.baseUrl), "Hello!");
      await upstream.connections[0].waitClosed();
    }
    const tape = await Tape.read(out);
    assert.ok(!(await Deno.readTextFile(out)).includes(KEY));
    assert.equal(tape.webSockets.length, 1);
    const logged: string[] = [];
    await using replay = await startReplayServer(tape, { log: (line) => logged.push(line) });
    assert.equal(await agentsRoundTrip(replay.baseUrl), "Hello!");
    assert.equal(replay.unmatched, 0, logged.join("\n"));
  } finally {
    await Deno.remove(out);
  }
});
