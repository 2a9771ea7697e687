/**
 * Rate limits: the {@linkcode RateLimitSnapshot} type, parsers for the `x-codex-*`
 * response headers and the WebSocket `codex.rate_limits` event, and
 * the session merge rule. Everything here is pure: no I/O.
 *
 * @example Usage
 * ```ts
 * import { mergeRateLimitSnapshot, parseRateLimitHeaders } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const [codex] = parseRateLimitHeaders(
 *   new Headers({ "x-codex-primary-used-percent": "50", "x-codex-primary-window-minutes": "60" }),
 * );
 * const held = mergeRateLimitSnapshot(undefined, codex);
 * assert.equal(held.limitId, "codex");
 * assert.equal(held.primary?.usedPercent, 50);
 * ```
 *
 * @module
 */

export * from "./rate_limit_snapshot.ts";
export * from "./parse_rate_limit_headers.ts";
export * from "./parse_codex_rate_limits_event.ts";
