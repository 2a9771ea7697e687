/**
 * The events that a 2xx answer's headers stand for, emitted before any body event
 * .
 *
 * @module
 */

import { parseRateLimitHeaders } from "../ratelimits/parse_rate_limit_headers.ts";
import type { ResponseEvent } from "./response_event.ts";

/**
 * Maps response headers onto events, in Codex's order: `serverModel` (from
 * `openai-model`), one `rateLimits` per family (always at least `codex`), `modelsEtag`
 * (from `X-Models-Etag`), `serverReasoningIncluded` (when `x-reasoning-included` is
 * present, whatever its value).
 *
 * @param headers The response headers.
 * @returns The events, in order.
 *
 * @example Usage
 * ```ts
 * import { eventsFromResponseHeaders } from "./header_events.ts";
 * import assert from "node:assert/strict";
 *
 * const events = eventsFromResponseHeaders(new Headers({ "openai-model": "gpt-5", "x-models-etag": "v1" }));
 * assert.deepEqual(events.map((event) => event.type), ["serverModel", "rateLimits", "modelsEtag"]);
 * ```
 */
export function eventsFromResponseHeaders(headers: Headers): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  const model = headers.get("openai-model");
  if (model !== null) events.push({ type: "serverModel", model });
  for (const snapshot of parseRateLimitHeaders(headers)) {
    events.push({ type: "rateLimits", snapshot });
  }
  const etag = headers.get("x-models-etag");
  if (etag !== null) events.push({ type: "modelsEtag", etag });
  if (headers.has("x-reasoning-included")) {
    events.push({ type: "serverReasoningIncluded", included: true });
  }
  return events;
}
