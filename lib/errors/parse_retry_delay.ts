/**
 * The retry delay a `rate_limit_exceeded` failure suggests in its message.
 *
 * @module
 */

/**
 * "try again in" + optional blanks + a number (integer or decimal) + optional blanks + a
 * unit `s`, `ms` or `second(s)`, in any case. The alternatives are tried in order, so
 * "35 seconds" matches as `s`, like the Rust pattern Codex uses.
 */
const RETRY_DELAY_REGEXP = /try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)/i;

/**
 * Reads the delay from a rate-limit message such as "Please try again in 11.054s.".
 *
 * Seconds become milliseconds; the result is rounded to a whole millisecond (Codex
 * truncates sub-millisecond `ms` values; the difference is below a millisecond).
 *
 * @param message The `error.message` of a `response.failed` event.
 * @returns The delay in milliseconds, or `undefined` when the message names none.
 *
 * @example Usage
 * ```ts
 * import { parseRetryDelayMs } from "./parse_retry_delay.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseRetryDelayMs("Please try again in 11.054s. Visit …"), 11054);
 * assert.equal(parseRetryDelayMs("Please try again in 28ms."), 28);
 * assert.equal(parseRetryDelayMs("Rate limit exceeded. Try again in 35 seconds."), 35000);
 * assert.equal(parseRetryDelayMs("Rate limit exceeded."), undefined);
 * ```
 */
export function parseRetryDelayMs(message: string): number | undefined {
  const match = RETRY_DELAY_REGEXP.exec(message);
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = match[2].toLowerCase();
  const ms = unit === "ms" ? value : value * 1000;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}
