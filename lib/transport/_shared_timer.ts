// One `setTimeout` for many deadlines. Every request has a headers deadline and every body
// an idle timer; with a timer each, a thousand concurrent streams pay about 10 µs per
// `setTimeout` and `clearTimeout` pair in Deno. Here a deadline is an entry in a binary heap,
// and one timer is armed for the earliest: starting a deadline is a push, cancelling one
// marks it (it is dropped when it reaches the top, or when dead entries outnumber the live
// ones), and the timer is re-armed only for a deadline sooner than the armed one.
//
// The timer is cleared as soon as no deadline is live, so nothing keeps the process (or a
// test's timer sanitizer) waiting. `setTimeout`, `clearTimeout` and `performance.now` are
// read from the globals at each use, so fake clocks in tests drive it as they drive a
// plain timer.

// A timer waits at most 2^31 - 1 ms: a later deadline wakes it early, and it re-arms. (The
// import cycle with timeout.ts is used only at call time.)
import { clampDelayMs } from "./timeout.ts";

/** A deadline started by {@linkcode startSharedTimer}. */
export class SharedTimer {
  /** When it fires (`performance.now()` time). */
  readonly at: number;
  /** Breaks ties between deadlines due at the same time: the first started fires first. */
  readonly order: number;
  #callback: () => void;
  #live = true;

  constructor(at: number, order: number, callback: () => void) {
    this.at = at;
    this.order = order;
    this.#callback = callback;
  }

  /** Whether it has neither fired nor been cancelled. */
  get live(): boolean {
    return this.#live;
  }

  /** Stops it; nothing happens if it fired or was cancelled already. */
  cancel(): void {
    if (!this.#live) return;
    this.#live = false;
    // Until it leaves the heap, it holds nothing of its owner's.
    this.#callback = noop;
    liveCount--;
    if (liveCount === 0) reset();
    else if (heap.length > COMPACT_MIN_ENTRIES && heap.length > 2 * liveCount) compact();
  }

  /** Called by the queue when it is due. */
  fire(): void {
    if (!this.#live) return;
    this.#live = false;
    liveCount--;
    if (liveCount === 0) reset();
    this.#callback();
  }
}

const COMPACT_MIN_ENTRIES = 1024;
const heap: SharedTimer[] = [];
let liveCount = 0;
let started = 0;
let armed: ReturnType<typeof setTimeout> | undefined;
let armedAt = Infinity;
// The clock the timer was armed on: a test may swap `setTimeout` for a fake one (and back)
// while deadlines are live, and each clock's timer is cleared with that clock's own
// `clearTimeout`.
let armedOn: typeof setTimeout | undefined;
let clearArmed: typeof clearTimeout | undefined;

function noop(): void {}

/**
 * Calls `callback` after `delayMs` milliseconds, unless the returned timer is cancelled
 * first.
 *
 * @param delayMs The delay; `NaN` and negatives mean 0.
 * @param callback What to call.
 * @returns The timer, to cancel.
 */
export function startSharedTimer(delayMs: number, callback: () => void): SharedTimer {
  const now = performance.now();
  const timer = new SharedTimer(now + clampDelayMs(delayMs), started++, callback);
  push(timer);
  liveCount++;
  // On a swapped clock the armed timer may never fire: it is armed again on this one.
  if (timer.at < armedAt || armedOn !== setTimeout) arm(now, heap[0].at);
  return timer;
}

function arm(now: number, at: number): void {
  disarm();
  armedAt = at;
  armedOn = setTimeout;
  clearArmed = clearTimeout;
  armed = setTimeout(fireDue, clampDelayMs(Math.ceil(at - now)));
}

function disarm(): void {
  if (armed !== undefined) clearArmed!(armed);
  armed = undefined;
  armedAt = Infinity;
  armedOn = undefined;
}

function fireDue(): void {
  armed = undefined;
  armedAt = Infinity;
  armedOn = undefined;
  const now = performance.now();
  const due: SharedTimer[] = [];
  while (heap.length > 0 && (!heap[0].live || heap[0].at <= now)) {
    const timer = pop();
    if (timer.live) due.push(timer);
  }
  if (heap.length > 0) arm(now, heap[0].at);
  for (const timer of due) timer.fire();
}

function reset(): void {
  disarm();
  heap.length = 0;
}

// Keeps the live entries only; the armed timer stays (the earliest live one is unchanged or
// later, and an early wake-up re-arms).
function compact(): void {
  let kept = 0;
  for (const timer of heap) if (timer.live) heap[kept++] = timer;
  heap.length = kept;
  for (let i = (kept >> 1) - 1; i >= 0; i--) siftDown(i);
}

function before(a: SharedTimer, b: SharedTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

function push(timer: SharedTimer): void {
  let i = heap.length;
  heap.push(timer);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(timer, heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = timer;
}

function pop(): SharedTimer {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    siftDown(0);
  }
  return top;
}

function siftDown(start: number): void {
  const timer = heap[start];
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && before(heap[right], heap[left]) ? right : left;
    if (!before(heap[child], timer)) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = timer;
}
