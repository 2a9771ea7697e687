// flattenBatches hands out batched events one by one, in order, and passes an early exit
// on to the source so that its `finally` runs.

import assert from "node:assert/strict";
import { flattenBatches } from "../../lib/responses/_event_batches.ts";
import type { ResponseEvent } from "../../mod.ts";

const delta = (text: string): ResponseEvent => ({ type: "outputTextDelta", delta: text });

async function* batches(
  list: readonly (readonly ResponseEvent[])[],
  log: string[],
): AsyncGenerator<readonly ResponseEvent[], void, undefined> {
  try {
    for (const batch of list) yield batch;
    log.push("end");
  } finally {
    log.push("finally");
  }
}

Deno.test("flattenBatches yields every event in order and skips empty batches", async () => {
  const log: string[] = [];
  const iterator = flattenBatches(batches([[], [delta("a"), delta("b")], [], [delta("c")]], log));
  const seen: string[] = [];
  for await (const event of { [Symbol.asyncIterator]: () => iterator }) {
    seen.push((event as { delta: string }).delta);
  }
  assert.deepEqual(seen, ["a", "b", "c"]);
  assert.deepEqual(log, ["end", "finally"]);
});

Deno.test("leaving the loop mid-batch returns the source, which runs its finally", async () => {
  const log: string[] = [];
  const iterator = flattenBatches(batches([[delta("a"), delta("b")], [delta("c")]], log));
  for await (const _event of { [Symbol.asyncIterator]: () => iterator }) break;
  assert.deepEqual(log, ["finally"]);
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
});

Deno.test("calls to next() that overlap a pull settle in order", async () => {
  const iterator = flattenBatches(batches([[delta("a"), delta("b")], [delta("c")]], []));
  const results = await Promise.all([
    iterator.next(),
    iterator.next(),
    iterator.next(),
    iterator.next(),
  ]);
  assert.deepEqual(
    results.map((result) => result.done ? "done" : (result.value as { delta: string }).delta),
    ["a", "b", "c", "done"],
  );
});

Deno.test("an error of the source rejects next(); throw() ends the source, as return() does, and rejects", async () => {
  async function* failing(): AsyncGenerator<readonly ResponseEvent[], void, undefined> {
    yield [delta("a")];
    throw new Error("broken");
  }
  const iterator = flattenBatches(failing());
  assert.equal((await iterator.next()).done, false);
  await assert.rejects(iterator.next(), /broken/);

  const log: string[] = [];
  const second = flattenBatches(batches([[delta("a")], [delta("b")]], log));
  await second.next();
  await assert.rejects(second.throw!(new Error("stop")), /stop/);
  assert.deepEqual(log, ["finally"]);
});

Deno.test("transform changes each batch before its events are handed out", async () => {
  const iterator = flattenBatches(batches([[delta("a")], [delta("b"), delta("c")]], []), {
    transform: (batch) => batch.length === 1 ? [] : [...batch, delta("!")],
  });
  const seen: string[] = [];
  for await (const event of { [Symbol.asyncIterator]: () => iterator }) {
    seen.push((event as { delta: string }).delta);
  }
  assert.deepEqual(seen, ["b", "c", "!"]);
});

Deno.test("cancel is called on an early exit and a pull it breaks ends as done", async () => {
  const release = Promise.withResolvers<void>();
  async function* waiting(): AsyncGenerator<readonly ResponseEvent[], void, undefined> {
    yield [delta("a")];
    await release.promise;
    throw new Error("aborted");
  }
  let cancelled = 0;
  const iterator = flattenBatches(waiting(), {
    cancel: () => {
      cancelled++;
      release.resolve();
    },
  });
  await iterator.next();
  const pending = iterator.next();
  const returned = iterator.return!();
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.deepEqual(await returned, { done: true, value: undefined });
  assert.equal(cancelled, 1);
});

Deno.test("nextBatch hands out the rest of the current batch, then whole batches", async () => {
  const log: string[] = [];
  const iterator = flattenBatches(
    batches([[delta("a"), delta("b"), delta("c")], [], [delta("d")]], log),
  );
  const text = (result: IteratorResult<readonly ResponseEvent[] | ResponseEvent, void>) =>
    result.done
      ? "done"
      : ([result.value].flat() as { delta: string }[]).map((event) => event.delta).join("");
  assert.equal(text(await iterator.next()), "a");
  assert.equal(text(await iterator.nextBatch()), "bc");
  assert.equal(text(await iterator.nextBatch()), "d");
  assert.equal(text(await iterator.nextBatch()), "done");
  assert.deepEqual(log, ["end", "finally"]);
});

Deno.test("nextBatch and next() that overlap a pull settle in order", async () => {
  const iterator = flattenBatches(batches([[delta("a"), delta("b")], [delta("c")]], []));
  const [first, rest, last, end] = await Promise.all([
    iterator.next(),
    iterator.nextBatch(),
    iterator.nextBatch(),
    iterator.next(),
  ]);
  assert.deepEqual(first, { done: false, value: delta("a") });
  assert.deepEqual(rest, { done: false, value: [delta("b")] });
  assert.deepEqual(last, { done: false, value: [delta("c")] });
  assert.deepEqual(end, { done: true, value: undefined });
});

Deno.test("throw() cancels the work behind the source and hands out nothing more", async () => {
  const log: string[] = [];
  let cancelled = 0;
  const iterator = flattenBatches(batches([[delta("a"), delta("b")], [delta("c")]], log), {
    cancel: () => cancelled++,
  });
  await iterator.next();
  await assert.rejects(iterator.throw!(new Error("stop")), /stop/);
  assert.equal(cancelled, 1);
  assert.deepEqual(log, ["finally"]);
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  assert.deepEqual(await iterator.nextBatch(), { done: true, value: undefined });
});

Deno.test("what a pull brings after return() is not handed out", async () => {
  const { promise: gate, resolve: release } = Promise.withResolvers<void>();
  async function* source(): AsyncGenerator<readonly ResponseEvent[], void, undefined> {
    yield [delta("a")];
    await gate;
    yield [delta("b"), delta("c")];
  }
  // Cancelling lets the source go on: its data lands while return() is under way.
  const iterator = flattenBatches(source(), { cancel: () => release() });
  await iterator.next();
  const pending = iterator.next();
  assert.deepEqual(await iterator.return!(), { done: true, value: undefined });
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  assert.deepEqual(await iterator.nextBatch(), { done: true, value: undefined });
});
