// Hands out the events of a source that yields them in batches, one `next()` at a time.
// The SSE turn yields every event decoded from one network read as one batch: passing
// them on from a plain iterator costs a resolved promise per event, where yielding each
// from the generator costs a generator resume (bench/sse_profile.ts, last stage).

import type { ResponseEvent } from "./response_event.ts";

type Batches = AsyncGenerator<readonly ResponseEvent[], void, undefined>;

/** Options of {@linkcode flattenBatches}. */
export interface FlattenBatchesOptions {
  /**
   * Stops the work behind the source at once (aborts its request), as the `cancel` of
   * `ResponseStream` does: called when the iteration is left early, so that a pull still
   * waiting on the source settles at once, as done.
   */
  cancel?: () => void;
  /** Changes each batch before its events are handed out (adds or drops events). */
  transform?: (batch: readonly ResponseEvent[]) => readonly ResponseEvent[];
}

/** Events handed out one at a time, or the rest of the current batch at once. */
export interface BatchedEvents extends AsyncIterator<ResponseEvent, void, undefined> {
  /** The events not handed out yet of the current batch, else the next non-empty batch. */
  nextBatch(): Promise<IteratorResult<readonly ResponseEvent[], void>>;
}

/**
 * The events of `source`, in order. Leaving early (`return()`) or `throw()` is passed on to
 * the source, so a generator's `finally` (releasing its connection) runs as before.
 *
 * @param source The batches.
 * @param options How to stop the source's work at once.
 * @returns An iterator of single events, which hands out whole batches too.
 */
export function flattenBatches(
  source: Batches,
  options: FlattenBatchesOptions = {},
): BatchedEvents {
  return new BatchIterator(source, options.cancel, options.transform);
}

class BatchIterator implements BatchedEvents {
  #source: Batches;
  #batch: readonly ResponseEvent[] = [];
  #index = 0;
  // A pull of the next batch in flight: later calls wait for it, keeping their order.
  #pulling: Promise<unknown> | undefined;

  #cancel: (() => void) | undefined;
  #cancelled = false;

  #transform: ((batch: readonly ResponseEvent[]) => readonly ResponseEvent[]) | undefined;

  constructor(
    source: Batches,
    cancel: (() => void) | undefined,
    transform: ((batch: readonly ResponseEvent[]) => readonly ResponseEvent[]) | undefined,
  ) {
    this.#source = source;
    this.#cancel = cancel;
    this.#transform = transform;
  }

  next(): Promise<IteratorResult<ResponseEvent, void>> {
    if (this.#pulling !== undefined) {
      return this.#pulling.then(() => this.next(), () => this.next());
    }
    if (this.#index < this.#batch.length) {
      return Promise.resolve({ done: false, value: this.#batch[this.#index++] });
    }
    return this.#startPull(false) as Promise<IteratorResult<ResponseEvent, void>>;
  }

  nextBatch(): Promise<IteratorResult<readonly ResponseEvent[], void>> {
    if (this.#pulling !== undefined) {
      return this.#pulling.then(() => this.nextBatch(), () => this.nextBatch());
    }
    if (this.#index < this.#batch.length) {
      const rest = this.#index === 0 ? this.#batch : this.#batch.slice(this.#index);
      this.#index = this.#batch.length;
      return Promise.resolve({ done: false, value: rest });
    }
    return this.#startPull(true) as Promise<IteratorResult<readonly ResponseEvent[], void>>;
  }

  async return(): Promise<IteratorResult<ResponseEvent, void>> {
    this.#batch = [];
    this.#index = 0;
    // A generator queues `return()` behind a pending `next()`; cancelling first makes that
    // pull settle at once, as done, rather than after data or the idle timeout.
    this.#cancelled = true;
    this.#cancel?.();
    return this.#take(await this.#source.return(undefined), false) as IteratorResult<
      ResponseEvent,
      void
    >;
  }

  /**
   * Ends the iteration as `return()` does (the request is cancelled, not retried), then
   * rejects with `error`.
   */
  async throw(error?: unknown): Promise<IteratorResult<ResponseEvent, void>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterator<ResponseEvent, void, undefined> {
    return this;
  }

  #startPull(whole: boolean): Promise<Taken> {
    const pulling = this.#pull(whole);
    this.#pulling = pulling;
    pulling.then(() => this.#settle(pulling), () => this.#settle(pulling));
    return pulling;
  }

  #settle(pulling: Promise<unknown>): void {
    if (this.#pulling === pulling) this.#pulling = undefined;
  }

  async #pull(whole: boolean): Promise<Taken> {
    let result: IteratorResult<readonly ResponseEvent[], void>;
    try {
      result = await this.#source.next();
    } catch (error) {
      if (this.#cancelled) return { done: true, value: undefined };
      throw error;
    }
    return this.#take(result, whole);
  }

  // What the source gave (its first event, or all of it when `whole`), pulling again past
  // empty batches.
  #take(
    result: IteratorResult<readonly ResponseEvent[], void>,
    whole: boolean,
  ): Taken | Promise<Taken> {
    // Nothing is handed out once the iteration was left, whatever a pull still brought.
    if (result.done === true || this.#cancelled) return { done: true, value: undefined };
    const batch = this.#transform === undefined ? result.value : this.#transform(result.value);
    if (batch.length === 0) return this.#pull(whole);
    this.#batch = batch;
    this.#index = whole ? batch.length : 1;
    return { done: false, value: whole ? batch : batch[0] };
  }
}

type Taken = IteratorResult<ResponseEvent | readonly ResponseEvent[], void>;
