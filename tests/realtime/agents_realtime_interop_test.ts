// A real client against our mock: the OpenAI Agents SDK's realtime WebSocket transport
// (`@openai/agents-realtime`, pinned in deno.json) holds a text round trip with the scripted
// realtime mock server over ws:// on loopback.

import assert from "node:assert/strict";
import { OpenAIRealtimeWebSocket } from "@openai/agents-realtime";
import { startRealtimeMockServer } from "../../lib/testing/realtime_mock_server.ts";

const TEXT_EVENT = {
  response_id: "resp_1",
  item_id: "item_1",
  output_index: 0,
  content_index: 0,
};

Deno.test("agents-realtime OpenAIRealtimeWebSocket holds a text round trip with the mock", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      onFrame(frame, connection) {
        if (frame.type === "session.update") {
          connection.send({
            type: "session.updated",
            event_id: "evt_1",
            session: {
              id: "sess_1",
              type: "realtime",
              object: "realtime.session",
              model: "gpt-realtime",
            },
          });
        }
        if (frame.type === "response.create") {
          connection.send({
            type: "response.created",
            event_id: "evt_2",
            response: {
              id: "resp_1",
              object: "realtime.response",
              status: "in_progress",
              output: [],
            },
          });
          for (const [index, delta] of ["Hel", "lo!"].entries()) {
            connection.send({
              type: "response.output_text.delta",
              event_id: `evt_d${index}`,
              ...TEXT_EVENT,
              delta,
            });
          }
          connection.send({
            type: "response.output_text.done",
            event_id: "evt_3",
            ...TEXT_EVENT,
            text: "Hello!",
          });
          connection.send({
            type: "response.done",
            event_id: "evt_4",
            response: {
              id: "resp_1",
              object: "realtime.response",
              status: "completed",
              output: [],
            },
          });
        }
      },
    }],
  });
  const wsUrl = `${server.url.replace("http", "ws")}/realtime?model=gpt-realtime`;
  const transport = new OpenAIRealtimeWebSocket({ url: wsUrl });
  const deltas: string[] = [];
  const rawTypes: string[] = [];
  let responseDone: () => void = () => {};
  const done = new Promise<void>((resolve) => responseDone = resolve);
  transport.on("output_text_delta", (event: { delta: string }) => deltas.push(event.delta));
  transport.on("*", (event: { type: string }) => {
    rawTypes.push(event.type);
    if (event.type === "response.done") responseDone();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await transport.connect({ apiKey: "sk-interop", model: "gpt-realtime" });
    transport.sendMessage("Say hello", {});
    await Promise.race([
      done,
      new Promise((_, reject) =>
        timer = setTimeout(() => reject(new Error("no response.done")), 10_000)
      ),
    ]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
  const mock = server.connections[0];
  await mock.waitClosed();
  assert.equal(deltas.join(""), "Hello!");
  assert.ok(rawTypes.includes("response.output_text.done"));
  assert.equal(mock.headers.get("authorization"), "Bearer sk-interop");
  assert.equal(mock.path, "/v1/realtime?model=gpt-realtime");
  const types = mock.frames.map((frame) => frame.type);
  assert.equal(types[0], "session.update");
  assert.deepEqual(types.slice(-2), ["conversation.item.create", "response.create"]);
  assert.deepEqual((mock.frames.at(-2)?.json as { item: unknown }).item, {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: "Say hello" }],
  });
});
