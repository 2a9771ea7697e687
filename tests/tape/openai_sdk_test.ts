import assert from "node:assert/strict";
import OpenAI from "openai";
import { startMockResponsesServer } from "../../lib/testing/mod.ts";
import { startCaptureProxy, startReplayServer, Tape } from "../../lib/tape/mod.ts";

// The shapes of a real Responses API stream, as the SDK's accumulator needs them.
const response = (status: string, output: unknown[]) => ({
  id: "resp_sdk_1",
  object: "response",
  created_at: 1767225600,
  model: "gpt-5",
  status,
  output,
  usage: null,
});
const message = (text: string, status: string) => ({
  type: "message",
  id: "msg_sdk_1",
  role: "assistant",
  status,
  content: text === "" ? [] : [{ type: "output_text", text, annotations: [] }],
});
const EVENTS = [
  { type: "response.created", sequence_number: 0, response: response("in_progress", []) },
  {
    type: "response.output_item.added",
    sequence_number: 1,
    output_index: 0,
    item: message("", "in_progress"),
  },
  {
    type: "response.content_part.added",
    sequence_number: 2,
    item_id: "msg_sdk_1",
    output_index: 0,
    content_index: 0,
    part: { type: "output_text", text: "", annotations: [] },
  },
  ...["Hel", "lo", " from a tape"].map((delta, index) => ({
    type: "response.output_text.delta",
    sequence_number: 3 + index,
    item_id: "msg_sdk_1",
    output_index: 0,
    content_index: 0,
    delta,
    logprobs: [],
  })),
  {
    type: "response.output_item.done",
    sequence_number: 6,
    output_index: 0,
    item: message("Hello from a tape", "completed"),
  },
  {
    type: "response.completed",
    sequence_number: 7,
    response: response("completed", [message("Hello from a tape", "completed")]),
  },
];

Deno.test("the official openai SDK's responses.stream() runs unchanged against a replayed tape", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    {
      await using upstream = await startMockResponsesServer({
        responses: [{ events: EVENTS, chunkSize: 97 }],
      });
      await using proxy = await startCaptureProxy({ upstream: upstream.url, out });
      const recording = new OpenAI({
        baseURL: proxy.baseUrl,
        apiKey: "sk-sdk-recording-key",
        maxRetries: 0,
      });
      const final = await recording.responses.stream({ model: "gpt-5", input: "hi" })
        .finalResponse();
      assert.equal(final.output_text, "Hello from a tape");
    }
    assert.ok(!(await Deno.readTextFile(out)).includes("sk-sdk-recording-key"));

    await using replay = await startReplayServer(await Tape.read(out));
    const client = new OpenAI({ baseURL: replay.baseUrl, apiKey: "sk-other-key", maxRetries: 0 });
    const stream = client.responses.stream({ model: "gpt-5", input: "hi" });
    const deltas: string[] = [];
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") deltas.push(event.delta);
    }
    assert.deepEqual(deltas, ["Hel", "lo", " from a tape"]);
    const final = await stream.finalResponse();
    assert.equal(final.id, "resp_sdk_1");
    assert.equal(final.output_text, "Hello from a tape");
  } finally {
    await Deno.remove(out);
  }
});
