// `ResponseStream.batches()`: the same events as iterating the stream, handed out in the
// groups one read carried, against the scripted mock server over loopback.

import assert from "node:assert/strict";
import {
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { type ResponseEvent, ResponseStream } from "../../mod.ts";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { collect, testClient } from "../_helpers.ts";

const DELTAS = Array.from({ length: 400 }, (_, i) => outputTextDeltaEvent(`piece ${i} `));

async function gather(stream: ResponseStream): Promise<(readonly ResponseEvent[])[]> {
  const groups: (readonly ResponseEvent[])[] = [];
  for await (const events of stream.batches()) groups.push(events);
  return groups;
}

Deno.test("batches() gives the events of iterating the stream, in order, in non-empty groups", async () => {
  const script = {
    events: [createdEvent("r1"), ...DELTAS, completedEvent("r1")],
    // Small pieces: the events arrive over many reads.
    chunkSize: 1500,
  };
  await using server = await startMockResponsesServer({ responses: [script, script] });
  const client = testClient(server.url);
  const iterated = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(iterated.error, undefined);

  const groups = await gather(client.stream({ model: "m", input: "x" }));
  assert.ok(groups.length > 1, "several reads give several groups");
  assert.ok(groups.every((group) => group.length > 0));
  assert.ok(groups.some((group) => group.length > 1), "a read of many events is one group");
  assert.deepEqual(groups.flat(), iterated.events);
});

Deno.test("batches() carries a retried stream: reconnecting, then the new attempt's events", async () => {
  const broken = { events: [createdEvent("r1"), ...DELTAS.slice(0, 50)], truncate: true };
  const whole = { events: [createdEvent("r2"), ...DELTAS.slice(0, 50), completedEvent("r2")] };
  await using server = await startMockResponsesServer({
    responses: [broken, whole, broken, whole],
  });
  const client = testClient(server.url);
  const iterated = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(iterated.error, undefined);
  const events = (await gather(client.stream({ model: "m", input: "x" }))).flat();
  assert.deepEqual(events.map((event) => event.type), iterated.events.map((event) => event.type));
  assert.equal(events.filter((event) => event.type === "reconnecting").length, 1);
  assert.equal(events.at(-1)?.type, "completed");
});

Deno.test("batches() raises the stream's error after the events before it", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r1"), ...DELTAS.slice(0, 5)], truncate: true }],
  });
  const client = testClient(server.url, { retry: { streamMaxRetries: 0 } });
  const seen: ResponseEvent[] = [];
  await assert.rejects(
    async () => {
      for await (const events of client.stream({ model: "m", input: "x" }).batches()) {
        seen.push(...events);
      }
    },
    (error: unknown) => error instanceof CodexWireError && error.kind === "stream",
  );
  assert.equal(seen.filter((event) => event.type === "outputTextDelta").length, 5);
});

Deno.test("leaving batches() early cancels the request and leaks nothing", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("r"), outputTextDeltaEvent("a")], keepOpen: true }],
  });
  let groups = 0;
  for await (const _events of testClient(server.url).stream({ model: "m", input: "x" }).batches()) {
    groups++;
    break;
  }
  assert.equal(groups, 1);
});

Deno.test("a stream is consumed once, as events or as batches", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("r1")] }],
  });
  const stream = testClient(server.url).stream({ model: "m", input: "x" });
  assert.equal((await gather(stream)).flat().at(-1)?.type, "completed");
  assert.throws(
    () => stream.batches(),
    (error: unknown) => error instanceof CodexWireError && error.kind === "usage",
  );
  assert.throws(
    () => stream[Symbol.asyncIterator](),
    (error: unknown) => error instanceof CodexWireError && error.kind === "usage",
  );
});

Deno.test("batches() of a stream over a plain iterator gives one event per group", async () => {
  async function* events(): AsyncGenerator<ResponseEvent, void, undefined> {
    yield { type: "outputTextDelta", delta: "a" };
    yield { type: "outputTextDelta", delta: "b" };
  }
  const groups = await gather(new ResponseStream(events()));
  assert.deepEqual(groups, [
    [{ type: "outputTextDelta", delta: "a" }],
    [{ type: "outputTextDelta", delta: "b" }],
  ]);
});
