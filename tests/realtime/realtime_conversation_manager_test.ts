import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import {
  type RealtimeConversationEvent,
  RealtimeConversationManager,
} from "../../lib/realtime/realtime_conversation_manager.ts";
import type { RealtimeDialect } from "../../lib/realtime/realtime_dialect.ts";
import {
  type RealtimeMockScript,
  startRealtimeMockServer,
} from "../../lib/testing/realtime_mock_server.ts";
import { nextWithin } from "./_realtime_helpers.ts";

/** Reads events until one matches. */
async function until(
  manager: RealtimeConversationManager,
  match: (event: RealtimeConversationEvent) => boolean,
): Promise<RealtimeConversationEvent[]> {
  const seen: RealtimeConversationEvent[] = [];
  while (true) {
    const event = await nextWithin(manager);
    if (event === undefined) throw new Error("The manager ended");
    seen.push(event);
    if (match(event)) return seen;
  }
}

const SESSION_UPDATED = (dialect: RealtimeDialect, id = "sess_1") =>
  dialect === "v3"
    ? { type: "session.started", session: { id } }
    : dialect === "codex-session-create"
    ? { type: "session.created", session: { id } }
    : { type: "session.updated", session: { id } };

const AUDIO_OUT = (dialect: RealtimeDialect) =>
  dialect === "v1"
    ? { type: "conversation.output_audio.delta", delta: "AQID", sample_rate: 24000, channels: 1 }
    : dialect === "v3"
    ? { type: "output_audio.delta", audio: "AQID" }
    : { type: "response.output_audio.delta", delta: "AQID", sample_rate: 24000, num_channels: 1 };

const FIRST_FRAME: Record<RealtimeDialect, string> = {
  v1: "session.update",
  v2: "session.update",
  v3: "session.update",
  "codex-session-create": "session.create",
};
const AUDIO_FRAME: Record<RealtimeDialect, string> = {
  v1: "input_audio_buffer.append",
  v2: "input_audio_buffer.append",
  v3: "input_audio.append",
  "codex-session-create": "response.input_audio.delta",
};
const TEXT_FRAME: Record<RealtimeDialect, string> = {
  v1: "conversation.item.create",
  v2: "conversation.item.create",
  v3: "session.context.append",
  "codex-session-create": "conversation.item.create",
};

for (const dialect of ["v1", "v2", "v3", "codex-session-create"] as const) {
  Deno.test(`${dialect}: start, audio and text round trip, audio out, requested close`, async () => {
    await using server = await startRealtimeMockServer({
      scripts: [{
        steps: [
          { waitFor: FIRST_FRAME[dialect] },
          { send: SESSION_UPDATED(dialect) },
          { waitFor: AUDIO_FRAME[dialect] },
          { waitFor: TEXT_FRAME[dialect] },
          { send: AUDIO_OUT(dialect) },
        ],
      }],
    });
    await using manager = new RealtimeConversationManager();
    assert.equal(
      await manager.start({
        baseUrl: server.url,
        apiKey: "dummy",
        dialect,
        model: dialect === "v1" ? "realtime-test-model" : undefined,
        prompt: "backend prompt",
        sessionId: "conv_1",
      }),
      true,
    );
    assert.deepEqual(await nextWithin(manager), {
      type: "started",
      realtimeSessionId: "conv_1",
      dialect,
    });
    const sessionEvent = await nextWithin(manager);
    assert.deepEqual(
      sessionEvent,
      {
        type: "realtime",
        payload: {
          type: dialect === "codex-session-create" ? "sessionCreated" : "sessionUpdated",
          realtimeSessionId: "sess_1",
        },
      },
    );
    manager.insertAudio(new Uint8Array(960));
    await manager.insertText("hello");
    assert.deepEqual(await nextWithin(manager), {
      type: "realtime",
      payload: { type: "audioOut", data: "AQID", sampleRate: 24000, numChannels: 1 },
    });
    const mock = server.connections[0];
    assert.equal(mock.headers.get("authorization"), "Bearer dummy");
    assert.equal(mock.headers.get("x-session-id"), "conv_1");
    const expectedPath = {
      v1: "/v1/realtime?intent=quicksilver&model=realtime-test-model",
      v2: "/v1/realtime?model=gpt-realtime-1.5",
      v3: "/v1/live?model=gpt-live-1-codex",
      "codex-session-create": "/v1",
    }[dialect];
    assert.equal(mock.path, expectedPath);
    const first = mock.frames[0].json as { session: Record<string, unknown> };
    if (dialect === "codex-session-create") {
      assert.equal(first.session.backend_prompt, "backend prompt");
    } else {
      assert.equal(first.session.instructions, "backend prompt");
    }
    if (dialect === "v1") {
      assert.deepEqual(first.session.audio, {
        input: { format: { type: "audio/pcm", rate: 24000 } },
        output: { voice: "cove" },
      });
    }
    const text = mock.frames.find((frame) => frame.type === TEXT_FRAME[dialect])?.json;
    const expectedText = {
      v1: { type: "message", role: "user", content: [{ type: "input_text", text: "hello" }] },
      v2: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "[USER] hello" }],
      },
      v3: undefined,
      "codex-session-create": {
        type: "message",
        role: "user",
        content: [{ type: "text", text: "hello" }],
      },
    }[dialect];
    if (expectedText === undefined) {
      assert.deepEqual(text, {
        type: "session.context.append",
        content: [{ type: "input_text", text: "hello" }],
      });
    } else {
      assert.deepEqual((text as { item: unknown }).item, expectedText);
    }
    await manager.close();
    assert.deepEqual(await nextWithin(manager), { type: "closed", reason: "requested" });
    assert.equal(manager.running, false);
    assert.equal(manager.stats().audioFramesSent, 1);
    assert.equal(manager.stats().audioInMs, 20);
  });

  Deno.test(`${dialect}: the server closing emits closed transportClosed${dialect === "v3" ? " (v3: error)" : ""}`, async () => {
    await using server = await startRealtimeMockServer({
      scripts: [{
        steps: [{ waitFor: FIRST_FRAME[dialect] }, { send: SESSION_UPDATED(dialect) }, {
          close: 1001,
        }],
      }],
    });
    await using manager = new RealtimeConversationManager();
    await manager.start({ baseUrl: server.url, apiKey: "k", dialect });
    const events = await until(manager, (event) => event.type === "closed");
    const closed = events.at(-1);
    if (dialect === "v3") {
      // v3 treats a close other than 1000 as an error.
      assert.deepEqual(events.at(-2), {
        type: "realtime",
        payload: { type: "error", message: "Realtime websocket closed abnormally (code 1001)" },
      });
      assert.deepEqual(closed, { type: "closed", reason: "error" });
    } else {
      assert.deepEqual(closed, { type: "closed", reason: "transportClosed" });
    }
    assert.equal(manager.running, false);
    manager.insertAudio(new Uint8Array(2));
    assert.deepEqual(await nextWithin(manager), {
      type: "error",
      kind: "usage",
      message: "conversation is not running",
    });
  });
}

Deno.test("v2 defaults: model gpt-realtime-1.5, voice marin, instructions = prompt", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k", prompt: "the prompt" });
  assert.equal((await nextWithin(manager))?.type, "started");
  const [update] = await (await server.waitForConnection(0)).waitForFrame("session.update");
  const session =
    (update.json as { session: { instructions: string; audio: { output: { voice: string } } } })
      .session;
  assert.equal(server.connections[0].path, "/v1/realtime?model=gpt-realtime-1.5");
  assert.equal(session.instructions, "the prompt");
  assert.equal(session.audio.output.voice, "marin");
  assert.equal(manager.dialect, "v2");
});

Deno.test("prompt: absent gives the default prompt (+ startup context), null or empty gives empty instructions", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  await manager.start({
    baseUrl: server.url,
    apiKey: "k",
    startupContext: "<startup_context>x</startup_context>",
  });
  await manager.start({ baseUrl: server.url, apiKey: "k", prompt: null });
  await manager.start({ baseUrl: server.url, apiKey: "k", prompt: "" });
  await manager.start({
    baseUrl: server.url,
    apiKey: "k",
    prompt: "p",
    startupContext: "c",
    includeStartupContext: false,
  });
  const instructions = await Promise.all([0, 1, 2, 3].map(async (index) => {
    const [frame] = await (await server.waitForConnection(index)).waitForFrame("session.update");
    return (frame.json as { session: { instructions: string } }).session.instructions;
  }));
  assert.match(instructions[0], /^You are Codex.*\n\n<startup_context>x<\/startup_context>$/s);
  assert.deepEqual(instructions.slice(1), ["", "", "p"]);
});

Deno.test("audio and text before start emit 'conversation is not running'", async () => {
  await using manager = new RealtimeConversationManager();
  manager.insertAudio(new Uint8Array(960));
  await manager.insertText("hi");
  await manager.speak("hi");
  await manager.sendToolOutput("call", "out");
  for (let index = 0; index < 4; index++) {
    assert.deepEqual(await nextWithin(manager), {
      type: "error",
      kind: "usage",
      message: "conversation is not running",
    });
  }
});

Deno.test("preflight failure (no API key) emits only a realtime error, no closed", async () => {
  const previous = Deno.env.get("OPENAI_API_KEY");
  Deno.env.delete("OPENAI_API_KEY");
  try {
    await using server = await startRealtimeMockServer();
    await using manager = new RealtimeConversationManager();
    assert.equal(await manager.start({ baseUrl: server.url }), false);
    assert.deepEqual(await nextWithin(manager), {
      type: "realtime",
      payload: { type: "error", message: "realtime conversation requires API key auth" },
    });
    assert.equal(server.connections.length, 0);
    assert.equal(manager.running, false);
    await manager.insertText("x");
    assert.equal((await nextWithin(manager))?.type, "error");
  } finally {
    if (previous !== undefined) Deno.env.set("OPENAI_API_KEY", previous);
  }
});

Deno.test("the OPENAI_API_KEY environment variable is the fallback key", async () => {
  const previous = Deno.env.get("OPENAI_API_KEY");
  Deno.env.set("OPENAI_API_KEY", "sk-env");
  try {
    await using server = await startRealtimeMockServer();
    await using manager = new RealtimeConversationManager();
    assert.equal(await manager.start({ baseUrl: server.url }), true);
    assert.equal(server.connections[0].headers.get("authorization"), "Bearer sk-env");
  } finally {
    if (previous === undefined) Deno.env.delete("OPENAI_API_KEY");
    else Deno.env.set("OPENAI_API_KEY", previous);
  }
});

Deno.test("connect failure emits only a realtime error, no started and no closed", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  await using manager = new RealtimeConversationManager();
  assert.equal(await manager.start({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: "k" }), false);
  const event = await nextWithin(manager);
  assert.equal(event?.type, "realtime");
  assert.equal(event?.type === "realtime" && event.payload.type, "error");
  assert.match(
    event?.type === "realtime" && event.payload.type === "error" ? event.payload.message : "",
    /Cannot connect/,
  );
  await manager.insertText("x");
  assert.deepEqual(await nextWithin(manager), {
    type: "error",
    kind: "usage",
    message: "conversation is not running",
  });
});

for (const [dialect, wrong] of [["v2", "cove"], ["v1", "marin"], ["v3", "alloy"]] as const) {
  Deno.test(`${dialect}: a voice of another version is rejected in preflight`, async () => {
    await using server = await startRealtimeMockServer();
    await using manager = new RealtimeConversationManager();
    assert.equal(
      await manager.start({ baseUrl: server.url, apiKey: "k", dialect, voice: wrong }),
      false,
    );
    const event = await nextWithin(manager);
    assert.ok(event?.type === "realtime" && event.payload.type === "error");
    assert.match(event.payload.message, new RegExp(`not supported for ${dialect}`));
    assert.equal(server.connections.length, 0);
  });
}

Deno.test("explicit voices of each version are sent", async () => {
  await using server = await startRealtimeMockServer({
    defaultScript: {
      steps: [{ waitFor: "session.update" }, {
        send: { type: "session.started", session: { id: "s" } },
      }],
    },
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k", dialect: "v2", voice: "cedar" });
  await manager.start({ baseUrl: server.url, apiKey: "k", dialect: "v1", voice: "juniper" });
  await manager.start({ baseUrl: server.url, apiKey: "k", dialect: "v3", voice: "ember" });
  const voices = await Promise.all([0, 1, 2].map(async (index) => {
    const [frame] = await (await server.waitForConnection(index)).waitForFrame("session.update");
    return (frame.json as { session: { audio: { output: { voice: string } } } }).session.audio
      .output.voice;
  }));
  assert.deepEqual(voices, ["cedar", "juniper", "ember"]);
});

Deno.test("a second start replaces the first: no closed for the old one, audio goes to the new socket", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k", prompt: "old", sessionId: "s-old" });
  await manager.start({ baseUrl: server.url, apiKey: "k", prompt: "new", sessionId: "s-new" });
  assert.deepEqual(await nextWithin(manager), {
    type: "started",
    realtimeSessionId: "s-old",
    dialect: "v2",
  });
  assert.deepEqual(await nextWithin(manager), {
    type: "started",
    realtimeSessionId: "s-new",
    dialect: "v2",
  });
  manager.insertAudio(new Uint8Array(960));
  const [oldSocket, newSocket] = server.connections;
  await newSocket.waitForFrame("input_audio_buffer.append");
  assert.equal(await oldSocket.waitClosed(), 1000);
  assert.deepEqual(oldSocket.frames.map((frame) => frame.type), ["session.update"]);
  assert.equal(oldSocket.headers.get("x-session-id"), "s-old");
  assert.equal(newSocket.headers.get("x-session-id"), "s-new");
  assert.equal(
    (newSocket.frames[0].json as { session: { instructions: string } }).session.instructions,
    "new",
  );
  await manager.close();
  // Only one closed: the new conversation's.
  assert.deepEqual(await nextWithin(manager), { type: "closed", reason: "requested" });
  await manager.close();
  assert.deepEqual(await nextWithin(manager), { type: "closed", reason: "requested" });
});

Deno.test("v2 remain_silent: an empty function_call_output and no response.create", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        {
          send: {
            type: "conversation.item.done",
            item: {
              type: "function_call",
              name: "remain_silent",
              id: "item_9",
              call_id: "call_9",
              arguments: "{}",
            },
          },
        },
        { waitFor: "conversation.item.create" },
        { close: 1000 },
      ],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  const events = await until(manager, (event) => event.type === "closed");
  assert.deepEqual(
    events.map((event) => event.type === "realtime" ? event.payload.type : event.type),
    [
      "started",
      "noopRequested",
      "closed",
    ],
  );
  assert.deepEqual(server.connections[0].frames.slice(1).map((frame) => frame.json), [
    {
      type: "conversation.item.create",
      item: { type: "function_call_output", call_id: "call_9", output: "" },
    },
  ]);
});

Deno.test("v2 barge-in: speech start truncates the playing item at the summed audio_end_ms", async () => {
  const audio = (itemId: string, bytes: number) => ({
    type: "response.output_audio.delta",
    item_id: itemId,
    delta: new Uint8Array(bytes).toBase64(),
  });
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { send: audio("item_a", 960) },
        { send: audio("item_b", 960) },
        { send: audio("item_b", 1440) },
        { send: { type: "input_audio_buffer.speech_started" } },
        { send: { type: "input_audio_buffer.speech_started" } },
        { waitFor: "conversation.item.truncate" },
        { close: 1000 },
      ],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  await until(manager, (event) => event.type === "closed");
  const truncates = server.connections[0].frames.filter((frame) =>
    frame.type === "conversation.item.truncate"
  );
  assert.deepEqual(truncates.map((frame) => frame.json), [
    { type: "conversation.item.truncate", item_id: "item_b", content_index: 0, audio_end_ms: 50 },
  ]);
});

Deno.test("v2 barge-in: a speech start for another item does not truncate", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { send: { type: "response.output_audio.delta", item_id: "item_a", delta: "AAAA" } },
        { send: { type: "input_audio_buffer.speech_started", item_id: "other" } },
        { send: { type: "response.output_audio.delta", item_id: "item_a", delta: "AAAA" } },
        { send: { type: "input_audio_buffer.speech_started", item_id: "item_a" } },
        { waitFor: "conversation.item.truncate" },
        { close: 1000 },
      ],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  await until(manager, (event) => event.type === "closed");
  const truncates = server.connections[0].frames.filter((frame) =>
    frame.type === "conversation.item.truncate"
  );
  assert.equal(truncates.length, 1);
  assert.equal((truncates[0].json as { item_id: string }).item_id, "item_a");
});

Deno.test("v2 response queue: one active response, deferred create flushed on done, 'already active' tolerated", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "response.create" },
        { send: { type: "response.created", response: { id: "r1" } } },
        { waitFor: "conversation.item.create", count: 2 },
        // A race: the server refuses a create while r1 runs; it is deferred, not fatal.
        {
          send: {
            type: "error",
            error: { message: "Conversation already has an active response in progress: r1" },
          },
        },
        { delayMs: 20 },
        { send: { type: "response.done", response: { id: "r1" } } },
        { waitFor: "response.create", count: 2 },
        { close: 1000 },
      ],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  await manager.insertText("first", { respond: true });
  const mock = server.connections[0];
  await until(
    manager,
    (event) => event.type === "realtime" && event.payload.type === "responseCreated",
  );
  // r1 is active: this create waits.
  await manager.insertText("second", { respond: true });
  const events = await until(manager, (event) => event.type === "closed");
  assert.deepEqual(events.at(-1), { type: "closed", reason: "transportClosed" });
  assert.equal(
    events.some((event) => event.type === "realtime" && event.payload.type === "error"),
    false,
  );
  assert.deepEqual(mock.frames.slice(1).map((frame) => frame.type), [
    "conversation.item.create",
    "response.create",
    "conversation.item.create",
    "response.create",
  ]);
});

Deno.test("a server error is forwarded and ends the conversation with closed error", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{ steps: [{ send: { type: "error", error: { message: "boom" } } }] }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  const events = await until(manager, (event) => event.type === "closed");
  assert.deepEqual(events.slice(1), [
    { type: "realtime", payload: { type: "error", message: "boom" } },
    { type: "closed", reason: "error" },
  ]);
  assert.equal(await server.connections[0].waitClosed(), 1000);
});

Deno.test("v2 handoffs: progress as [BACKEND] items, completion ack + response, a second handoff steers", async () => {
  const handoff = (callId: string) => ({
    type: "conversation.item.done",
    item: {
      type: "function_call",
      name: "background_agent",
      id: `item_${callId}`,
      call_id: callId,
      arguments: '{"prompt":"do it"}',
    },
  });
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [{ send: handoff("call_1") }, { waitFor: "conversation.item.create" }, {
        send: handoff("call_2"),
      }],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  const [, first] = await until(
    manager,
    (event) => event.type === "realtime" && event.payload.type === "handoffRequested",
  );
  assert.ok(first.type === "realtime" && first.payload.type === "handoffRequested");
  assert.equal(first.payload.inputTranscript, "do it");
  await manager.sendToolOutput("call_1", "working on it", { progress: true });
  await until(
    manager,
    (event) => event.type === "realtime" && event.payload.type === "handoffRequested",
  );
  const mock = server.connections[0];
  await mock.waitForFrame("response.create");
  await manager.sendToolOutput("call_1", "all done");
  await mock.waitForFrame("response.create", 2);
  // Progress for a handoff that is no longer active is dropped.
  await manager.sendToolOutput("call_1", "late progress", { progress: true });
  await manager.close();
  assert.deepEqual(mock.frames.slice(1).map((frame) => frame.json), [
    {
      type: "conversation.item.create",
      item: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "[BACKEND] working on it" }],
      },
    },
    {
      type: "conversation.item.create",
      item: {
        type: "function_call_output",
        call_id: "call_2",
        output: "This was sent to steer the previous background agent task.",
      },
    },
    { type: "response.create" },
    {
      type: "conversation.item.create",
      item: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "[BACKEND] all done" }],
      },
    },
    {
      type: "conversation.item.create",
      item: {
        type: "function_call_output",
        call_id: "call_1",
        output: "Background agent finished. Use the preceding [BACKEND] messages as the result.",
      },
    },
    { type: "response.create" },
  ]);
});

Deno.test("v1 handoffs: final output prefixed, progress plain, standalone output uses codex", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [{
        send: {
          type: "conversation.handoff.requested",
          handoff_id: "h_1",
          item_id: "i_1",
          input_transcript: "go",
        },
      }],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k", dialect: "v1" });
  await until(
    manager,
    (event) => event.type === "realtime" && event.payload.type === "handoffRequested",
  );
  await manager.sendToolOutput("h_1", "step 1", { progress: true });
  await manager.sendToolOutput("h_1", "finished");
  await manager.sendToolOutput(undefined, "standalone");
  await manager.speak("say this");
  const mock = server.connections[0];
  await mock.waitForFrame("conversation.handoff.append", 4);
  assert.deepEqual(mock.frames.slice(1).map((frame) => frame.json), [
    { type: "conversation.handoff.append", handoff_id: "h_1", output_text: "step 1" },
    {
      type: "conversation.handoff.append",
      handoff_id: "h_1",
      output_text: '"Agent Final Message":\n\nfinished',
    },
    {
      type: "conversation.handoff.append",
      handoff_id: "codex",
      output_text: '"Agent Final Message":\n\nstandalone',
    },
    { type: "conversation.handoff.append", handoff_id: "codex", output_text: "say this" },
  ]);
  assert.equal(mock.frames.some((frame) => frame.type === "response.create"), false);
});

Deno.test("v3 delegation: outputs as delegation.context.append in 500-byte pieces, speech as speakable context", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "session.update" },
        { send: { type: "session.started", session: { id: "s3" } } },
        {
          send: {
            type: "delegation.created",
            item: {
              type: "delegation",
              target: "client",
              id: "del_1",
              content: [{ type: "input_text", text: "go" }],
            },
          },
        },
      ],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k", dialect: "v3" });
  await until(
    manager,
    (event) => event.type === "realtime" && event.payload.type === "handoffRequested",
  );
  await manager.sendToolOutput("del_1", "thinking", { progress: true });
  await manager.sendToolOutput("del_1", "é".repeat(300));
  await manager.speak("hello");
  await manager.insertText("note", { role: "developer" });
  const mock = server.connections[0];
  await mock.waitForFrame("session.context.append", 2);
  const sent = mock.frames.slice(1).map((frame) => frame.json as Record<string, unknown>);
  assert.deepEqual(sent[0], {
    type: "delegation.context.append",
    delegation_item_id: "del_1",
    content: [{ type: "input_text", text: "thinking" }],
    channel: "commentary",
  });
  // 300 two-byte characters: 250 + 50.
  assert.deepEqual(
    sent.slice(1, 3).map((message) => (message.content as { text: string }[])[0].text.length),
    [250, 50],
  );
  assert.equal(sent[1].channel, "speakable");
  assert.deepEqual(sent[3], {
    type: "session.context.append",
    channel: "speakable",
    content: [{ type: "input_text", text: "hello" }],
  });
  assert.deepEqual(sent[4], {
    type: "session.context.append",
    content: [{ type: "input_text", text: "note" }],
  });
  await manager.close();
  await mock.waitClosed();
  assert.equal(mock.frames.at(-1)?.type, "session.close");
});

Deno.test("text roles: developer and assistant items on v2 (no [USER] prefix), speak asks for a response", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  await manager.insertText("ctx", { role: "developer" });
  await manager.insertText("said before", { role: "assistant" });
  await manager.insertText("[USER] already prefixed");
  await manager.speak("announce");
  const mock = server.connections[0];
  await mock.waitForFrame("response.create");
  assert.deepEqual(mock.frames.slice(1).map((frame) => frame.json), [
    {
      type: "conversation.item.create",
      item: { type: "message", role: "developer", content: [{ type: "input_text", text: "ctx" }] },
    },
    {
      type: "conversation.item.create",
      item: {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "said before" }],
      },
    },
    {
      type: "conversation.item.create",
      item: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "[USER] already prefixed" }],
      },
    },
    {
      type: "conversation.item.create",
      item: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "[USER] announce" }],
      },
    },
    { type: "response.create" },
  ]);
});

Deno.test("the audio queue holds 256 frames and counts the frames it drops", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  // Synchronous inserts: the writer cannot run in between, so frames past 256 are dropped.
  for (let index = 0; index < 300; index++) manager.insertAudio(new Uint8Array(960));
  assert.equal(manager.stats().audioFramesDropped, 44);
  const mock = server.connections[0];
  await mock.waitForFrame("input_audio_buffer.append", 256);
  assert.equal(manager.stats().audioFramesSent, 256);
  assert.throws(() => manager.insertAudio(new Uint8Array(3)), /odd number of bytes/);
});

Deno.test("base64 audio of an odd number of bytes is refused like odd bytes, and nothing is sent", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  const isAudio = (error: unknown) => error instanceof CodexWireError && error.kind === "audio";
  // "AQ==" is one byte, "AQID" three, "AQIDBA" (unpadded) four.
  assert.throws(() => manager.insertAudio("AQ=="), isAudio);
  assert.throws(() => manager.insertAudio("AQID"), isAudio);
  assert.throws(() => manager.insertAudio("A"), isAudio);
  manager.insertAudio("AQIDBA");
  const mock = server.connections[0];
  const [append] = await mock.waitForFrame("input_audio_buffer.append");
  assert.deepEqual(append.json, { type: "input_audio_buffer.append", audio: "AQIDBA" });
  await manager.close();
  assert.deepEqual(mock.frames.map((frame) => frame.type), [
    "session.update",
    "input_audio_buffer.append",
  ]);
  assert.equal(manager.stats().audioFramesSent, 1);
});

Deno.test("the text queue holds 64 items and makes insertText wait, losing nothing", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  await Promise.all(Array.from({ length: 200 }, (_, index) => manager.insertText(`t${index}`)));
  const mock = server.connections[0];
  const frames = await mock.waitForFrame("conversation.item.create", 200);
  assert.deepEqual(
    frames.map((frame) =>
      (frame.json as { item: { content: { text: string }[] } }).item.content[0].text
    ),
    Array.from({ length: 200 }, (_, index) => `[USER] t${index}`),
  );
});

Deno.test("scripts are per connection: a refused second connection does not disturb the first", async () => {
  const scripts: RealtimeMockScript[] = [{}, { rejectStatus: 503 }];
  await using server = await startRealtimeMockServer({ scripts });
  await using manager = new RealtimeConversationManager();
  assert.equal(await manager.start({ baseUrl: server.url, apiKey: "k" }), true);
  assert.equal(await manager.start({ baseUrl: server.url, apiKey: "k" }), false);
  const events = [await nextWithin(manager), await nextWithin(manager)];
  assert.equal(events[0]?.type, "started");
  assert.ok(events[1]?.type === "realtime" && events[1].payload.type === "error");
  assert.match(events[1].payload.message, /HTTP 503/);
  assert.equal(manager.running, false);
});

Deno.test("v2: a create refused as 'already active' is deferred until the running response ends", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "response.create" },
        {
          send: {
            type: "error",
            error: { message: "Conversation already has an active response in progress: resp_x" },
          },
        },
        { send: { type: "response.cancelled", response: { id: "resp_x" } } },
        { waitFor: "response.create", count: 2 },
        { close: 1000 },
      ],
    }],
  });
  await using manager = new RealtimeConversationManager();
  await manager.start({ baseUrl: server.url, apiKey: "k" });
  await manager.insertText("hi", { respond: true });
  const events = await until(manager, (event) => event.type === "closed");
  assert.deepEqual(events.at(-1), { type: "closed", reason: "transportClosed" });
  assert.deepEqual(
    events.filter((event) => event.type === "realtime").map((event) =>
      event.type === "realtime" && event.payload.type
    ),
    ["responseCancelled"],
  );
  assert.deepEqual(server.connections[0].frames.slice(1).map((frame) => frame.type), [
    "conversation.item.create",
    "response.create",
    "response.create",
  ]);
  assert.equal(manager.lastError, undefined);
});

Deno.test("lastError keeps the kind of a failed start and of a server error", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{ rejectStatus: 500 }, { steps: [{ send: { type: "error", message: "boom" } }] }],
  });
  await using manager = new RealtimeConversationManager();
  assert.equal(await manager.start({ baseUrl: server.url, apiKey: "k" }), false);
  assert.equal(manager.lastError?.kind, "http");
  assert.equal(manager.lastError?.status, 500);
  assert.equal(await manager.start({ baseUrl: server.url, apiKey: "k", voice: "cove" }), false);
  assert.equal(manager.lastError?.kind, "usage");
  assert.equal(await manager.start({ baseUrl: server.url, apiKey: "k" }), true);
  await until(manager, (event) => event.type === "closed");
  assert.equal(manager.lastError?.kind, "stream");
  assert.equal(manager.lastError?.message, "boom");
});

Deno.test("a start that fails its preflight leaves a start still connecting alone", async () => {
  await using server = await startRealtimeMockServer();
  await using manager = new RealtimeConversationManager();
  const first = manager.start({ baseUrl: server.url, apiKey: "k", sessionId: "s-1" });
  // Refused before anything is replaced: the first start goes on.
  assert.equal(await manager.start({ baseUrl: server.url, apiKey: "k", voice: "cove" }), false);
  assert.equal(await first, true);
  const events = [await nextWithin(manager), await nextWithin(manager)];
  assert.equal(events[0]?.type, "realtime");
  assert.deepEqual(events[1], { type: "started", realtimeSessionId: "s-1", dialect: "v2" });
  assert.equal(manager.running, true);
  assert.equal(server.connections.length, 1);
});
