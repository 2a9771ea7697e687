/**
 * A builder for the `x-codex-*` rate-limit headers, the inverse of
 * `parseRateLimitHeaders`, for scripted answers.
 *
 * @module
 */

/** One rate-limit window, as {@linkcode rateLimitHeaders} writes it. */
export interface RateLimitWindowInit {
  /** Written as `…-used-percent`. */
  usedPercent: number;
  /** Written as `…-window-minutes`, when set. */
  windowMinutes?: number;
  /** Written as `…-reset-at` (Unix seconds), when set. */
  resetsAt?: number;
}

/** What {@linkcode rateLimitHeaders} writes; every field is optional. */
export interface RateLimitHeadersInit {
  /**
   * The limit family: `codex` writes `x-codex-*`, `codex_other` writes `x-codex-other-*`.
   *
   * @default {"codex"}
   */
  limitId?: string;
  /** Written as `x-<family>-limit-name`. */
  limitName?: string;
  /** The primary window. */
  primary?: RateLimitWindowInit;
  /** The secondary window. */
  secondary?: RateLimitWindowInit;
  /** Written as the shared `x-codex-credits-*` headers. */
  credits?: { hasCredits: boolean; unlimited: boolean; balance?: string };
  /** Written as `x-codex-active-limit`: the family a usage-limit error speaks of. */
  activeLimit?: string;
  /** Written as `x-codex-promo-message`. */
  promoMessage?: string;
  /** Written as `retry-after` (seconds). */
  retryAfterSeconds?: number;
  /** Written as `retry-after-ms`. */
  retryAfterMs?: number;
}

/**
 * Builds the rate-limit headers a Codex backend sends, for a mock response's `headers`.
 * What it writes, `parseRateLimitHeaders` reads back.
 *
 * @param init The family, windows, credits and retry delay.
 * @returns The headers as a plain object.
 *
 * @example A 429 that asks to wait, with a full primary window
 * ```ts
 * import { rateLimitHeaders } from "./rate_limit_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   rateLimitHeaders({ primary: { usedPercent: 100, windowMinutes: 300 }, retryAfterSeconds: 20 }),
 *   {
 *     "x-codex-primary-used-percent": "100",
 *     "x-codex-primary-window-minutes": "300",
 *     "retry-after": "20",
 *   },
 * );
 * ```
 */
export function rateLimitHeaders(init: RateLimitHeadersInit): Record<string, string> {
  const family = (init.limitId ?? "codex").toLowerCase().replaceAll("_", "-");
  const prefix = `x-${family}`;
  const headers: Record<string, string> = {};
  if (init.limitName !== undefined) headers[`${prefix}-limit-name`] = init.limitName;
  for (
    const [name, window] of [["primary", init.primary], ["secondary", init.secondary]] as const
  ) {
    if (window === undefined) continue;
    headers[`${prefix}-${name}-used-percent`] = String(window.usedPercent);
    if (window.windowMinutes !== undefined) {
      headers[`${prefix}-${name}-window-minutes`] = String(window.windowMinutes);
    }
    if (window.resetsAt !== undefined) {
      headers[`${prefix}-${name}-reset-at`] = String(window.resetsAt);
    }
  }
  if (init.credits !== undefined) {
    headers["x-codex-credits-has-credits"] = String(init.credits.hasCredits);
    headers["x-codex-credits-unlimited"] = String(init.credits.unlimited);
    if (init.credits.balance !== undefined) {
      headers["x-codex-credits-balance"] = init.credits.balance;
    }
  }
  if (init.activeLimit !== undefined) headers["x-codex-active-limit"] = init.activeLimit;
  if (init.promoMessage !== undefined) headers["x-codex-promo-message"] = init.promoMessage;
  if (init.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(init.retryAfterSeconds);
  }
  if (init.retryAfterMs !== undefined) headers["retry-after-ms"] = String(init.retryAfterMs);
  return headers;
}
