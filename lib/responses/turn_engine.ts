/**
 * The transport-neutral part of streaming one response: the stream retry loop with its
 * `reconnecting` events and backoff, and the switch from one transport to its fallback.
 * A transport adapter (HTTP + SSE, WebSocket) opens attempts; each attempt maps its wire
 * events with the shared mapper, applies the completion rules and bounds every wait by
 * the idle timeout.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { abortableSleep, abortedError, backoffDelayMs } from "../transport/backoff.ts";
import { clampDelayMs } from "../transport/timeout.ts";
import type { ResponseEvent } from "./response_event.ts";
import { fallbackMessage } from "./ws_fallback.ts";

/** One attempt at a response, opened by a {@linkcode TurnTransport}. */
export interface TurnAttempt {
  /** Whether the response completed: nothing follows the last batch. */
  readonly completed: boolean;
  /**
   * Waits (within the idle timeout) for the next events: at least one, up to and
   * including `completed`.
   *
   * @returns The events.
   * @throws {CodexWireError} When the attempt fails.
   */
  next(): Promise<ResponseEvent[]>;
  /**
   * Ends the attempt: after completion it hands resources back, before it cancels them.
   *
   * @returns A promise that settles when the resources are released.
   */
  close(): Promise<void>;
}

/** What {@linkcode TurnTransport.open} found. */
export type OpenedAttempt = TurnAttempt | { fallbackNow: CodexWireError };

/** A transport adapter: opens attempts of one response. */
export interface TurnTransport {
  /**
   * Opens one attempt. It may yield events first (request-layer retries, the events an
   * answer's headers stand for). It returns `{ fallbackNow }` when the transport cannot
   * serve and its fallback should take over at once.
   *
   * @param signal Cancels the attempt.
   * @param budget The retries of the whole response so far and their limit; a request-layer
   * retry counts against it too.
   * @returns The attempt.
   */
  open(
    signal: AbortSignal | undefined,
    budget: RetryBudget,
  ): AsyncGenerator<ResponseEvent, OpenedAttempt, undefined>;
  /**
   * The transport that takes over when this one cannot serve, or has failed with a
   * retryable error after every stream retry; `switched` is called when it does.
   */
  readonly fallback?: { transport: TurnTransport; switched(): void };
}

/** The retries of one response in all, both layers counted, and their limit. */
export interface RetryBudget {
  /** The retries made so far. */
  used: number;
  /** The most there may be (`RetryOptions.maxRetries`). */
  readonly max: number;
}

/** Retry settings: transport retries before headers arrive, and stream retries of a whole response. */
export interface RetryOptions {
  /** Retries of one HTTP request before its headers arrive (5xx, network). @default 4 */
  requestMaxRetries?: number;
  /** Retries of a whole response after a retryable failure. @default 5 */
  streamMaxRetries?: number;
  /**
   * The most retries of one response in all, both layers counted: a budget that ends
   * the retrying before the layers' own limits do.
   *
   * @default {(requestMaxRetries + 1) * (streamMaxRetries + 1) - 1, every retry the layers allow}
   */
  maxRetries?: number;
  /** The delay before the first retry, doubled after each. @default 200 */
  baseDelayMs?: number;
  /** Wait as long as `retry-after-ms` / `Retry-After` ask, when present. @default true */
  honorRetryAfter?: boolean;
  /** The longest wait a server may ask for, in milliseconds. @default 60000 */
  maxRetryAfterMs?: number;
  /** A source of numbers in [0, 1) for the jitter. @default {Math.random} */
  random?: () => number;
  /**
   * How connection failures (no answer at all: refused, reset, DNS) are retried before
   * headers arrive. `bounded`: they share `requestMaxRetries` with 5xx answers.
   * `unbounded`: as Codex does today, they are retried without limit, waiting
   * `connectionBaseDelayMs` doubled each time up to `connectionMaxDelayMs`, and do not use
   * up `requestMaxRetries`; only the signal stops them. The same holds for a WebSocket that
   * cannot be opened (where, with `transport: "auto"`, the fallback policy decides first).
   * @default {"bounded"}
   */
  connectionRetries?: "bounded" | "unbounded";
  /** The first wait of an unbounded connection retry. @default 5000 */
  connectionBaseDelayMs?: number;
  /** The longest wait of an unbounded connection retry. @default 60000 */
  connectionMaxDelayMs?: number;
}

/** Options of {@linkcode runTurn}. */
export interface RunTurnOptions {
  /** The stream retry settings, defaults applied. */
  retry:
    & Pick<
      Required<RetryOptions>,
      "streamMaxRetries" | "baseDelayMs" | "random" | "maxRetryAfterMs"
    >
    & Pick<RetryOptions, "maxRetries">;
  /** Cancels everything. */
  signal?: AbortSignal;
  /**
   * Called with each event of a response; an event it returns is yielded right after
   * that one (the session adds `modelReroute` this way, without another generator layer).
   */
  follow?: (event: ResponseEvent) => ResponseEvent | undefined;
  /** Telemetry hooks (`onRetry`). */
  telemetry?: Telemetry;
}

/**
 * Streams one response over `transport`, retrying as Codex does: a retryable failure
 * yields `reconnecting` (layer `stream`) and, after a backoff (or the server's delay), a
 * new attempt; when the retries are spent, or the transport says so at once, its
 * fallback takes over with a `transportFallback` event and a fresh retry budget.
 *
 * @param transport The transport adapter.
 * @param options Retry settings, a signal, telemetry.
 * @returns The events; failures are thrown as {@linkcode CodexWireError}.
 *
 * @example A transport whose only attempt completes at once
 * ```ts
 * import { runTurn, type TurnTransport } from "./turn_engine.ts";
 * import assert from "node:assert/strict";
 *
 * const transport: TurnTransport = {
 *   // deno-lint-ignore require-yield
 *   async *open() {
 *     let done = false;
 *     return {
 *       get completed() { return done; },
 *       next() {
 *         done = true;
 *         return Promise.resolve([{ type: "completed" as const, responseId: "r1", tokenUsage: null }]);
 *       },
 *       close: () => Promise.resolve(),
 *     };
 *   },
 * };
 * const retry = { streamMaxRetries: 0, baseDelayMs: 1, random: Math.random, maxRetryAfterMs: 1 };
 * const types: string[] = [];
 * for await (const event of runTurn(transport, { retry })) types.push(event.type);
 * assert.deepEqual(types, ["completed"]);
 * ```
 */
export async function* runTurn(
  transport: TurnTransport,
  options: RunTurnOptions,
): AsyncGenerator<ResponseEvent, void, undefined> {
  for await (const batch of runTurnBatches(transport, options)) {
    for (let i = 0; i < batch.length; i++) yield batch[i];
  }
}

/**
 * {@linkcode runTurn} in batches: the events of one piece of a read come together, so a
 * reader can hand them out without a generator resume per event (the sessions do, through
 * `flattenBatches`). `follow` is applied to each batch as it is made.
 *
 * @param transport The transport adapter.
 * @param options Retry settings, a signal, telemetry.
 * @returns The events in batches; failures are thrown as {@linkcode CodexWireError}.
 *
 * @example Counting the events of a turn
 * ```ts ignore
 * let events = 0;
 * for await (const batch of runTurnBatches(transport, { retry })) events += batch.length;
 * ```
 */
export async function* runTurnBatches(
  transport: TurnTransport,
  options: RunTurnOptions,
): AsyncGenerator<readonly ResponseEvent[], void, undefined> {
  const { retry, signal, telemetry, follow } = options;
  // Retries made so far, both layers counted, against `retry.maxRetries`.
  const budget: RetryBudget = { used: 0, max: retry.maxRetries ?? Infinity };
  let current = transport;
  for (let streamRetry = 0;; streamRetry++) {
    let failure: CodexWireError;
    try {
      const opening = current.open(signal, budget);
      let step = await opening.next();
      try {
        for (; !step.done; step = await opening.next()) {
          yield follow === undefined ? [step.value] : withFollow([step.value], follow);
        }
      } finally {
        // Left (or thrown into) at one of the opening's events: let it release what it holds.
        if (!step.done) await opening.return(undefined as never);
      }
      const opened = step.value;
      if ("fallbackNow" in opened) {
        const fallback = current.fallback;
        if (fallback === undefined) throw opened.fallbackNow;
        yield [switchEvent(opened.fallbackNow, fallback)];
        current = fallback.transport;
        streamRetry = -1;
        continue;
      }
      try {
        do {
          const batch = await opened.next();
          yield follow === undefined ? batch : withFollow(batch, follow);
        } while (!opened.completed);
      } finally {
        await opened.close();
      }
      return;
    } catch (error) {
      failure = toCodexWireError(error, signal);
      if (failure.kind === "aborted" || !failure.retryable) throw failure;
      if (streamRetry >= retry.streamMaxRetries) {
        const fallback = current.fallback;
        if (fallback === undefined) throw failure;
        yield [switchEvent(failure, fallback)];
        current = fallback.transport;
        streamRetry = -1;
        continue;
      }
      if (budget.used >= budget.max) throw failure;
    }
    const delayMs = failure.retryAfterMs !== undefined
      ? clampDelayMs(failure.retryAfterMs, retry.maxRetryAfterMs)
      : backoffDelayMs(streamRetry + 1, { baseDelayMs: retry.baseDelayMs, random: retry.random });
    budget.used++;
    yield [reconnectingEvent(
      telemetry,
      "stream",
      streamRetry + 1,
      retry.streamMaxRetries,
      delayMs,
      failure,
      budget,
    )];
    await abortableSleep(delayMs, signal);
  }
}

// The batch with `follow`'s extra events after the events that called for them.
function withFollow(
  batch: readonly ResponseEvent[],
  follow: (event: ResponseEvent) => ResponseEvent | undefined,
): readonly ResponseEvent[] {
  let out: ResponseEvent[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const extra = follow(batch[i]);
    if (out === undefined && extra === undefined) continue;
    out ??= batch.slice(0, i);
    out.push(batch[i]);
    if (extra !== undefined) out.push(extra);
  }
  return out ?? batch;
}

/**
 * A `reconnecting` event, reported to telemetry as it is made.
 *
 * @param telemetry Telemetry hooks (`onRetry`).
 * @param layer Which retry layer.
 * @param attempt Which retry, from 1.
 * @param maxAttempts How many the layer allows (`Infinity` for none).
 * @param delayMs The wait before it.
 * @param error What failed.
 * @param budget The retries of the response in all (the event's `retry` and `maxRetries`);
 * without it they are the layer's.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reconnectingEvent } from "./turn_engine.ts";
 * import { CodexWireError } from "../errors/codex_wire_error.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new CodexWireError("stream closed before response.completed", { kind: "stream" });
 * const event = reconnectingEvent(undefined, "stream", 1, 5, 200, error);
 * assert.equal(event.type, "reconnecting");
 * ```
 */
export function reconnectingEvent(
  telemetry: Telemetry | undefined,
  layer: "request" | "stream" | "connection",
  attempt: number,
  maxAttempts: number,
  delayMs: number,
  error: CodexWireError,
  budget?: RetryBudget,
): ResponseEvent {
  telemetry?.onRetry?.({ layer, attempt, maxAttempts, delayMs, error });
  const retry = budget?.used ?? attempt;
  const maxRetries = budget?.max ?? maxAttempts;
  return { type: "reconnecting", layer, attempt, maxAttempts, retry, maxRetries, delayMs, error };
}

function switchEvent(
  error: CodexWireError,
  fallback: { switched(): void },
): ResponseEvent {
  fallback.switched();
  return {
    type: "transportFallback",
    from: "websocket",
    to: "sse",
    message: fallbackMessage(error),
    error,
  };
}

/**
 * Wraps anything thrown into a {@linkcode CodexWireError}; a fired signal always wins.
 *
 * @param error What was thrown.
 * @param signal The caller's signal.
 * @returns The error to surface.
 *
 * @example Usage
 * ```ts
 * import { toCodexWireError } from "./turn_engine.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(toCodexWireError(new Error("boom")).kind, "stream");
 * assert.equal(toCodexWireError(new Error("boom"), AbortSignal.abort()).kind, "aborted");
 * ```
 */
export function toCodexWireError(error: unknown, signal?: AbortSignal): CodexWireError {
  if (signal?.aborted) {
    return error instanceof CodexWireError && error.kind === "aborted"
      ? error
      : abortedError(signal);
  }
  if (error instanceof CodexWireError) return error;
  return new CodexWireError(
    `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    { kind: "stream", retryable: true, cause: error },
  );
}
