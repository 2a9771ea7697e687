// A tape round trip with our own client: a scripted Responses-over-WebSocket session driven
// by ResponsesClient({ transport: "websocket" }) is captured through the capture proxy, the
// upstream is shut down, and the tape replays byte-identical server frames and the same
// ResponseEvent sequence to a fresh client.

import assert from "node:assert/strict";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { ResponsesClient } from "../../lib/responses/mod.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  functionCallEvent,
  outputTextDeltaEvent,
  reasoningItemEvent,
  reasoningSummaryTextDeltaEvent,
  startMockResponsesServer,
} from "../../lib/testing/mod.ts";
import { startCaptureProxy, startReplayServer, Tape, TapeRecorder } from "../../lib/tape/mod.ts";

const KEY = "sk-ws-round-trip-0123456789";

const SCRIPT = [
  // The warm-up.
  [createdEvent("warm-1"), completedEvent("warm-1")],
  // The first request of the turn: turn state, rate limits, reasoning, a tool call.
  [
    {
      type: "codex.rate_limits",
      plan_type: "plus",
      rate_limits: { allowed: true, primary: { used_percent: 12, window_minutes: 300 } },
    },
    createdEvent("resp-1"),
    { type: "response.metadata", headers: { "x-codex-turn-state": "ts-1" } },
    { type: "codex.response.metadata", headers: { "x-models-etag": "etag-7" } },
    reasoningSummaryTextDeltaEvent("**Plan**"),
    reasoningItemEvent("rs_1", ["**Plan**"]),
    functionCallEvent("call_1", "shell", { arguments: '{"cmd":["ls"]}' }),
    completedEvent("resp-1"),
  ],
  // The follow-up with the tool output: an incremental create.
  [
    createdEvent("resp-2"),
    outputTextDeltaEvent("Two "),
    outputTextDeltaEvent("files é ✓"),
    assistantMessageEvent("msg_2", "Two files é ✓"),
    completedEvent("resp-2", { inputTokens: 20, outputTokens: 5 }),
  ],
];

interface Run {
  events: ResponseEvent[];
  frames: { from: string; data: unknown }[];
}

/** Drives the session against `baseUrl`, recording what the client itself sent and got. */
async function session(baseUrl: string, apiKey: string): Promise<Run> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const events: ResponseEvent[] = [];
    {
      await using recorder = await TapeRecorder.create(path, { secrets: [apiKey] });
      await using client = new ResponsesClient({
        baseUrl,
        apiKey,
        sessionId: "sess-rt",
        threadId: "thread-rt",
        transport: "websocket",
        idleTimeoutMs: 10_000,
        retry: { streamMaxRetries: 0 },
        record: recorder,
      });
      const request = { model: "gpt-5.2-codex", instructions: "be brief" };
      await client.prewarm({ ...request, input: "list files" });
      const turn = client.session({ turnMetadata: { turn_id: "turn-1" } });
      const history: unknown[] = [{
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "list files" }],
      }];
      for await (const event of turn.stream({ ...request, input: "list files" })) {
        events.push(event);
        if (event.type === "outputItemDone") history.push(event.item);
      }
      history.push({ type: "function_call_output", call_id: "call_1", output: "a\nb" });
      for await (
        const event of turn.stream({ ...request, input: history as never })
      ) events.push(event);
    }
    const tape = await Tape.read(path);
    assert.equal(tape.webSockets.length, 1, "one connection for the whole session");
    const frames = tape.webSockets[0].frames.map((frame) => ({
      from: frame.from,
      data: frame.data,
    }));
    return { events, frames };
  } finally {
    await Deno.remove(path);
  }
}

function serverFrames(frames: Run["frames"]): unknown[] {
  return frames.filter((frame) => frame.from === "server").map((frame) => frame.data);
}

// The client frames, but for the send timestamp Codex stamps on each.
function clientFrames(frames: Run["frames"]): unknown[] {
  return frames.filter((frame) => frame.from === "client").map((frame) => {
    const json = JSON.parse((frame.data as { text: string }).text);
    delete json.client_metadata?.["x-codex-ws-stream-request-start-ms"];
    return json;
  });
}

Deno.test("a ResponsesClient WebSocket session captured through the proxy replays byte-identical frames and the same events", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    let captured: Run;
    {
      await using upstream = await startMockResponsesServer();
      upstream.websocket.enqueue({
        headers: { "openai-model": "gpt-5.2-codex", "x-reasoning-included": "true" },
        responses: SCRIPT,
      });
      await using proxy = await startCaptureProxy({
        upstream: upstream.url,
        out,
        log: () => {},
      });
      captured = await session(proxy.baseUrl, KEY);
      assert.equal(upstream.websocket.requests.length, 3);
    }
    // The upstream is gone; only the tape is left.
    const text = await Deno.readTextFile(out);
    assert.ok(!text.includes(KEY), "the key is redacted");
    const tape = await Tape.read(out);
    assert.equal(tape.webSockets.length, 1);
    const onTape = tape.webSockets[0];
    assert.equal(
      Object.fromEntries(onTape.open.responseHeaders)["openai-model"],
      "gpt-5.2-codex",
    );
    const tapeFrames = onTape.frames.map((frame) => ({
      from: frame.from,
      data: frame.data,
    }));
    // The proxy is transparent: the tape holds what the client sent and got.
    assert.deepEqual(serverFrames(tapeFrames), serverFrames(captured.frames));
    assert.deepEqual(clientFrames(tapeFrames), clientFrames(captured.frames));
    assert.equal(serverFrames(tapeFrames).length, SCRIPT.flat().length);

    await using replay = await startReplayServer(tape);
    const replayed = await session(replay.baseUrl, "sk-another-key-9876543210");
    assert.deepEqual(serverFrames(replayed.frames), serverFrames(captured.frames));
    assert.deepEqual(clientFrames(replayed.frames), clientFrames(captured.frames));
    assert.deepEqual(replayed.events, captured.events);

    const types = captured.events.map((event) => event.type);
    for (const type of ["serverModel", "rateLimits", "modelsEtag", "outputItemDone", "completed"]) {
      assert.ok(types.includes(type as ResponseEvent["type"]), type);
    }
    const [warm, first, second] = clientFrames(captured.frames) as Record<string, unknown>[];
    assert.equal(warm.generate, false);
    assert.equal(first.previous_response_id, "warm-1");
    assert.equal(second.previous_response_id, "resp-1");
    assert.equal(
      (second.client_metadata as Record<string, string>)["x-codex-turn-state"],
      "ts-1",
    );
  } finally {
    await Deno.remove(out);
  }
});
