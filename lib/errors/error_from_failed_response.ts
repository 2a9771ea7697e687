/**
 * Errors for the terminal `response.failed` and `response.incomplete` events.
 *
 * @module
 */

import { CodexWireError, type CodexWireErrorOptions } from "./codex_wire_error.ts";
import {
  CONTEXT_WINDOW_EXCEEDED_MESSAGE,
  CYBER_POLICY_MESSAGE,
  INVALID_REQUEST_MESSAGE,
  messageOr,
  MISALIGNMENT_POLICY_MESSAGE,
  QUOTA_EXCEEDED_MESSAGE,
  RESPONSE_FAILED_MESSAGE,
  SERVER_OVERLOADED_MESSAGE,
  USAGE_NOT_INCLUDED_MESSAGE,
} from "./_messages.ts";
import { FAILED_RESPONSE_ERROR_SCHEMA } from "./_wire_error_schemas.ts";
import { parseRetryDelayMs } from "./parse_retry_delay.ts";

/**
 * Classifies the `response` object of a `response.failed` event by its `error.code`,
 * checked in this order:
 *
 * | `error.code` | `kind` | retryable | message |
 * |---|---|---|---|
 * | `context_length_exceeded` | `contextWindowExceeded` | no | the server's, else a fallback |
 * | `insufficient_quota` | `quotaExceeded` | no | "Quota exceeded. Check your plan and billing details." |
 * | `usage_not_included` | `usageNotIncluded` | no | the server's, else a fallback |
 * | `invalid_prompt`, `bio_policy` | `invalidRequest` | no | the server's, else "Invalid request." |
 * | `server_is_overloaded`, `slow_down` | `serverOverloaded` | no | "Selected model is at capacity. Please try a different model." |
 * | `cyber_policy` | `cyberPolicy` | no | the server's, else "This request has been flagged for possible cybersecurity risk." |
 * | `misalignment_policy_violation` | `misalignmentPolicyViolation` | no | the server's, else a fallback |
 * | anything else | `stream` | yes | the server's, else "response.failed event received" |
 *
 * Only `rate_limit_exceeded` sets `retryAfterMs`, read from the message by
 * {@linkcode parseRetryDelayMs}. A `response` without a parseable `error` gives a
 * retryable `stream` error "response.failed event received". A blank server message
 * counts as missing.
 *
 * @param response The `response` field of the `response.failed` event.
 * @returns The error to surface.
 *
 * @example Usage
 * ```ts
 * import { errorFromFailedResponse } from "./error_from_failed_response.ts";
 * import assert from "node:assert/strict";
 *
 * const error = errorFromFailedResponse({
 *   id: "resp_1",
 *   status: "failed",
 *   error: { code: "rate_limit_exceeded", message: "Please try again in 11.054s." },
 * });
 * assert.equal(error.kind, "stream");
 * assert.equal(error.retryable, true);
 * assert.equal(error.retryAfterMs, 11054);
 * assert.equal(errorFromFailedResponse({ error: { code: "context_length_exceeded" } }).kind,
 *   "contextWindowExceeded");
 * ```
 */
export function errorFromFailedResponse(response: unknown): CodexWireError {
  const parsed = FAILED_RESPONSE_ERROR_SCHEMA.safeParse(fieldOf(response, "error"));
  if (!parsed.success) {
    return new CodexWireError(RESPONSE_FAILED_MESSAGE, { kind: "stream", retryable: true });
  }
  const { code, message } = parsed.data;
  // The server's own `code` and `type` travel with whatever kind the code maps to.
  const fail = (text: string, options: CodexWireErrorOptions) =>
    new CodexWireError(text, {
      ...options,
      ...(code == null ? {} : { code }),
      ...(parsed.data.type == null ? {} : { type: parsed.data.type }),
    });
  switch (code) {
    case "context_length_exceeded":
      return fail(messageOr(message, CONTEXT_WINDOW_EXCEEDED_MESSAGE), {
        kind: "contextWindowExceeded",
      });
    case "insufficient_quota":
      return fail(QUOTA_EXCEEDED_MESSAGE, { kind: "quotaExceeded" });
    case "usage_not_included":
      return fail(messageOr(message, USAGE_NOT_INCLUDED_MESSAGE), { kind: "usageNotIncluded" });
    case "invalid_prompt":
    case "bio_policy":
      return fail(messageOr(message, INVALID_REQUEST_MESSAGE), { kind: "invalidRequest" });
    case "server_is_overloaded":
    case "slow_down":
      return fail(SERVER_OVERLOADED_MESSAGE, { kind: "serverOverloaded" });
    case "cyber_policy":
      return fail(messageOr(message, CYBER_POLICY_MESSAGE), { kind: "cyberPolicy" });
    case "misalignment_policy_violation":
      return fail(messageOr(message, MISALIGNMENT_POLICY_MESSAGE), {
        kind: "misalignmentPolicyViolation",
      });
    default: {
      const retryAfterMs = code === "rate_limit_exceeded" && message
        ? parseRetryDelayMs(message)
        : undefined;
      return fail(messageOr(message, RESPONSE_FAILED_MESSAGE), {
        kind: "stream",
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
  }
}

/** Reasons of `response.incomplete` that the same request would meet again. */
const REPEATING_INCOMPLETE_REASONS: ReadonlyMap<string, string> = new Map([
  ["max_output_tokens", "it reached the output token limit; ask for less, or allow more tokens"],
  ["content_filter", "the content filter stopped it; rephrase the request"],
]);

/**
 * The error for a `response.incomplete` event, by `incomplete_details.reason`:
 *
 * - `max_output_tokens` or `content_filter` (a reason the same request meets again): an
 *   `incomplete` error, not retryable, whose `code` is the reason and whose message says
 *   why it stopped, so that the partial answer is kept rather than asked for again.
 * - any other reason (`unknown` when missing): a retryable `stream` error
 *   "Incomplete response returned, reason: <reason>", as in Codex.
 *
 * @param response The `response` field of the `response.incomplete` event.
 * @returns The error to surface.
 *
 * @example Usage
 * ```ts
 * import { errorFromIncompleteResponse } from "./error_from_failed_response.ts";
 * import assert from "node:assert/strict";
 *
 * const error = errorFromIncompleteResponse({
 *   incomplete_details: { reason: "max_output_tokens" },
 * });
 * assert.equal(error.kind, "incomplete");
 * assert.equal(error.code, "max_output_tokens");
 * assert.equal(error.retryable, false);
 * assert.equal(
 *   errorFromIncompleteResponse({ incomplete_details: { reason: "server_busy" } }).retryable,
 *   true,
 * );
 * ```
 */
export function errorFromIncompleteResponse(response: unknown): CodexWireError {
  const reason = fieldOf(fieldOf(response, "incomplete_details"), "reason");
  const why = typeof reason === "string" ? REPEATING_INCOMPLETE_REASONS.get(reason) : undefined;
  if (why !== undefined) {
    return new CodexWireError(`The response stopped early (${reason}): ${why}`, {
      kind: "incomplete",
      code: reason as string,
    });
  }
  return new CodexWireError(
    `Incomplete response returned, reason: ${typeof reason === "string" ? reason : "unknown"}`,
    { kind: "stream", retryable: true },
  );
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
