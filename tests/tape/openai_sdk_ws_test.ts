import assert from "node:assert/strict";
import OpenAI from "openai";
import { ResponsesWS } from "openai/resources/responses/ws";
import { startCaptureProxy, startReplayServer, Tape } from "../../lib/tape/mod.ts";
import { startScriptedWsServer, within } from "./_tape_helpers.ts";

const EVENTS = [
  {
    type: "response.created",
    sequence_number: 0,
    response: { id: "resp_ws_1", status: "in_progress", output: [] },
  },
  {
    type: "response.output_text.delta",
    sequence_number: 1,
    item_id: "m",
    output_index: 0,
    content_index: 0,
    delta: "Hi ",
  },
  {
    type: "response.output_text.delta",
    sequence_number: 2,
    item_id: "m",
    output_index: 0,
    content_index: 0,
    delta: "over WS",
  },
  {
    type: "response.completed",
    sequence_number: 3,
    response: { id: "resp_ws_1", status: "completed", output: [] },
  },
].map((event) => JSON.stringify(event));

/** Sends one response.create with the SDK's WebSocket client and gathers the events. */
async function converse(baseURL: string): Promise<string[]> {
  const client = new OpenAI({ baseURL, apiKey: "sk-sdk-ws-key-0123456789" });
  const ws = new ResponsesWS(client);
  const types: string[] = [];
  const done = Promise.withResolvers<void>();
  ws.on("event", (event) => {
    types.push(event.type === "response.output_text.delta" ? `delta:${event.delta}` : event.type);
    if (event.type === "response.completed") done.resolve();
  });
  ws.on("error", (error: unknown) => done.reject(error));
  ws.send({ type: "response.create", model: "gpt-5", input: "hi" } as never);
  try {
    await within(done.promise, "response.completed over the SDK's WebSocket");
  } finally {
    const closed = Promise.withResolvers<void>();
    ws.socket.once("close", () => closed.resolve());
    ws.close({ code: 1000, reason: "done" });
    await within(closed.promise, "the SDK socket to close").catch(() => {});
  }
  return types;
}

Deno.test("the official openai SDK's Responses WebSocket client runs unchanged against a replayed tape", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  const expected = ["response.created", "delta:Hi ", "delta:over WS", "response.completed"];
  try {
    {
      await using upstream = startScriptedWsServer({ replies: [EVENTS] });
      await using proxy = await startCaptureProxy({
        upstream: upstream.url.replace("ws", "http") + "/v1",
        out,
        log: () => {},
      });
      assert.deepEqual(await converse(proxy.baseUrl), expected);
    }
    const tape = await Tape.read(out);
    assert.ok(!(await Deno.readTextFile(out)).includes("sk-sdk-ws-key-0123456789"));
    const [session] = tape.webSockets;
    assert.ok(session.open.url.endsWith("/v1/responses"));
    await using replay = await startReplayServer(tape);
    assert.deepEqual(await converse(replay.baseUrl), expected);
  } finally {
    await Deno.remove(out);
  }
});
