/**
 * Rate-limit snapshots from the `x-codex-*` response headers.
 *
 * @module
 */

import {
  type HeaderLookup,
  normalizeLimitId,
  readBoolean,
  readFiniteFloat,
  readInteger,
  readTrimmed,
} from "./_header_values.ts";
import type {
  RateLimitCredits,
  RateLimitSnapshot,
  RateLimitWindow,
} from "./rate_limit_snapshot.ts";

const DEFAULT_LIMIT_ID = "codex";
const FAMILY_HEADER_PREFIX = "x-";
const FAMILY_HEADER_SUFFIX = "-primary-used-percent";

/**
 * Parses every rate-limit family in a response's headers.
 *
 * The default `codex` family (headers `x-codex-*`) always comes first, even when no
 * rate-limit header is present (its windows and credits are then `null`). Any header
 * named `x-<name>-primary-used-percent` adds the family `<name>` (lower case, `-` → `_`);
 * those extra families follow, sorted by id, and only when they carry a primary window,
 * a secondary window or credits. Credits always come from the shared
 * `x-codex-credits-*` headers, and `planType` is never read from headers.
 *
 * @param headers The response headers (HTTP, or a WebSocket handshake).
 * @returns One snapshot per family, `codex` first.
 *
 * @example Usage
 * ```ts
 * import { parseRateLimitHeaders } from "./parse_rate_limit_headers.ts";
 * import assert from "node:assert/strict";
 *
 * const snapshots = parseRateLimitHeaders(
 *   new Headers({
 *     "x-codex-primary-used-percent": "12.5",
 *     "x-codex-primary-window-minutes": "300",
 *     "x-codex-secondary-primary-used-percent": "80",
 *   }),
 * );
 * assert.deepEqual(snapshots.map((snapshot) => snapshot.limitId), ["codex", "codex_secondary"]);
 * assert.deepEqual(snapshots[0].primary, { usedPercent: 12.5, windowMinutes: 300, resetsAt: null });
 * ```
 */
export function parseRateLimitHeaders(headers: Headers): RateLimitSnapshot[] {
  // One pass over the headers, then lookups in a map: each `Headers.get` scans the list.
  const byName = new Map<string, string>();
  const extraIds = new Set<string>();
  headers.forEach((value, name) => {
    byName.set(name, value);
    const limitId = limitIdOfHeader(name);
    if (limitId !== undefined && limitId !== DEFAULT_LIMIT_ID) extraIds.add(limitId);
  });
  const lookup: HeaderLookup = { get: (name) => byName.get(name) ?? null };
  const snapshots = [parseFamily(lookup, DEFAULT_LIMIT_ID)];
  for (const limitId of [...extraIds].sort()) {
    const snapshot = parseFamily(lookup, limitId);
    if (snapshot.primary !== null || snapshot.secondary !== null || snapshot.credits !== null) {
      snapshots.push(snapshot);
    }
  }
  return snapshots;
}

/**
 * Parses one rate-limit family from a response's headers.
 *
 * The id is trimmed and lower-cased (blank means `codex`); its headers are prefixed
 * `x-` + the id with `_` → `-` (`codex_other` reads `x-codex-other-primary-used-percent`,
 * `x-codex-other-limit-name`, …). A window exists only when its `used-percent` is a
 * finite number and the window carries data: a non-zero percent, a non-zero
 * `window-minutes`, or a parseable `reset-at`. The snapshot is returned even when empty.
 *
 * @param headers The response headers.
 * @param limitId The family id, such as `codex` or `codex_secondary`.
 * @returns The family's snapshot (`limitId` normalised, `planType` `null`).
 *
 * @example Usage
 * ```ts
 * import { parseRateLimitHeadersForLimit } from "./parse_rate_limit_headers.ts";
 * import assert from "node:assert/strict";
 *
 * const snapshot = parseRateLimitHeadersForLimit(
 *   new Headers({
 *     "x-codex-bengalfox-primary-used-percent": "80",
 *     "x-codex-bengalfox-limit-name": "gpt-5.2-codex-sonic",
 *   }),
 *   "codex_bengalfox",
 * );
 * assert.equal(snapshot.limitId, "codex_bengalfox");
 * assert.equal(snapshot.limitName, "gpt-5.2-codex-sonic");
 * assert.equal(snapshot.primary?.usedPercent, 80);
 * ```
 */
export function parseRateLimitHeadersForLimit(
  headers: Headers,
  limitId: string,
): RateLimitSnapshot {
  return parseFamily(headers, limitId);
}

function parseFamily(headers: HeaderLookup, limitId: string): RateLimitSnapshot {
  const family = (limitId.trim() || DEFAULT_LIMIT_ID).toLowerCase().replaceAll("_", "-");
  const prefix = `${FAMILY_HEADER_PREFIX}${family}`;
  return {
    limitId: normalizeLimitId(family),
    limitName: readTrimmed(headers, `${prefix}-limit-name`),
    primary: parseWindow(headers, `${prefix}-primary`),
    secondary: parseWindow(headers, `${prefix}-secondary`),
    credits: parseCredits(headers),
    planType: null,
  };
}

function parseWindow(headers: HeaderLookup, prefix: string): RateLimitWindow | null {
  const usedPercent = readFiniteFloat(headers, `${prefix}-used-percent`);
  if (usedPercent === null) return null;
  const windowMinutes = readInteger(headers, `${prefix}-window-minutes`);
  const resetsAt = readInteger(headers, `${prefix}-reset-at`);
  const hasData = usedPercent !== 0 || (windowMinutes !== null && windowMinutes !== 0) ||
    resetsAt !== null;
  return hasData ? { usedPercent, windowMinutes, resetsAt } : null;
}

function parseCredits(headers: HeaderLookup): RateLimitCredits | null {
  const hasCredits = readBoolean(headers, "x-codex-credits-has-credits");
  const unlimited = readBoolean(headers, "x-codex-credits-unlimited");
  if (hasCredits === null || unlimited === null) return null;
  return { hasCredits, unlimited, balance: readTrimmed(headers, "x-codex-credits-balance") };
}

/** `x-<name>-primary-used-percent` → the normalised `<name>`; blank names are skipped. */
function limitIdOfHeader(headerName: string): string | undefined {
  const name = headerName.toLowerCase();
  if (!name.startsWith(FAMILY_HEADER_PREFIX) || !name.endsWith(FAMILY_HEADER_SUFFIX)) {
    return undefined;
  }
  const family = name.slice(FAMILY_HEADER_PREFIX.length, name.length - FAMILY_HEADER_SUFFIX.length);
  const limitId = normalizeLimitId(family);
  return limitId === "" ? undefined : limitId;
}
