import assert from "node:assert/strict";
import { abortableSleep, backoffDelayMs } from "../../lib/transport/backoff.ts";
import {
  checkDelayMs,
  checkTimeoutMs,
  clampDelayMs,
  MAX_TIMER_MS,
  startDeadline,
} from "../../lib/transport/timeout.ts";

Deno.test("checkTimeoutMs allows (0, 2^31-1] and Infinity, and says so otherwise", () => {
  for (const ok of [1, 0.5, MAX_TIMER_MS, Infinity]) assert.equal(checkTimeoutMs("X", "t", ok), ok);
  for (const bad of [0, -1, Number.NaN, MAX_TIMER_MS + 1, -Infinity]) {
    assert.throws(() => checkTimeoutMs("X", "t", bad), {
      name: "RangeError",
      message:
        `Cannot create X: t must be a positive number of milliseconds up to 2147483647 (about 24.8 days), or Infinity for no timeout, got ${bad}`,
    });
  }
});

Deno.test("checkDelayMs allows [0, 2^31-1] only", () => {
  for (const ok of [0, 200, MAX_TIMER_MS]) assert.equal(checkDelayMs("X", "d", ok), ok);
  for (const bad of [-1, Number.NaN, Infinity, MAX_TIMER_MS + 1]) {
    assert.throws(() => checkDelayMs("X", "d", bad), RangeError);
  }
});

Deno.test("clampDelayMs and backoffDelayMs never ask a timer for more than 2^31-1 ms", () => {
  assert.equal(clampDelayMs(3_600_000, 60_000), 60_000);
  assert.equal(clampDelayMs(1e15), MAX_TIMER_MS);
  assert.equal(clampDelayMs(-5), 0);
  assert.equal(backoffDelayMs(100, { baseDelayMs: 200, random: () => 0.5 }), MAX_TIMER_MS);
});

Deno.test("abortableSleep of an overflowing delay waits instead of firing at once", async () => {
  const controller = new AbortController();
  let settled = false;
  const sleep = abortableSleep(2 ** 40, controller.signal).then(
    () => settled = true,
    () => "aborted",
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false);
  controller.abort();
  assert.equal(await sleep, "aborted");
});

Deno.test("startDeadline fires after its time, follows the caller's signal, and clears", async () => {
  const expiring = startDeadline(5);
  await new Promise((resolve) => expiring.signal.addEventListener("abort", resolve));
  assert.equal(expiring.expired, true);
  assert.equal((expiring.signal.reason as DOMException).name, "TimeoutError");

  const caller = new AbortController();
  const following = startDeadline(Infinity, caller.signal);
  caller.abort();
  assert.equal(following.signal.aborted, true);
  assert.equal(following.expired, false);

  const cleared = startDeadline(10);
  cleared.clear();
  assert.equal(cleared.signal.aborted, false);
});

Deno.test("startDeadline lets go of the caller's signal once cleared", () => {
  const caller = new AbortController();
  const cleared = startDeadline(Infinity, caller.signal);
  cleared.clear();
  caller.abort();
  // The listener is gone: after the answer arrived, the caller's signal is followed by
  // whatever reads the body, not by this deadline.
  assert.equal(cleared.signal.aborted, false);

  const already = startDeadline(Infinity, AbortSignal.abort("gone"));
  assert.equal(already.signal.aborted, true);
  assert.equal(already.signal.reason, "gone");
  already.clear();
});
