/**
 * The end-of-response summary lines of the human output: token usage and rate limits.
 *
 * @module
 */

import type { RateLimitSnapshot, RateLimitWindow } from "../ratelimits/rate_limit_snapshot.ts";
import type { TokenUsage } from "../responses/response_event.ts";

const NUMBER_FORMAT = new Intl.NumberFormat("en-US");

/**
 * Formats token usage as one line.
 *
 * @param usage The usage of a completed response.
 * @returns Such as `tokens: 1,024 input (512 cached), 96 output (64 reasoning), 1,120 total`.
 *
 * @example Usage
 * ```ts
 * import { formatTokenUsage } from "./usage_summary.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatTokenUsage({ inputTokens: 1024, cachedInputTokens: 512, outputTokens: 96, reasoningOutputTokens: 64, totalTokens: 1120 }),
 *   "tokens: 1,024 input (512 cached), 96 output (64 reasoning), 1,120 total",
 * );
 * ```
 */
export function formatTokenUsage(usage: TokenUsage): string {
  const n = (value: number): string => NUMBER_FORMAT.format(value);
  return `tokens: ${n(usage.inputTokens)} input (${n(usage.cachedInputTokens)} cached), ` +
    `${n(usage.outputTokens)} output (${n(usage.reasoningOutputTokens)} reasoning), ` +
    `${n(usage.totalTokens)} total`;
}

/**
 * Formats one rate-limit family as one line, or `undefined` when it has no window.
 *
 * @param snapshot The family's last snapshot.
 * @param nowMs The current time, for "resets in …".
 * @returns Such as `rate limit codex: primary 12.5% used of 5h, resets in 4h 10m; secondary …`.
 *
 * @example Usage
 * ```ts
 * import { formatRateLimit } from "./usage_summary.ts";
 * import assert from "node:assert/strict";
 *
 * const line = formatRateLimit({
 *   limitId: "codex", limitName: null, credits: null, planType: null,
 *   primary: { usedPercent: 12.5, windowMinutes: 300, resetsAt: 3600 },
 *   secondary: { usedPercent: 40, windowMinutes: 10080, resetsAt: null },
 * }, 0);
 * assert.equal(line, "rate limit codex: primary 12.5% used of 5h, resets in 1h 0m; secondary 40% used of 7d");
 * ```
 */
export function formatRateLimit(snapshot: RateLimitSnapshot, nowMs: number): string | undefined {
  const windows: string[] = [];
  if (snapshot.primary !== null) windows.push(`primary ${formatWindow(snapshot.primary, nowMs)}`);
  if (snapshot.secondary !== null) {
    windows.push(`secondary ${formatWindow(snapshot.secondary, nowMs)}`);
  }
  if (windows.length === 0) return undefined;
  const name = snapshot.limitName === null
    ? snapshot.limitId
    : `${snapshot.limitId} (${snapshot.limitName})`;
  return `rate limit ${name}: ${windows.join("; ")}`;
}

function formatWindow(window: RateLimitWindow, nowMs: number): string {
  let text = `${NUMBER_FORMAT.format(window.usedPercent)}% used`;
  if (window.windowMinutes !== null && window.windowMinutes > 0) {
    text += ` of ${formatMinutes(window.windowMinutes)}`;
  }
  if (window.resetsAt !== null) {
    const seconds = Math.round(window.resetsAt - nowMs / 1000);
    text += seconds > 0 ? `, resets in ${formatSeconds(seconds)}` : ", resets now";
  }
  return text;
}

/**
 * Formats a window length: `45m`, `5h`, `7d`, or `1h 30m`.
 *
 * @param minutes The length in minutes.
 * @returns The short form.
 *
 * @example Usage
 * ```ts
 * import { formatMinutes } from "./usage_summary.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatMinutes(300), "5h");
 * assert.equal(formatMinutes(10080), "7d");
 * assert.equal(formatMinutes(90), "1h 30m");
 * ```
 */
export function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/**
 * Formats a duration in whole units: `42s`, `5m 3s`, `4h 10m`, `2d 3h`.
 *
 * @param seconds The duration in seconds.
 * @returns The short form, with at most two units.
 *
 * @example Usage
 * ```ts
 * import { formatSeconds } from "./usage_summary.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatSeconds(42), "42s");
 * assert.equal(formatSeconds(15000), "4h 10m");
 * assert.equal(formatSeconds(183600), "2d 3h");
 * ```
 */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
