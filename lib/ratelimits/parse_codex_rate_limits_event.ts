/**
 * A rate-limit snapshot from the WebSocket `codex.rate_limits` event.
 *
 * @module
 */

import { normalizeLimitId } from "./_header_values.ts";
import {
  CODEX_RATE_LIMITS_EVENT_SCHEMA,
  type CodexRateLimitsEventWindow,
} from "./_codex_rate_limits_event_schema.ts";
import { type RateLimitSnapshot, type RateLimitWindow, toPlanType } from "./rate_limit_snapshot.ts";

/**
 * Maps a `codex.rate_limits` WebSocket event to a snapshot.
 *
 * `reset_at` becomes `resetsAt`; the family id is `metered_limit_name`, else
 * `limit_name`, normalised (trimmed, lower case, `-` → `_`), else `codex`; `limitName`
 * stays `null`; `plan_type` maps through {@linkcode toPlanType}; other fields
 * (`allowed`, `limit_reached`, `promo`, `code_review_rate_limits`, …) are ignored.
 *
 * @param value The parsed JSON of one WebSocket text frame.
 * @returns The snapshot, or `undefined` when the frame is not a `codex.rate_limits`
 * event or does not have its shape (Codex drops such frames).
 *
 * @example Usage
 * ```ts
 * import { parseCodexRateLimitsEvent } from "./parse_codex_rate_limits_event.ts";
 * import assert from "node:assert/strict";
 *
 * const snapshot = parseCodexRateLimitsEvent({
 *   type: "codex.rate_limits",
 *   plan_type: "plus",
 *   rate_limits: {
 *     allowed: true,
 *     primary: { used_percent: 42, window_minutes: 60, reset_at: 1700000000 },
 *     secondary: null,
 *   },
 *   credits: { has_credits: true, unlimited: false, balance: "123" },
 *   metered_limit_name: "codex",
 * });
 * assert.deepEqual(snapshot, {
 *   limitId: "codex",
 *   limitName: null,
 *   primary: { usedPercent: 42, windowMinutes: 60, resetsAt: 1700000000 },
 *   secondary: null,
 *   credits: { hasCredits: true, unlimited: false, balance: "123" },
 *   planType: "plus",
 * });
 * assert.equal(parseCodexRateLimitsEvent({ type: "response.created" }), undefined);
 * ```
 */
export function parseCodexRateLimitsEvent(value: unknown): RateLimitSnapshot | undefined {
  const parsed = CODEX_RATE_LIMITS_EVENT_SCHEMA.safeParse(value);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  // A blank name would give an empty id; Codex's merge turns that into `codex` anyway.
  const limitId = [event.metered_limit_name, event.limit_name]
    .map((name) => normalizeLimitId(name ?? ""))
    .find((id) => id !== "") ?? "codex";
  return {
    limitId,
    limitName: null,
    primary: toWindow(event.rate_limits?.primary),
    secondary: toWindow(event.rate_limits?.secondary),
    credits: event.credits
      ? {
        hasCredits: event.credits.has_credits,
        unlimited: event.credits.unlimited,
        balance: event.credits.balance ?? null,
      }
      : null,
    planType: event.plan_type == null ? null : toPlanType(event.plan_type),
  };
}

function toWindow(window: CodexRateLimitsEventWindow | null | undefined): RateLimitWindow | null {
  if (!window) return null;
  return {
    usedPercent: window.used_percent,
    windowMinutes: window.window_minutes ?? null,
    resetsAt: window.reset_at ?? null,
  };
}
