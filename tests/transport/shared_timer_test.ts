// The shared timer: deadlines fire in order and on time, cancelled ones never fire, and no
// timer is left armed once no deadline is live (the test sanitizers check that too).

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { startSharedTimer } from "../../lib/transport/_shared_timer.ts";

function fakeClock() {
  return FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "performance"] });
}

Deno.test("shared timers fire in deadline order, ties in start order, each at its time", () => {
  const clock = fakeClock();
  try {
    const fired: string[] = [];
    startSharedTimer(30, () => fired.push("c"));
    startSharedTimer(10, () => fired.push("a"));
    startSharedTimer(20, () => fired.push("b1"));
    startSharedTimer(20, () => fired.push("b2"));
    clock.tick(9);
    assert.deepEqual(fired, []);
    clock.tick(1);
    assert.deepEqual(fired, ["a"]);
    clock.tick(10);
    assert.deepEqual(fired, ["a", "b1", "b2"]);
    clock.tick(10);
    assert.deepEqual(fired, ["a", "b1", "b2", "c"]);
    assert.equal(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

Deno.test("a cancelled shared timer never fires; cancelling the last one clears the timer", () => {
  const clock = fakeClock();
  try {
    const fired: string[] = [];
    const first = startSharedTimer(10, () => fired.push("first"));
    const second = startSharedTimer(20, () => fired.push("second"));
    first.cancel();
    assert.equal(first.live, false);
    clock.tick(15);
    assert.deepEqual(fired, []);
    second.cancel();
    second.cancel();
    assert.equal(clock.countTimers(), 0);
    clock.tick(100);
    assert.deepEqual(fired, []);
  } finally {
    clock.uninstall();
  }
});

Deno.test("a sooner deadline re-arms the timer; a later one does not delay the armed one", () => {
  const clock = fakeClock();
  try {
    const fired: number[] = [];
    startSharedTimer(1_000, () => fired.push(1_000));
    startSharedTimer(5, () => fired.push(5));
    startSharedTimer(2_000, () => fired.push(2_000));
    clock.tick(5);
    assert.deepEqual(fired, [5]);
    clock.tick(995);
    assert.deepEqual(fired, [5, 1_000]);
    clock.tick(1_000);
    assert.deepEqual(fired, [5, 1_000, 2_000]);
  } finally {
    clock.uninstall();
  }
});

Deno.test("a timer started from a firing callback fires on its own time", () => {
  const clock = fakeClock();
  try {
    const fired: string[] = [];
    startSharedTimer(10, () => {
      fired.push("outer");
      startSharedTimer(0, () => fired.push("inner"));
    });
    clock.tick(10);
    assert.deepEqual(fired, ["outer"]);
    clock.tick(1);
    assert.deepEqual(fired, ["outer", "inner"]);
  } finally {
    clock.uninstall();
  }
});

Deno.test("many cancelled deadlines are dropped while live ones still fire", () => {
  const clock = fakeClock();
  try {
    const fired: number[] = [];
    const keep = [startSharedTimer(50_000, () => fired.push(-1))];
    for (let i = 0; i < 5_000; i++) {
      const timer = startSharedTimer(10_000 + i, () => fired.push(i));
      if (i % 100 === 0) keep.push(timer);
      else timer.cancel();
    }
    clock.tick(60_000);
    assert.deepEqual(fired, [...Array.from({ length: 50 }, (_, k) => k * 100), -1]);
    assert.equal(keep.every((timer) => !timer.live), true);
    assert.equal(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

Deno.test("shared timers on the real clock fire after their delay, never before", async () => {
  const started = performance.now();
  const elapsed = await new Promise<number>((resolve) =>
    startSharedTimer(20, () => resolve(performance.now() - started))
  );
  assert.ok(elapsed >= 20, `fired after ${elapsed} ms`);
});

Deno.test("no timer stays armed once a firing callback cancelled the last live deadline", () => {
  const clock = fakeClock();
  try {
    const later = startSharedTimer(1_000, () => {});
    startSharedTimer(10, () => later.cancel());
    startSharedTimer(10, () => {});
    clock.tick(10);
    assert.equal(later.live, false);
    assert.equal(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

Deno.test("a deadline left on an uninstalled fake clock does not hold back real ones", async () => {
  const clock = fakeClock();
  const leftover = startSharedTimer(1, () => {});
  clock.uninstall();
  let guard: ReturnType<typeof setTimeout> | undefined;
  try {
    const fired = await new Promise<boolean>((resolve) => {
      const real = startSharedTimer(10, () => resolve(true));
      guard = setTimeout(() => {
        real.cancel();
        resolve(false);
      }, 1_000);
    });
    assert.equal(fired, true, "a 10 ms deadline on the real clock never fired");
  } finally {
    clearTimeout(guard);
    leftover.cancel();
  }
});
