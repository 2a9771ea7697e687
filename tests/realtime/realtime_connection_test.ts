import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { connectRealtime } from "../../lib/realtime/realtime_connection.ts";
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
