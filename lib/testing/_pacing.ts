/**
 * Pacing shared by the scripted mock servers: a piece of a script (an SSE body chunk, a
 * WebSocket frame) may wait for a gate and then a delay, and every wait gives way at once
 * when the server closes or the peer goes away.
 *
 * @module
 */

import { MAX_TIMER_MS } from "../transport/timeout.ts";

/** When a scripted piece may be sent. */
export interface Pacing {
  /** Milliseconds to wait, counted after the gate. */
  delayMs: number;
  /** A promise that holds the piece back until it resolves; a rejection breaks the connection. */
  gate: Promise<unknown> | undefined;
}

/**
 * Checks a piece's pacing fields and returns them with defaults. A gate is marked handled
 * at once: it may reject long before its piece is reached.
 *
 * @param source The `delayMs` and `gate` as scripted.
 * @param where Where the piece is, for the error message.
 * @returns The pacing.
 * @throws {RangeError} When `delayMs` is negative, not finite, or past the longest timer.
 */
export function toPacing(
  source: { delayMs?: number; gate?: Promise<unknown> },
  where: string,
): Pacing {
  const delayMs = source.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_TIMER_MS) {
    throw new RangeError(
      `${where}: delayMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${delayMs}`,
    );
  }
  source.gate?.catch(() => {});
  return { delayMs, gate: source.gate };
}

/**
 * Waits for a piece's gate, then its delay.
 *
 * @param pacing The piece's pacing.
 * @param signal Stops the wait.
 * @returns `true` when the piece may go, `false` when the signal fired first.
 * @throws When the gate rejects.
 */
export async function waitForPacing(pacing: Pacing, signal: AbortSignal): Promise<boolean> {
  if (pacing.gate !== undefined && !await settledUnlessAborted(pacing.gate, signal)) return false;
  if (pacing.delayMs > 0 && !await sleepUnlessAborted(pacing.delayMs, signal)) return false;
  return !signal.aborted;
}

/**
 * Resolves `true` when `gate` resolves, `false` on abort; rejects when `gate` rejects.
 *
 * @param gate The gate.
 * @param signal Stops the wait.
 * @returns Whether the gate opened.
 */
export function settledUnlessAborted(
  gate: Promise<unknown>,
  signal: AbortSignal,
): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve, reject) => {
    function onAbort(): void {
      resolve(false);
    }
    signal.addEventListener("abort", onAbort, { once: true });
    gate.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Resolves `true` after `ms`, or `false` on abort (clearing the timer).
 *
 * @param ms How long to wait.
 * @param signal Stops the wait.
 * @returns Whether the whole time passed.
 */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    function onAbort(): void {
      clearTimeout(timer);
      resolve(false);
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Resolves when the signal fires.
 *
 * @param signal The signal.
 * @returns A promise that resolves on abort.
 */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
