/**
 * The rate-limit snapshot type and the session merge rule.
 *
 * @module
 */

/** One rate-limit window (primary or secondary). */
export interface RateLimitWindow {
  /** How much of the window is used, in percent. */
  usedPercent: number;
  /** The window's length in minutes, when known. */
  windowMinutes: number | null;
  /** When the window resets, in Unix seconds, when known. */
  resetsAt: number | null;
}

/** The credits state shared by every family. */
export interface RateLimitCredits {
  /** Whether the account has credits. */
  hasCredits: boolean;
  /** Whether the credits are unlimited. */
  unlimited: boolean;
  /** The balance as the server wrote it, or `null`. */
  balance: string | null;
}

/**
 * The known plans; any other string the server sends becomes `"unknown"`.
 */
export type PlanType =
  | "free"
  | "go"
  | "plus"
  | "pro"
  | "team"
  | "business"
  | "enterprise"
  | "edu"
  | "unknown";

/**
 * One family of rate limits (`codex`, `codex_secondary`, …) as the server last reported it.
 */
export interface RateLimitSnapshot {
  /** The family id, lower case with `_` (`codex` by default). */
  limitId: string;
  /** The family's display name (`x-<family>-limit-name`), or `null`. */
  limitName: string | null;
  /** The primary window, or `null`. */
  primary: RateLimitWindow | null;
  /** The secondary window, or `null`. */
  secondary: RateLimitWindow | null;
  /** The credits state, or `null`. */
  credits: RateLimitCredits | null;
  /** The plan, or `null` (never set from headers). */
  planType: PlanType | null;
}

const PLAN_TYPES: ReadonlySet<string> = new Set([
  "free",
  "go",
  "plus",
  "pro",
  "team",
  "business",
  "enterprise",
  "edu",
]);

/**
 * Maps a plan name from the wire to a {@linkcode PlanType}: unknown names become `"unknown"`.
 *
 * @param value The wire value.
 * @returns The plan type.
 *
 * @example Usage
 * ```ts
 * import { toPlanType } from "./rate_limit_snapshot.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toPlanType("plus"), "plus");
 * assert.equal(toPlanType("galaxy"), "unknown");
 * ```
 */
export function toPlanType(value: string): PlanType {
  return PLAN_TYPES.has(value) ? value as PlanType : "unknown";
}

/**
 * Merges a new snapshot into the one a session holds: the new one wins,
 * except that a missing `limitId` becomes `codex` and missing `credits` and `planType`
 * are carried over from the previous snapshot.
 *
 * @param previous The snapshot held so far, if any.
 * @param next The snapshot just received.
 * @returns The merged snapshot.
 *
 * @example Usage
 * ```ts
 * import { mergeRateLimitSnapshot } from "./rate_limit_snapshot.ts";
 * import assert from "node:assert/strict";
 *
 * const merged = mergeRateLimitSnapshot(
 *   { limitId: "codex", limitName: null, primary: null, secondary: null,
 *     credits: { hasCredits: true, unlimited: false, balance: "5" }, planType: "plus" },
 *   { limitId: "", limitName: null, primary: { usedPercent: 10, windowMinutes: 60, resetsAt: null },
 *     secondary: null, credits: null, planType: null },
 * );
 * assert.equal(merged.limitId, "codex");
 * assert.equal(merged.planType, "plus");
 * assert.equal(merged.credits?.balance, "5");
 * ```
 */
export function mergeRateLimitSnapshot(
  previous: RateLimitSnapshot | undefined,
  next: RateLimitSnapshot,
): RateLimitSnapshot {
  return {
    ...next,
    limitId: next.limitId === "" ? "codex" : next.limitId,
    credits: next.credits ?? previous?.credits ?? null,
    planType: next.planType ?? previous?.planType ?? null,
  };
}
