/**
 * {@linkcode IdleReader}: reads a stream with a timeout per read and a cancel signal,
 * without a timer, a listener or a promise race per read.
 *
 * A read that must end by a deadline is the plain `reader.read()`: one entry per stream
 * in the shared timer (lib/transport/_shared_timer.ts), re-armed only when it fires early
 * (it checks the deadline of the read in flight, a timestamp), and one abort listener per
 * stream. When the time is up or the signal
 * fires, the stream is cancelled, which settles the read in flight at once (as done)
 * whether or not the source behind it heeds anything; the read then reports why.
 *
 * @module
 */

import { type SharedTimer, startSharedTimer } from "./_shared_timer.ts";

/**
 * Reads a stream one chunk at a time, each read within its own timeout and all of them
 * cancelled by a signal. A read that timed out or was aborted cancels the stream: nothing
 * more can be read from it. Call {@linkcode IdleReader.close} when done with the stream.
 *
 * @example Usage
 * ```ts
 * import { IdleReader } from "./idle_reader.ts";
 * import assert from "node:assert/strict";
 *
 * const silent = new ReadableStream<Uint8Array>();
 * const reader = new IdleReader(silent.getReader());
 * assert.equal(await reader.read(10), "timeout");
 * reader.close();
 * ```
 */
export class IdleReader<T> {
  #reader: ReadableStreamDefaultReader<T>;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #timer: SharedTimer | undefined;
  // When the armed timer fires (performance.now()).
  #timerAt = 0;
  // The deadline of the read in flight; Infinity when none is.
  #due = Infinity;
  #timedOut = false;

  /**
   * Wraps a reader.
   *
   * @param reader The stream's reader; cancelled on timeout, abort and close.
   * @param signal Cancels every read, pending or later, with the signal's reason.
   */
  constructor(reader: ReadableStreamDefaultReader<T>, signal?: AbortSignal) {
    this.#reader = reader;
    this.#signal = signal;
    if (signal !== undefined && !signal.aborted) {
      this.#onAbort = () => this.#cancel(signal.reason);
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /**
   * Reads one chunk, or gives up after `timeoutMs` (resolving `"timeout"`) or when the
   * signal fires (rejecting with its reason).
   *
   * @param timeoutMs How long to wait (at most 2³¹−1, or `Infinity`); 0 or less times out at once.
   * @returns The read's result, or `"timeout"`.
   * @throws The signal's reason once it fired.
   */
  async read(timeoutMs: number): Promise<ReadableStreamReadResult<T> | "timeout"> {
    this.#signal?.throwIfAborted();
    if (this.#timedOut || !(timeoutMs > 0)) return "timeout";
    if (timeoutMs !== Infinity) {
      const now = performance.now();
      this.#due = now + timeoutMs;
      // A timer that fires later than this deadline is moved; one that fires sooner
      // re-arms itself for what is left.
      if (this.#timer === undefined || this.#timerAt > this.#due) this.#arm(now, timeoutMs);
    }
    let result: ReadableStreamReadResult<T>;
    try {
      result = await this.#reader.read();
    } finally {
      this.#due = Infinity;
    }
    this.#signal?.throwIfAborted();
    return this.#timedOut ? "timeout" : result;
  }

  /** Stops the timer and the listener, and cancels the stream; safe to call more than once. */
  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#onAbort !== undefined) {
      this.#signal!.removeEventListener("abort", this.#onAbort);
      this.#onAbort = undefined;
    }
    this.#cancel(undefined);
  }

  #arm(now: number, ms: number): void {
    this.#timer?.cancel();
    this.#timerAt = now + ms;
    this.#timer = startSharedTimer(Math.ceil(ms), this.#fire);
  }

  #fire = (): void => {
    this.#timer = undefined;
    // No read in flight: the next read arms the timer again.
    if (this.#due === Infinity) return;
    const now = performance.now();
    if (this.#due > now) {
      this.#arm(now, this.#due - now);
      return;
    }
    this.#timedOut = true;
    this.#cancel(new DOMException("No data within the idle timeout", "TimeoutError"));
  };

  #cancel(reason: unknown): void {
    // Cancelling an already broken stream may reject; there is nothing more to do then.
    this.#reader.cancel(reason).catch(() => {});
  }
}
