import assert from "node:assert/strict";
import { IdleReader } from "../../lib/transport/idle_reader.ts";

// A stream that sends `count` chunks, one every `gapMs`, then ends; `cancelled` settles
// with the cancel reason. Every timer it started is gone once it ends or is cancelled.
function trickle(count: number, gapMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = 0;
  let onCancel: (reason: unknown) => void = () => {};
  const cancelled = new Promise<unknown>((resolve) => onCancel = resolve);
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) =>
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (sent++ < count) controller.enqueue(new Uint8Array([sent]));
          else controller.close();
          resolve();
        }, gapMs);
      }),
    cancel: (reason) => {
      clearTimeout(timer);
      onCancel(reason);
    },
  }, { highWaterMark: 0 });
  return { stream, cancelled };
}

Deno.test("IdleReader: reads that each come within the timeout pass, however long the whole", async () => {
  // 8 chunks 40 ms apart: 320 ms in all, each well within 200 ms. The one timer re-arms
  // itself for the read in flight rather than timing out the stream.
  const { stream } = trickle(8, 40);
  const reader = new IdleReader(stream.getReader());
  const seen: number[] = [];
  for (;;) {
    const result = await reader.read(200);
    assert.notEqual(result, "timeout");
    if (result === "timeout" || result.done) break;
    seen.push(result.value[0]);
  }
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  reader.close();
});

Deno.test("IdleReader: a silent stream times out and is cancelled; later reads time out too", async () => {
  const { stream, cancelled } = trickle(1, 60_000);
  const reader = new IdleReader(stream.getReader());
  assert.equal(await reader.read(20), "timeout");
  const reason = await cancelled;
  assert.ok(reason instanceof DOMException && reason.name === "TimeoutError");
  assert.equal(await reader.read(20), "timeout");
  reader.close();
});

Deno.test("IdleReader: a fired signal rejects the read in flight with its reason and cancels the stream", async () => {
  const { stream, cancelled } = trickle(1, 60_000);
  const controller = new AbortController();
  const reader = new IdleReader(stream.getReader(), controller.signal);
  const pending = reader.read(Infinity);
  const why = new Error("stop");
  controller.abort(why);
  await assert.rejects(pending, (error) => error === why);
  assert.equal(await cancelled, why);
  await assert.rejects(reader.read(100), (error) => error === why);
  reader.close();
});

Deno.test("IdleReader: a deadline already passed times out without reading; close cancels", async () => {
  const { stream, cancelled } = trickle(1, 60_000);
  const reader = new IdleReader(stream.getReader(), new AbortController().signal);
  assert.equal(await reader.read(0), "timeout");
  assert.equal(await reader.read(-5), "timeout");
  reader.close();
  reader.close();
  assert.equal(await cancelled, undefined);
});
