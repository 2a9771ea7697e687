import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { connectRealtime } from "../../lib/realtime/realtime_connection.ts";
import {
  functionCallOutputMessage,
  handoffAppendMessage,
} from "../../lib/realtime/realtime_client_messages.ts";
import { startRealtimeMockServer } from "../../lib/testing/realtime_mock_server.ts";
import { drain, nextWithin, sessionUpdatedFrame } from "./_realtime_helpers.ts";

Deno.test("v1: session.update first, then audio; output audio at 48 kHz keeps samplesPerChannel absent", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "session.update" },
        { send: sessionUpdatedFrame("sess_1", "backend prompt") },
        { waitFor: "input_audio_buffer.append" },
        {
          send: {
            type: "conversation.output_audio.delta",
            delta: "AQID",
            sample_rate: 48000,
            channels: 1,
          },
        },
      ],
    }],
  });
  await using connection = await connectRealtime({
    baseUrl: server.url,
    apiKey: "dummy",
    dialect: "v1",
    model: "realtime-test-model",
    sessionId: "conv_1",
    session: { instructions: "backend prompt" },
  });
  assert.deepEqual(await nextWithin(connection), {
    type: "sessionUpdated",
    realtimeSessionId: "sess_1",
    instructions: "backend prompt",
  });
  await connection.appendAudio(new Uint8Array(960));
  assert.deepEqual(await nextWithin(connection), {
    type: "audioOut",
    data: "AQID",
    sampleRate: 48000,
    numChannels: 1,
  });
  const mock = server.connections[0];
  assert.equal(mock.path, "/v1/realtime?intent=quicksilver&model=realtime-test-model");
  assert.equal(mock.headers.get("authorization"), "Bearer dummy");
  assert.equal(mock.headers.get("x-session-id"), "conv_1");
  assert.equal(mock.headers.get("openai-alpha"), "quicksilver=v1");
  assert.deepEqual(mock.frames.map((frame) => frame.type), [
    "session.update",
    "input_audio_buffer.append",
  ]);
  assert.deepEqual(mock.frames[0].json, {
    type: "session.update",
    session: {
      type: "quicksilver",
      instructions: "backend prompt",
      audio: { input: { format: { type: "audio/pcm", rate: 24000 } }, output: { voice: "cove" } },
    },
  });
});

Deno.test("v2: defaults to model gpt-realtime-1.5, voice marin, tools and server VAD", async () => {
  await using server = await startRealtimeMockServer();
  await using connection = await connectRealtime({
    baseUrl: server.url,
    apiKey: "dummy",
    session: { instructions: "prompt", startupContext: "ctx" },
  });
  const mock = await server.waitForConnection(0);
  const [update] = await mock.waitForFrame("session.update");
  assert.equal(connection.dialect, "v2");
  assert.equal(mock.path, "/v1/realtime?model=gpt-realtime-1.5");
  assert.equal(mock.headers.get("openai-alpha"), null);
  const session = (update.json as { session: Record<string, unknown> }).session;
  assert.equal(session.type, "realtime");
  assert.equal(session.instructions, "prompt\n\nctx");
  assert.deepEqual(session.output_modalities, ["audio"]);
  assert.deepEqual(session.audio, {
    input: {
      format: { type: "audio/pcm", rate: 24000 },
      noise_reduction: { type: "near_field" },
      transcription: { model: "gpt-4o-mini-transcribe" },
      turn_detection: {
        type: "server_vad",
        interrupt_response: true,
        create_response: true,
        silence_duration_ms: 500,
      },
    },
    output: { format: { type: "audio/pcm", rate: 24000 }, voice: "marin" },
  });
  assert.deepEqual(
    (session.tools as { name: string }[]).map((tool) => tool.name),
    ["background_agent", "remain_silent"],
  );
  assert.equal(session.tool_choice, "auto");
  assert.equal("id" in session || "model" in session, false);
});

Deno.test("v2 text output and transcription mode; v1 treats transcription as conversational", async () => {
  await using server = await startRealtimeMockServer();
  for (
    const [dialect, session] of [
      ["v2", { outputModality: "text" }],
      ["v2", { mode: "transcription" }],
      ["v1", { mode: "transcription", instructions: "p" }],
    ] as const
  ) {
    await using _connection = await connectRealtime({
      baseUrl: server.url,
      apiKey: "k",
      dialect,
      session,
    });
  }
  const updates = await Promise.all(
    [0, 1, 2].map(async (index) =>
      (await (await server.waitForConnection(index)).waitForFrame("session.update"))[0].json
    ),
  );
  assert.deepEqual(
    (updates[0] as { session: { output_modalities: string[] } }).session.output_modalities,
    [
      "text",
    ],
  );
  assert.deepEqual(updates[1], {
    type: "session.update",
    session: {
      type: "transcription",
      audio: {
        input: {
          format: { type: "audio/pcm", rate: 24000 },
          transcription: { model: "gpt-4o-mini-transcribe" },
        },
      },
    },
  });
  assert.equal((updates[2] as { session: { type: string } }).session.type, "quicksilver");
});

Deno.test("text output outside v2 and a voice of the wrong version fail before connecting", async () => {
  await using server = await startRealtimeMockServer();
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, dialect: "v1", session: { outputModality: "text" } }),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "usage" &&
      /requires realtime v2/.test(error.message),
  );
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, dialect: "v2", session: { voice: "cove" } }),
    /not supported for v2/,
  );
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, dialect: "v1", session: { voice: "marin" } }),
    /not supported for v1/,
  );
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, dialect: "v3", session: { voice: "alloy" } }),
    /not supported for v3/,
  );
  assert.equal(server.connections.length, 0);
});

Deno.test("a send completes while a read is outstanding; the read then gets the later event", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [{ waitFor: "input_audio_buffer.append" }, { send: sessionUpdatedFrame("sess_late") }],
    }],
  });
  await using connection = await connectRealtime({ baseUrl: server.url, apiKey: "k" });
  const pending = connection.next();
  let settled = false;
  pending.then(() => settled = true);
  await connection.appendAudio(new Uint8Array(960));
  assert.equal(settled, false);
  assert.deepEqual(await pending, { type: "sessionUpdated", realtimeSessionId: "sess_late" });
});

Deno.test("after a server close the iteration ends, and stays ended; sends then fail", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{ steps: [{ send: sessionUpdatedFrame() }, { close: 1000 }] }],
  });
  await using connection = await connectRealtime({ baseUrl: server.url, apiKey: "k" });
  assert.deepEqual(await drain(connection), [{
    type: "sessionUpdated",
    realtimeSessionId: "sess_1",
  }]);
  assert.equal(await nextWithin(connection), undefined);
  assert.equal(await nextWithin(connection), undefined);
  await assert.rejects(
    connection.sendText("late"),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "stream" &&
      error.message === "Realtime websocket connection is closed",
  );
  await connection.close();
  await connection.close();
});

Deno.test("unknown, non-JSON and incomplete frames are skipped; the next known event is returned", async () => {
  const dropped: string[] = [];
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { send: { type: "response.created" } },
        { send: "not json" },
        { send: { type: "brand.new.event", x: 1 } },
        { send: { type: "session.updated", session: {} } },
        { send: sessionUpdatedFrame("sess_2") },
        { close: 1000 },
      ],
    }],
  });
  await using connection = await connectRealtime({
    baseUrl: server.url,
    apiKey: "k",
    dialect: "v1",
    onDroppedFrame: (_text, reason) => dropped.push(reason),
  });
  assert.deepEqual(await drain(connection), [{
    type: "sessionUpdated",
    realtimeSessionId: "sess_2",
  }]);
  assert.deepEqual(dropped, ["unknownType", "notJson", "unknownType", "missingFields"]);
});

Deno.test("v2 e2e: handoff requested with the active transcript", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        {
          send: {
            type: "conversation.item.input_audio_transcription.completed",
            transcript: "delegate now",
          },
        },
        { send: { type: "response.output_audio_transcript.delta", delta: "secret context" } },
        { send: { type: "conversation.item.created", item: { type: "message", role: "user" } } },
        {
          send: {
            type: "conversation.item.done",
            item: {
              type: "function_call",
              name: "background_agent",
              id: "item_123",
              call_id: "call_123",
              arguments: '{"input_transcript":"delegate now"}',
            },
          },
        },
        { close: 1000 },
      ],
    }],
  });
  await using connection = await connectRealtime({ baseUrl: server.url, apiKey: "k" });
  const events = await drain(connection);
  assert.deepEqual(events.map((event) => event.type), [
    "inputTranscriptDone",
    "outputTranscriptDelta",
    "conversationItemAdded",
    "handoffRequested",
  ]);
  assert.deepEqual(events[3], {
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

Deno.test("a binary frame becomes an error event and reading goes on", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [{ sendBinary: new Uint8Array([1, 2]) }, { send: sessionUpdatedFrame() }, {
        close: 1000,
      }],
    }],
  });
  await using connection = await connectRealtime({ baseUrl: server.url, apiKey: "k" });
  assert.deepEqual(await drain(connection), [
    { type: "error", message: "Unexpected binary realtime websocket event" },
    { type: "sessionUpdated", realtimeSessionId: "sess_1" },
  ]);
});

Deno.test("codex-session-create: session.create with the prompt and conversation id, legacy audio and text", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "session.create" },
        { send: { type: "session.created", session: { id: "sess_mock" } } },
        { waitFor: "conversation.item.create" },
        {
          send: {
            type: "response.output_audio.delta",
            delta: "AQID",
            sample_rate: 24000,
            num_channels: 1,
          },
        },
        { waitFor: "session.update" },
        { close: 1000 },
      ],
    }],
  });
  await using connection = await connectRealtime({
    baseUrl: server.url,
    apiKey: "k",
    dialect: "codex-session-create",
    session: { instructions: "backend prompt", conversationId: "conv_123" },
  });
  await connection.appendAudio(new Uint8Array(960), { samplesPerChannel: 480 });
  await connection.sendText("hello");
  await connection.updateSession({ backend_prompt: "new prompt" });
  assert.deepEqual(await drain(connection), [
    { type: "sessionCreated", realtimeSessionId: "sess_mock" },
    { type: "audioOut", data: "AQID", sampleRate: 24000, numChannels: 1 },
  ]);
  const mock = server.connections[0];
  // The legacy builder keeps a non-empty path as it is.
  assert.equal(mock.path, "/v1");
  assert.deepEqual(mock.frames.map((frame) => frame.json), [
    {
      type: "session.create",
      session: { backend_prompt: "backend prompt", conversation_id: "conv_123" },
    },
    {
      type: "response.input_audio.delta",
      delta: new Uint8Array(960).toBase64(),
      sample_rate: 24000,
      num_channels: 1,
      samples_per_channel: 480,
    },
    {
      type: "conversation.item.create",
      item: { type: "message", role: "user", content: [{ type: "text", text: "hello" }] },
    },
    { type: "session.update", session: { backend_prompt: "new prompt" } },
  ]);
});

Deno.test("v3: session.update, waits for session.started, input_audio.append, session.close before closing", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "session.update" },
        { delayMs: 20 },
        { send: { type: "session.started", session: { id: "sess_v3" } } },
        { waitFor: "input_audio.append" },
        { send: { type: "output_audio.delta", audio: "AQID" } },
        { send: { type: "turn.done", turn: { role: "assistant", transcript: "ok" } } },
      ],
    }],
  });
  const connection = await connectRealtime({
    baseUrl: server.url,
    apiKey: "k",
    dialect: "v3",
    session: { instructions: "p", initialItems: [{ role: "assistant", text: "hello" }] },
  });
  const mock = server.connections[0];
  // connect returned only after session.started arrived.
  assert.deepEqual(await nextWithin(connection), {
    type: "sessionUpdated",
    realtimeSessionId: "sess_v3",
  });
  await connection.appendAudio(new Uint8Array(4));
  assert.deepEqual(await nextWithin(connection), {
    type: "audioOut",
    data: "AQID",
    sampleRate: 24000,
    numChannels: 1,
  });
  assert.deepEqual(await nextWithin(connection), { type: "outputTranscriptDone", text: "ok" });
  await connection.close();
  assert.equal(await mock.waitClosed(), 1000);
  assert.equal(mock.path, "/v1/live?model=gpt-live-1-codex");
  assert.equal(mock.headers.get("openai-alpha"), "quicksilver=v2");
  assert.deepEqual(mock.frames.map((frame) => frame.type), [
    "session.update",
    "input_audio.append",
    "session.close",
  ]);
  assert.deepEqual(mock.frames[0].json, {
    type: "session.update",
    session: {
      instructions: "p",
      audio: { output: { voice: "cove" } },
      delegation: { type: "client" },
      initial_items: [{
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "hello" }],
      }],
    },
  });
});

Deno.test("v3: a first event other than session.started fails the connect", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [{ waitFor: "session.update" }, {
        send: { type: "output_audio.delta", audio: "AA==" },
      }],
    }],
  });
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, apiKey: "k", dialect: "v3" }),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "stream" &&
      error.message ===
        'Realtime v3 session did not start: expected session.started, got "audioOut"',
  );
  assert.equal(await server.connections[0].waitClosed(), 1000);
});

Deno.test("v3: an abnormal server close is an error event; v2 ends quietly", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [
      {
        steps: [{ send: { type: "session.started", session: { id: "s" } } }, {
          close: 4001,
          reason: "gone",
        }],
      },
      { steps: [{ waitFor: "session.update" }, { close: 4001, reason: "gone" }] },
    ],
  });
  await using v3 = await connectRealtime({ baseUrl: server.url, apiKey: "k", dialect: "v3" });
  assert.deepEqual(await drain(v3), [
    { type: "sessionUpdated", realtimeSessionId: "s" },
    { type: "error", message: "Realtime websocket closed abnormally (code 4001: gone)" },
  ]);
  await using v2 = await connectRealtime({ baseUrl: server.url, apiKey: "k" });
  assert.deepEqual(await drain(v2), []);
  assert.equal(v2.closeCode, 4001);
});

Deno.test("a refused upgrade is an http error with the status", async () => {
  await using server = await startRealtimeMockServer({ scripts: [{ rejectStatus: 401 }] });
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, apiKey: "k" }),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "http" && error.status === 401 &&
      error.message === "Realtime websocket handshake failed: the server answered HTTP 401",
  );
});

Deno.test("an unreachable server and one that closes during the handshake are network errors", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const served = (async () => {
    const connection = await listener.accept();
    await connection.read(new Uint8Array(4096));
    connection.close();
  })();
  await assert.rejects(
    connectRealtime({ url: `ws://127.0.0.1:${port}/v1/realtime`, apiKey: "k" }),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "network" && error.retryable,
  );
  await served;
  listener.close();
  // The port is free now: nothing listens.
  await assert.rejects(
    connectRealtime({ url: `ws://127.0.0.1:${port}/v1/realtime`, apiKey: "k" }),
    (error: unknown) => error instanceof CodexWireError && error.kind === "network",
  );
});

Deno.test("odd-length audio is refused before anything is sent", async () => {
  await using server = await startRealtimeMockServer();
  await using connection = await connectRealtime({ baseUrl: server.url, apiKey: "k" });
  await assert.rejects(
    connection.appendAudio(new Uint8Array(961)),
    (error: unknown) => error instanceof CodexWireError && error.kind === "audio",
  );
  await assert.rejects(
    connection.appendAudio("AQID"),
    (error: unknown) => error instanceof CodexWireError && error.kind === "audio",
  );
  await connection.appendAudio(new Uint8Array(2));
  const mock = server.connections[0];
  await mock.waitForFrame("input_audio_buffer.append");
  assert.deepEqual(mock.frames.map((frame) => frame.type), [
    "session.update",
    "input_audio_buffer.append",
  ]);
});

Deno.test("the API key falls back to OPENAI_API_KEY; the signal closes the connection", async () => {
  await using server = await startRealtimeMockServer();
  const previous = Deno.env.get("OPENAI_API_KEY");
  Deno.env.set("OPENAI_API_KEY", "sk-env");
  const controller = new AbortController();
  try {
    const connection = await connectRealtime({ baseUrl: server.url, signal: controller.signal });
    assert.equal(server.connections[0].headers.get("authorization"), "Bearer sk-env");
    controller.abort();
    assert.equal(await server.connections[0].waitClosed(), 1000);
    assert.equal(await nextWithin(connection), undefined);
    await connection.close();
  } finally {
    if (previous === undefined) Deno.env.delete("OPENAI_API_KEY");
    else Deno.env.set("OPENAI_API_KEY", previous);
  }
});

Deno.test("v1 e2e exchange: session.update, audio, a developer text item, handoff.append; inbound transcripts and a handoff", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "conversation.handoff.append" },
        {
          send: {
            type: "conversation.output_audio.delta",
            delta: "AQID",
            sample_rate: 24000,
            channels: 1,
          },
        },
        { send: { type: "conversation.input_transcript.delta", delta: "delegate " } },
        { send: { type: "conversation.input_transcript.delta", delta: "this" } },
        { send: { type: "conversation.output_transcript.delta", delta: "on it" } },
        {
          send: {
            type: "conversation.handoff.requested",
            handoff_id: "handoff_1",
            item_id: "item_1",
            input_transcript: "delegate this",
          },
        },
        { close: 1000 },
      ],
    }],
  });
  await using connection = await connectRealtime({
    baseUrl: server.url,
    apiKey: "k",
    dialect: "v1",
  });
  await connection.appendAudio(new Uint8Array(4));
  await connection.sendText("context", { role: "developer" });
  await connection.send(handoffAppendMessage("handoff_1", "result"));
  const events = await drain(connection);
  assert.deepEqual(events.at(-1), {
    type: "handoffRequested",
    handoffId: "handoff_1",
    itemId: "item_1",
    inputTranscript: "delegate this",
    activeTranscript: [
      { role: "user", text: "delegate this" },
      { role: "assistant", text: "on it" },
    ],
  });
  assert.deepEqual(server.connections[0].frames.map((frame) => frame.json).slice(1), [
    { type: "input_audio_buffer.append", audio: "AAAAAA==" },
    {
      type: "conversation.item.create",
      item: {
        type: "message",
        role: "developer",
        content: [{ type: "input_text", text: "context" }],
      },
    },
    { type: "conversation.handoff.append", handoff_id: "handoff_1", output_text: "result" },
  ]);
});

Deno.test("v2: session.update carries the background_agent tool; tool output goes out as a function_call_output item", async () => {
  await using server = await startRealtimeMockServer();
  await using connection = await connectRealtime({ baseUrl: server.url, apiKey: "k" });
  await connection.send(functionCallOutputMessage("call_1", "done"));
  const mock = server.connections[0];
  const [update] = await mock.waitForFrame("session.update");
  const [output] = await mock.waitForFrame("conversation.item.create");
  const tool = (update.json as { session: { tools: Record<string, unknown>[] } }).session.tools[0];
  assert.equal(tool.name, "background_agent");
  assert.deepEqual(tool.parameters, {
    type: "object",
    properties: {
      prompt: { type: "string", description: "The user's request, in their own words." },
    },
    required: ["prompt"],
    additionalProperties: false,
  });
  assert.deepEqual(output.json, {
    type: "conversation.item.create",
    item: { type: "function_call_output", call_id: "call_1", output: "done" },
  });
});

Deno.test("an aborted signal stops the connect with an aborted error, before or during the handshake", async () => {
  await using server = await startRealtimeMockServer();
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, apiKey: "k", signal: AbortSignal.abort() }),
    (error: unknown) => error instanceof CodexWireError && error.kind === "aborted",
  );
  assert.equal(server.connections.length, 0);
  // A v3 server that never starts the session: the abort ends the wait.
  const controller = new AbortController();
  const connecting = connectRealtime({
    baseUrl: server.url,
    apiKey: "k",
    dialect: "v3",
    signal: controller.signal,
  });
  const mock = await server.waitForConnection(0);
  await mock.waitForFrame("session.update");
  controller.abort();
  await assert.rejects(
    connecting,
    (error: unknown) => error instanceof CodexWireError && error.kind === "aborted",
  );
  assert.equal(await mock.waitClosed(), 1000);
});

Deno.test("bad connect options are usage errors: a non-URL, a non-WebSocket scheme, a bad header, a bad timeout", async () => {
  const isUsage = (error: unknown) => error instanceof CodexWireError && error.kind === "usage";
  await assert.rejects(connectRealtime({ url: "not a url", apiKey: "k" }), isUsage);
  await assert.rejects(
    connectRealtime({ url: "ftp://127.0.0.1/v1/realtime", apiKey: "k" }),
    isUsage,
  );
  await assert.rejects(
    connectRealtime({ url: "ws://127.0.0.1:1/v1/realtime", apiKey: "k\nInjected: 1" }),
    isUsage,
  );
  for (const connectTimeoutMs of [0, -1, Number.NaN]) {
    await assert.rejects(
      connectRealtime({ url: "ws://127.0.0.1:1/v1/realtime", apiKey: "k", connectTimeoutMs }),
      (error: unknown) => isUsage(error) && /connectTimeoutMs/.test((error as Error).message),
    );
  }
});

Deno.test("connectTimeoutMs Infinity waits without a deadline instead of failing at once", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [{ waitFor: "session.update" }, {
        send: { type: "session.started", session: { id: "s" } },
      }],
    }],
  });
  await using connection = await connectRealtime({
    baseUrl: server.url,
    apiKey: "k",
    dialect: "v3",
    connectTimeoutMs: Infinity,
  });
  assert.deepEqual(await nextWithin(connection), {
    type: "sessionUpdated",
    realtimeSessionId: "s",
  });
});

Deno.test("the handshake and v3's wait for session.started are bounded by connectTimeoutMs", async () => {
  // A TCP server that never answers the upgrade.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  await assert.rejects(
    connectRealtime({
      url: `ws://127.0.0.1:${listener.addr.port}/v1/realtime`,
      apiKey: "k",
      connectTimeoutMs: 200,
    }),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "idleTimeout" && error.retryable,
  );
  (await accepted).close();
  listener.close();
  // A v3 server that accepts but never starts the session.
  await using server = await startRealtimeMockServer();
  await assert.rejects(
    connectRealtime({ baseUrl: server.url, apiKey: "k", dialect: "v3", connectTimeoutMs: 200 }),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "idleTimeout" &&
      /did not start within 200 ms/.test(error.message),
  );
  assert.equal(await server.connections[0].waitClosed(), 1000);
});

Deno.test("v3: a server that closes before session.started fails the connect, cleanly or not", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [
      { steps: [{ waitFor: "session.update" }, { close: 1000 }] },
      { steps: [{ waitFor: "session.update" }, { close: 4003, reason: "no session" }] },
      { steps: [{ waitFor: "session.update" }, { send: { type: "error", message: "bad model" } }] },
    ],
  });
  const expected = [
    "the connection closed",
    'error "Realtime websocket closed abnormally (code 4003: no session)"',
    'error "bad model"',
  ];
  for (const got of expected) {
    await assert.rejects(
      connectRealtime({ baseUrl: server.url, apiKey: "k", dialect: "v3" }),
      (error: unknown) =>
        error instanceof CodexWireError && error.kind === "stream" &&
        error.message === `Realtime v3 session did not start: expected session.started, got ${got}`,
    );
  }
  assert.deepEqual(
    server.connections.map((connection) => connection.frames.map((frame) => frame.type)),
    // The third socket was still open: the client said session.close before closing it.
    [["session.update"], ["session.update"], ["session.update", "session.close"]],
  );
});

Deno.test("a server close lets go of the caller's signal (no listener left behind)", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{ steps: [{ waitFor: "session.update" }, { close: 1000 }] }],
  });
  const controller = new AbortController();
  const signal = controller.signal;
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  };
  const connection = await connectRealtime({ baseUrl: server.url, apiKey: "k", signal });
  assert.deepEqual(await drain(connection), []);
  assert.equal(listeners, 0);
  controller.abort();
  await connection.close();
});
