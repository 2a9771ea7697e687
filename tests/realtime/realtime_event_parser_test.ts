import assert from "node:assert/strict";
import type { RealtimeDialect } from "../../lib/realtime/realtime_dialect.ts";
import type { RealtimeEvent } from "../../lib/realtime/realtime_event.ts";
import { RealtimeEventParser } from "../../lib/realtime/realtime_event_parser.ts";

function events(dialect: RealtimeDialect, frames: unknown[]): (RealtimeEvent | undefined)[] {
  const parser = new RealtimeEventParser(dialect);
  return frames.map((frame) =>
    parser.parse(typeof frame === "string" ? frame : JSON.stringify(frame)).event
  );
}

function one(dialect: RealtimeDialect, frame: unknown): RealtimeEvent | undefined {
  return events(dialect, [frame])[0];
}

Deno.test("v2 mapping: every GA name Codex reads", () => {
  assert.deepEqual(one("v2", { type: "session.updated", session: { id: "sess_1" } }), {
    type: "sessionUpdated",
    realtimeSessionId: "sess_1",
  });
  assert.deepEqual(one("v2", { type: "response.output_audio.delta", delta: "AAA=" }), {
    type: "audioOut",
    data: "AAA=",
    sampleRate: 24000,
    numChannels: 1,
  });
  assert.deepEqual(
    one("v2", {
      type: "response.audio.delta",
      delta: "AAA=",
      sample_rate: 16000,
      channels: 2,
      samples_per_channel: 1,
      item_id: "item_1",
    }),
    {
      type: "audioOut",
      data: "AAA=",
      sampleRate: 16000,
      numChannels: 2,
      samplesPerChannel: 1,
      itemId: "item_1",
    },
  );
  assert.deepEqual(
    one("v2", { type: "response.output_audio.delta", delta: "AAA=", num_channels: 2 }),
    { type: "audioOut", data: "AAA=", sampleRate: 24000, numChannels: 2 },
  );
  assert.deepEqual(
    one("v2", { type: "conversation.item.input_audio_transcription.delta", delta: "he" }),
    { type: "inputTranscriptDelta", delta: "he" },
  );
  assert.deepEqual(
    one("v2", { type: "conversation.item.input_audio_transcription.completed", transcript: "hey" }),
    { type: "inputTranscriptDone", text: "hey" },
  );
  for (const type of ["response.output_text.delta", "response.output_audio_transcript.delta"]) {
    assert.deepEqual(one("v2", { type, delta: "x" }), {
      type: "outputTranscriptDelta",
      delta: "x",
    });
  }
  assert.deepEqual(one("v2", { type: "response.output_text.done", text: "t" }), {
    type: "outputTranscriptDone",
    text: "t",
  });
  assert.deepEqual(one("v2", { type: "response.output_audio_transcript.done", transcript: "t" }), {
    type: "outputTranscriptDone",
    text: "t",
  });
  assert.deepEqual(one("v2", { type: "input_audio_buffer.speech_started", item_id: "i" }), {
    type: "inputAudioSpeechStarted",
    itemId: "i",
  });
  for (const type of ["conversation.item.added", "conversation.item.created"]) {
    assert.deepEqual(one("v2", { type, item: { id: "i", type: "message" } }), {
      type: "conversationItemAdded",
      item: { id: "i", type: "message" },
    });
  }
  assert.deepEqual(one("v2", { type: "response.created", response: { id: "r1" } }), {
    type: "responseCreated",
    responseId: "r1",
  });
  assert.deepEqual(one("v2", { type: "response.cancelled", response_id: "r2" }), {
    type: "responseCancelled",
    responseId: "r2",
  });
  assert.deepEqual(one("v2", { type: "response.done" }), { type: "responseDone" });
});

Deno.test("v2 conversation.item.done: background_agent → handoff, remain_silent → noop, else item done", () => {
  const call = (name: string, args: string, extra: Record<string, unknown> = {}) => ({
    type: "conversation.item.done",
    item: { type: "function_call", name, arguments: args, ...extra },
  });
  assert.deepEqual(
    one(
      "v2",
      call("background_agent", '{"prompt":"  fix it  "}', { id: "item_1", call_id: "call_1" }),
    ),
    {
      type: "handoffRequested",
      handoffId: "call_1",
      itemId: "item_1",
      inputTranscript: "fix it",
      activeTranscript: [{ role: "user", text: "fix it" }],
    },
  );
  // call id falls back to the item id, and the input to the raw arguments.
  const fallback = one("v2", call("background_agent", "not json", { id: "item_2" }));
  assert.equal(fallback?.type, "handoffRequested");
  if (fallback?.type === "handoffRequested") {
    assert.equal(fallback.handoffId, "item_2");
    assert.equal(fallback.inputTranscript, "not json");
  }
  const keys = one("v2", call("background_agent", '{"text":"","query":"q"}', { call_id: "c" }));
  assert.equal(keys?.type === "handoffRequested" && keys.inputTranscript, "q");
  assert.equal(keys?.type === "handoffRequested" && keys.itemId, "c");
  assert.deepEqual(one("v2", call("remain_silent", "{}", { id: "item_3", call_id: "call_3" })), {
    type: "noopRequested",
    callId: "call_3",
    itemId: "item_3",
  });
  assert.deepEqual(
    one("v2", { type: "conversation.item.done", item: { id: "m1", type: "message" } }),
    {
      type: "conversationItemDone",
      itemId: "m1",
      item: { id: "m1", type: "message" },
    },
  );
});

Deno.test("v2 tolerant rules: non-JSON, no type, unknown types and missing fields are dropped", () => {
  const parser = new RealtimeEventParser("v2");
  assert.equal(parser.parse("{not json").dropped, "notJson");
  assert.equal(parser.parse("[1,2]").dropped, "noType");
  assert.equal(parser.parse('{"type":7}').dropped, "noType");
  assert.equal(
    parser.parse('{"type":"session.created","session":{"id":"s"}}').dropped,
    "unknownType",
  );
  assert.equal(
    parser.parse('{"type":"conversation.output_audio.delta","delta":"x"}').dropped,
    "unknownType",
  );
  assert.equal(parser.parse('{"type":"session.updated","session":{}}').dropped, "missingFields");
  assert.equal(parser.parse('{"type":"response.output_audio.delta"}').dropped, "missingFields");
  assert.equal(
    parser.parse('{"type":"response.output_text.delta","delta":5}').dropped,
    "missingFields",
  );
  assert.equal(
    parser.parse('{"type":"conversation.item.done","item":{}}').dropped,
    "missingFields",
  );
  assert.equal(parser.parse('{"type":"error"}').dropped, "missingFields");
  // Parsing goes on after drops.
  assert.equal(parser.parse('{"type":"response.done"}').event?.type, "responseDone");
});

Deno.test("error messages: top-level message, else error.message, else the error as JSON", () => {
  assert.deepEqual(one("v2", { type: "error", message: "top" }), { type: "error", message: "top" });
  assert.deepEqual(one("v1", { type: "error", error: { message: "nested" } }), {
    type: "error",
    message: "nested",
  });
  assert.deepEqual(one("v3", { type: "error", error: { code: "x" } }), {
    type: "error",
    message: '{"code":"x"}',
  });
  assert.deepEqual(one("codex-session-create", { type: "error", error: "plain" }), {
    type: "error",
    message: '"plain"',
  });
});

Deno.test("v1 mapping: quicksilver names, audio rate and channels required", () => {
  assert.deepEqual(
    one("v1", {
      type: "conversation.output_audio.delta",
      data: "AAA=",
      sample_rate: 48000,
      num_channels: 2,
    }),
    { type: "audioOut", data: "AAA=", sampleRate: 48000, numChannels: 2 },
  );
  assert.equal(
    one("v1", { type: "conversation.output_audio.delta", delta: "AAA=", sample_rate: 48000 }),
    undefined,
  );
  assert.equal(
    one("v1", { type: "conversation.output_audio.delta", delta: "AAA=", channels: 1 }),
    undefined,
  );
  for (
    const type of [
      "conversation.input_transcript.delta",
      "conversation.item.input_audio_transcription.delta",
    ]
  ) {
    assert.deepEqual(one("v1", { type, delta: "a" }), { type: "inputTranscriptDelta", delta: "a" });
  }
  for (
    const type of [
      "conversation.item.input_audio_transcription.completed",
      "conversation.input_transcript.turn_marked",
    ]
  ) {
    assert.deepEqual(one("v1", { type, transcript: "a" }), {
      type: "inputTranscriptDone",
      text: "a",
    });
  }
  for (
    const type of [
      "conversation.output_transcript.delta",
      "response.output_text.delta",
      "response.output_audio_transcript.delta",
    ]
  ) {
    assert.deepEqual(one("v1", { type, delta: "b" }), {
      type: "outputTranscriptDelta",
      delta: "b",
    });
  }
  assert.deepEqual(one("v1", { type: "response.output_audio_transcript.done", transcript: "b" }), {
    type: "outputTranscriptDone",
    text: "b",
  });
  assert.deepEqual(one("v1", { type: "conversation.item.done", item: { id: "i" } }), {
    type: "conversationItemDone",
    itemId: "i",
    item: { id: "i" },
  });
  assert.deepEqual(
    one("v1", {
      type: "conversation.handoff.requested",
      handoff_id: "h",
      item_id: "i",
      input_transcript: "go",
    }),
    {
      type: "handoffRequested",
      handoffId: "h",
      itemId: "i",
      inputTranscript: "go",
      activeTranscript: [{ role: "user", text: "go" }],
    },
  );
  assert.equal(
    one("v1", { type: "conversation.handoff.requested", handoff_id: "h", item_id: "i" }),
    undefined,
  );
  // A v1 server's response.created is not a v1 event.
  assert.equal(
    new RealtimeEventParser("v1").parse('{"type":"response.created"}').dropped,
    "unknownType",
  );
});

Deno.test("v3 mapping: frameless names", () => {
  assert.deepEqual(one("v3", { type: "session.started", session: { id: "sess_3" } }), {
    type: "sessionUpdated",
    realtimeSessionId: "sess_3",
  });
  assert.deepEqual(one("v3", { type: "output_audio.delta", audio: "AAA=" }), {
    type: "audioOut",
    data: "AAA=",
    sampleRate: 24000,
    numChannels: 1,
  });
  assert.deepEqual(one("v3", { type: "input_transcript.added", item: { text: "hi" } }), {
    type: "inputTranscriptDelta",
    delta: "hi",
  });
  assert.deepEqual(one("v3", { type: "output_transcript.added", item: { text: "yo" } }), {
    type: "outputTranscriptDelta",
    delta: "yo",
  });
  assert.deepEqual(
    one("v3", { type: "turn.done", turn: { role: "user", transcript: "hi there" } }),
    {
      type: "inputTranscriptDone",
      text: "hi there",
    },
  );
  assert.deepEqual(
    one("v3", { type: "turn.done", turn: { role: "assistant", transcript: "yo" } }),
    {
      type: "outputTranscriptDone",
      text: "yo",
    },
  );
  assert.deepEqual(
    one("v3", {
      type: "delegation.created",
      item: {
        type: "delegation",
        target: "client",
        id: "del_1",
        content: [{ type: "input_text", text: "run the " }, { type: "input_text", text: "tests" }],
      },
    }),
    {
      type: "handoffRequested",
      handoffId: "del_1",
      itemId: "del_1",
      inputTranscript: "run the tests",
      activeTranscript: [{ role: "user", text: "run the tests" }],
    },
  );
  assert.equal(
    one("v3", { type: "delegation.created", item: { id: "d", target: "server" } }),
    undefined,
  );
  assert.equal(one("v3", { type: "output_audio.delta" }), undefined);
  assert.equal(
    new RealtimeEventParser("v3").parse('{"type":"input_audio_buffer.speech_started"}').dropped,
    "unknownType",
  );
});

Deno.test("codex-session-create mapping: session.created, legacy audio, then today's names", () => {
  const [created, updated, audio, text] = events("codex-session-create", [
    { type: "session.created", session: { id: "sess_mock" } },
    { type: "session.updated", session: { backend_prompt: "prompt" } },
    { type: "response.output_audio.delta", delta: "AAA=", sample_rate: 24000, num_channels: 1 },
    { type: "response.output_text.delta", delta: "hi" },
  ]);
  assert.deepEqual(created, { type: "sessionCreated", realtimeSessionId: "sess_mock" });
  assert.deepEqual(updated, {
    type: "sessionUpdated",
    realtimeSessionId: "sess_mock",
    instructions: "prompt",
  });
  assert.deepEqual(audio, { type: "audioOut", data: "AAA=", sampleRate: 24000, numChannels: 1 });
  assert.deepEqual(text, { type: "outputTranscriptDelta", delta: "hi" });
  assert.deepEqual(one("codex-session-create", { type: "session.created", session_id: "top" }), {
    type: "sessionCreated",
    realtimeSessionId: "top",
  });
  assert.equal(one("codex-session-create", { type: "session.updated", session: {} }), undefined);
});

Deno.test("active transcript: the e2e handoff sequence gives user then assistant", () => {
  const out = events("v2", [
    { type: "conversation.item.input_audio_transcription.completed", transcript: "delegate now" },
    { type: "response.output_audio_transcript.delta", delta: "secret context" },
    { type: "conversation.item.created", item: { type: "message", role: "user" } },
    {
      type: "conversation.item.done",
      item: {
        type: "function_call",
        name: "background_agent",
        id: "item_123",
        call_id: "call_123",
        arguments: '{"prompt":"delegate now"}',
      },
    },
  ]);
  assert.deepEqual(out.map((event) => event?.type), [
    "inputTranscriptDone",
    "outputTranscriptDelta",
    "conversationItemAdded",
    "handoffRequested",
  ]);
  assert.deepEqual(out[3], {
    type: "handoffRequested",
    handoffId: "call_123",
    itemId: "item_123",
    inputTranscript: "delegate now",
    activeTranscript: [
      { role: "user", text: "delegate now" },
      { role: "assistant", text: "secret context" },
    ],
  });
});

Deno.test("active transcript: new entries per side, slices per handoff, done replaces", () => {
  const handoff = (id: string, input: string) => ({
    type: "conversation.handoff.requested",
    handoff_id: id,
    item_id: id,
    input_transcript: input,
  });
  const out = events("v1", [
    { type: "conversation.output_transcript.delta", delta: "assistant context" },
    { type: "conversation.input_transcript.delta", delta: "delegated query" },
    { type: "conversation.output_transcript.delta", delta: "assist confirm" },
    handoff("h1", "ignored"),
    { type: "conversation.input_transcript.delta", delta: "sec" },
    { type: "conversation.input_transcript.delta", delta: "ond" },
    { type: "conversation.item.input_audio_transcription.completed", transcript: "second!" },
    handoff("h2", "second!"),
  ]);
  const first = out[3];
  const second = out[7];
  assert.ok(first?.type === "handoffRequested" && second?.type === "handoffRequested");
  assert.deepEqual(first.activeTranscript, [
    { role: "assistant", text: "assistant context" },
    { role: "user", text: "delegated query" },
    { role: "assistant", text: "assist confirm" },
    { role: "user", text: "ignored" },
  ]);
  assert.deepEqual(second.activeTranscript, [{ role: "user", text: "second!" }]);
});

Deno.test("active transcript keeps only its last 8 KiB", () => {
  const big = "a".repeat(6000);
  const out = events("v2", [
    { type: "response.output_text.delta", delta: big },
    { type: "conversation.item.input_audio_transcription.delta", delta: "b".repeat(6000) },
    {
      type: "conversation.item.done",
      item: { type: "function_call", name: "background_agent", call_id: "c", arguments: "{}" },
    },
  ]);
  const handoff = out[2];
  assert.ok(handoff?.type === "handoffRequested");
  const total = handoff.activeTranscript.reduce((sum, entry) => sum + entry.text.length, 0);
  assert.equal(total, 8192);
  assert.equal(handoff.activeTranscript.at(-1)?.text, "{}");
});

Deno.test("active transcript: the 8 KiB are UTF-8 bytes, and the cut never splits a character", () => {
  const out = events("v2", [
    // 3,000 × "é" (2 bytes) + 1,000 × "😀" (4 bytes, two UTF-16 units): 10,000 bytes.
    { type: "response.output_text.delta", delta: "é".repeat(3000) + "😀".repeat(1000) },
    {
      type: "conversation.item.done",
      item: { type: "function_call", name: "background_agent", call_id: "c", arguments: "{}" },
    },
  ]);
  const handoff = out[1];
  assert.ok(handoff?.type === "handoffRequested");
  const encoder = new TextEncoder();
  const bytes = handoff.activeTranscript.reduce(
    (sum, entry) => sum + encoder.encode(entry.text).length,
    0,
  );
  assert.ok(bytes <= 8192 && bytes > 8192 - 4, String(bytes));
  const assistant = handoff.activeTranscript[0].text;
  assert.ok(assistant.endsWith("😀".repeat(1000)));
  assert.match(assistant, /^é+😀+$/u);
  assert.equal(assistant.isWellFormed(), true);
});
