/**
 * Bounds for every timer: option checks that say what is allowed, and a clamp for delays
 * a server asks for, so no wait overflows the platform timer.
 *
 * `setTimeout` keeps its delay in a signed 32-bit integer: anything above 2³¹−1 ms (about
 * 24.8 days) fires after 1 ms instead, and `Infinity` fires at once.
 *
 * @module
 */

import { startSharedTimer } from "./_shared_timer.ts";

/** The longest delay a timer can wait, in milliseconds: 2³¹−1 (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks a timeout option: a positive number of milliseconds up to
 * {@linkcode MAX_TIMER_MS}, or `Infinity` for no timeout.
 *
 * @param owner What is being configured, for the message (`ResponsesClient`).
 * @param name The option's name.
 * @param value The value given.
 * @returns The value.
 * @throws {RangeError} When it is not allowed.
 *
 * @example Usage
 * ```ts
 * import { checkTimeoutMs } from "./timeout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkTimeoutMs("Client", "idleTimeoutMs", Infinity), Infinity);
 * assert.throws(() => checkTimeoutMs("Client", "idleTimeoutMs", 2 ** 31), RangeError);
 * ```
 */
export function checkTimeoutMs(owner: string, name: string, value: number): number {
  if (value === Infinity || (typeof value === "number" && value > 0 && value <= MAX_TIMER_MS)) {
    return value;
  }
  throw new RangeError(
    `Cannot create ${owner}: ${name} must be a positive number of milliseconds up to ${MAX_TIMER_MS} (about 24.8 days), or Infinity for no timeout, got ${value}`,
  );
}

/**
 * Checks a delay option: a number of milliseconds from 0 to {@linkcode MAX_TIMER_MS}.
 *
 * @param owner What is being configured, for the message.
 * @param name The option's name.
 * @param value The value given.
 * @returns The value.
 * @throws {RangeError} When it is not allowed.
 *
 * @example Usage
 * ```ts
 * import { checkDelayMs } from "./timeout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkDelayMs("Client", "retry.baseDelayMs", 200), 200);
 * assert.throws(() => checkDelayMs("Client", "retry.baseDelayMs", Infinity), RangeError);
 * ```
 */
export function checkDelayMs(owner: string, name: string, value: number): number {
  if (typeof value === "number" && value >= 0 && value <= MAX_TIMER_MS) return value;
  throw new RangeError(
    `Cannot create ${owner}: ${name} must be a number of milliseconds from 0 to ${MAX_TIMER_MS} (about 24.8 days), got ${value}`,
  );
}

/**
 * Clamps a delay into what a timer can wait: `NaN` and negatives become 0, anything above
 * `maxMs` (itself at most {@linkcode MAX_TIMER_MS}) becomes `maxMs`.
 *
 * @param delayMs The delay asked for.
 * @param maxMs The longest allowed.
 * @returns The delay to wait.
 *
 * @example Usage
 * ```ts
 * import { clampDelayMs } from "./timeout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(clampDelayMs(3_600_000, 60_000), 60_000);
 * assert.equal(clampDelayMs(Number.NaN, 60_000), 0);
 * ```
 */
export function clampDelayMs(delayMs: number, maxMs: number = MAX_TIMER_MS): number {
  if (!(delayMs > 0)) return 0;
  return Math.min(delayMs, maxMs, MAX_TIMER_MS);
}

/** A timer that aborts a signal; see {@linkcode startDeadline}. */
export interface Deadline {
  /** Fires when the caller's signal does or the time is up, until `clear()`. */
  readonly signal: AbortSignal;
  /** Whether the time ran out (rather than the caller aborting). */
  readonly expired: boolean;
  /** Stops the timer and stops following the caller's signal. */
  clear(): void;
  /**
   * Settles as `promise` does, or rejects with the signal's reason as soon as it fires,
   * whether or not the work behind `promise` heeds the signal (a caller's `fetch` may not).
   * A value that arrives after that goes to `discard` (to release it).
   */
  race<T>(promise: Promise<T>, discard?: (late: T) => void): Promise<T>;
}

/**
 * Starts a deadline: a signal that fires after `ms` milliseconds or when `signal` does,
 * until `clear()` is called. `Infinity` never expires. Call `clear()` once the awaited
 * thing arrived: whatever follows it watches the caller's signal itself.
 *
 * @param ms How long to allow (at most {@linkcode MAX_TIMER_MS}, or `Infinity`).
 * @param signal The caller's signal, if any.
 * @returns The deadline.
 *
 * @example Usage
 * ```ts
 * import { startDeadline } from "./timeout.ts";
 * import assert from "node:assert/strict";
 *
 * const deadline = startDeadline(60_000);
 * assert.equal(deadline.signal.aborted, false);
 * deadline.clear();
 * assert.equal(deadline.expired, false);
 * ```
 */
export function startDeadline(ms: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  // One shared timer for all deadlines (a `setTimeout` each costs about 10 µs).
  const timer = ms === Infinity ? undefined : startSharedTimer(ms, () => {
    expired = true;
    controller.abort(new DOMException(`No answer within ${ms} ms`, "TimeoutError"));
  });
  // A listener taken off again in `clear()`, rather than `AbortSignal.any`: that costs
  // several times more, and one is made for every request.
  let onAbort: (() => void) | undefined;
  if (signal?.aborted) controller.abort(signal.reason);
  else if (signal !== undefined) {
    onAbort = () => controller.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  }
  const deadlineSignal = controller.signal;
  return {
    signal: deadlineSignal,
    get expired(): boolean {
      return expired;
    },
    clear(): void {
      timer?.cancel();
      if (onAbort !== undefined) signal!.removeEventListener("abort", onAbort);
      onAbort = undefined;
    },
    race: (promise, discard) => raceSignal(deadlineSignal, promise, discard),
  };
}

function raceSignal<T>(
  signal: AbortSignal,
  promise: Promise<T>,
  discard: ((late: T) => void) | undefined,
): Promise<T> {
  if (signal.aborted) {
    promise.then(discard, () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason);
      promise.then(discard, () => {});
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then((value) => {
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    }, (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

/**
 * Reads one chunk, or gives up after `timeoutMs` (resolving `"timeout"`) or when `signal`
 * fires (rejecting with its reason), whether or not the stream heeds the signal. The
 * timer and listener are gone when it settles.
 *
 * @param reader The reader to read from.
 * @param timeoutMs How long to wait (at most {@linkcode MAX_TIMER_MS}, or `Infinity`).
 * @param signal Cancels the wait.
 * @returns The read's result, or `"timeout"`.
 *
 * @example Usage
 * ```ts
 * import { readWithin } from "./timeout.ts";
 * import assert from "node:assert/strict";
 *
 * const silent = new ReadableStream<Uint8Array>();
 * const reader = silent.getReader();
 * assert.equal(await readWithin(reader, 10), "timeout");
 * await reader.cancel();
 * ```
 */
export async function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ReadableStreamReadResult<T> | "timeout"> {
  signal?.throwIfAborted();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const waits: Promise<ReadableStreamReadResult<T> | "timeout">[] = [reader.read()];
  if (timeoutMs !== Infinity) {
    waits.push(
      new Promise((resolve) =>
        timer = setTimeout(() => resolve("timeout"), clampDelayMs(timeoutMs))
      ),
    );
  }
  if (signal !== undefined) {
    waits.push(
      new Promise((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    );
  }
  try {
    return await Promise.race(waits);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
  }
}
