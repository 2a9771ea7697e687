/**
 * Codex's exponential backoff and an abortable sleep.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { clampDelayMs } from "./timeout.ts";

/** Options of {@linkcode backoffDelayMs}. */
export interface BackoffOptions {
  /** The delay before the first retry, before jitter. @default {200} */
  baseDelayMs?: number;
  /** A source of numbers in [0, 1) for the jitter. @default {Math.random} */
  random?: () => number;
}

/**
 * The delay before retry `attempt` (from 1): `baseDelayMs × 2^(attempt−1)` times a jitter
 * in [0.9, 1.1), at most 2³¹−1 ms (the longest a timer can wait).
 *
 * @param attempt Which retry, from 1.
 * @param options The base delay and the jitter source.
 * @returns The delay in milliseconds.
 *
 * @example Usage
 * ```ts
 * import { backoffDelayMs } from "./backoff.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(backoffDelayMs(1, { random: () => 0.5 }), 200);
 * assert.equal(backoffDelayMs(3, { random: () => 0 }), 720);
 * ```
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseDelayMs ?? 200;
  const jitter = 0.9 + 0.2 * (options.random ?? Math.random)();
  return clampDelayMs(Math.round(base * 2 ** (attempt - 1) * jitter));
}

/**
 * The wait before an unbounded connection retry (Codex's "waiting for network"): the first
 * delay, doubled after each retry, up to a cap; no jitter.
 *
 * @param retry Which retry, from 1.
 * @param baseDelayMs The first wait.
 * @param maxDelayMs The longest wait.
 * @returns The delay in milliseconds.
 *
 * @example Usage
 * ```ts
 * import { connectionDelayMs } from "./backoff.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(connectionDelayMs(3, 5_000, 60_000), 20_000);
 * assert.equal(connectionDelayMs(9, 5_000, 60_000), 60_000);
 * ```
 */
export function connectionDelayMs(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(baseDelayMs * 2 ** Math.min(retry - 1, 30), maxDelayMs);
}

/**
 * Waits `ms` milliseconds, or rejects with an `aborted` {@linkcode CodexWireError} as soon
 * as `signal` fires. Leaves no timer or listener behind. A delay above 2³¹−1 ms waits
 * 2³¹−1 ms (a timer would otherwise fire at once).
 *
 * @param ms How long to wait.
 * @param signal Cancels the wait.
 * @returns A promise that settles after the wait.
 *
 * @example Usage
 * ```ts
 * import { abortableSleep } from "./backoff.ts";
 * await abortableSleep(1);
 * ```
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, clampDelayMs(ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The error for a fired signal: kind `aborted`, the signal's reason as `cause`.
 *
 * @param signal The fired signal.
 * @returns The error.
 *
 * @example Usage
 * ```ts
 * import { abortedError } from "./backoff.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(abortedError(AbortSignal.abort()).kind, "aborted");
 * ```
 */
export function abortedError(signal: AbortSignal): CodexWireError {
  return new CodexWireError("The request was aborted by its signal", {
    kind: "aborted",
    cause: signal.reason,
  });
}
