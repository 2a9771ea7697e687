// The pacing engine's speeds on a fake clock: 0 sends at once, 1 at the recorded offsets,
// N at the offsets divided by N; a delay fault adds its milliseconds whatever the speed.

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { pacedBody, rechunk, type TimedPiece } from "../../lib/tape/pacing.ts";

const PIECES: TimedPiece[] = [0, 1000, 3000].map((atMs, index) => ({
  bytes: new Uint8Array([index]),
  atMs,
}));

/** Reads the body on a fake clock; returns the fake time each piece arrived at. */
async function arrivals(
  speed: number,
  delays: ReadonlyMap<number, number> = new Map(),
): Promise<number[]> {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  try {
    const reader = pacedBody(PIECES, { speed, signal: new AbortController().signal, delays })
      .getReader();
    const times: number[] = [];
    for (;;) {
      const read = reader.read();
      let done: boolean | undefined;
      read.then((result) => done = result.done);
      // Let due work run, then step the clock 1 ms at a time until this read settles.
      await clock.tickAsync(0);
      for (let step = 0; step < 10_000 && done === undefined; step++) await clock.tickAsync(1);
      assert.notEqual(done, undefined, "a piece never came");
      if (done) return times;
      times.push(performance.now());
    }
  } finally {
    clock.uninstall();
  }
}

Deno.test("pacedBody at speed 0 sends every piece at once", async () => {
  assert.deepEqual(await arrivals(0), [0, 0, 0]);
});

Deno.test("pacedBody at speed 1 keeps the recorded offsets", async () => {
  assert.deepEqual(await arrivals(1), [0, 1000, 3000]);
});

Deno.test("pacedBody at speed 4 divides the offsets by 4", async () => {
  assert.deepEqual(await arrivals(4), [0, 250, 750]);
});

Deno.test("a delay fault holds one piece back by its milliseconds, at speed 0 too", async () => {
  assert.deepEqual(await arrivals(0, new Map([[1, 500]])), [0, 500, 500]);
});

Deno.test("rechunk: every mode keeps the bytes; bytewise cuts single bytes, coalesce one piece, a seed the same cuts", () => {
  const text = new TextEncoder().encode("data: one\n\ndata: two ✓\n\n");
  const pieces: TimedPiece[] = [
    { bytes: text.subarray(0, 11), atMs: 5 },
    { bytes: text.subarray(11), atMs: 9 },
  ];
  const join = (cut: TimedPiece[]) => new Uint8Array(cut.flatMap((p) => [...p.bytes]));
  for (const mode of ["recorded", "bytewise", "coalesce", { seed: 3 }] as const) {
    assert.deepEqual(join(rechunk(pieces, mode)), text, JSON.stringify(mode));
  }
  assert.equal(rechunk(pieces, "recorded").length, 2);
  assert.ok(rechunk(pieces, "bytewise").every((p) => p.bytes.length === 1));
  assert.deepEqual(rechunk(pieces, "coalesce").map((p) => p.atMs), [9]);
  const cuts = (seed: number) => rechunk(pieces, { seed }).map((p) => p.bytes.length);
  assert.deepEqual(cuts(3), cuts(3));
  assert.notDeepEqual(cuts(3), cuts(4));
});
