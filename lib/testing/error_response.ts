/**
 * Builders for the JSON error answers of the Responses API, for scripted responses.
 *
 * @module
 */

import type { MockResponse } from "./mock_responses_server.ts";

/** The `error` object of an API error body. */
export interface ErrorBodyInit {
  /** What went wrong, for people. */
  message: string;
  /** The error type, such as `invalid_request_error` or `usage_limit_reached`. */
  type?: string;
  /** The error code, such as `context_length_exceeded` or `rate_limit_exceeded`. */
  code?: string;
  /** The request field at fault, such as `input`. */
  param?: string;
  /** Other fields (`plan_type`, `resets_at`, …), written as given. */
  [key: string]: unknown;
}

/**
 * Builds the JSON body of an API error: `{"error":{"message":…,"type":…,"param":…,"code":…}}`,
 * with `type`, `param` and `code` written as `null` when not given, as the API does.
 *
 * @param error The error's fields.
 * @returns The body text.
 *
 * @example Usage
 * ```ts
 * import { errorBody } from "./error_response.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(JSON.parse(errorBody({ message: "Too long", code: "context_length_exceeded" })), {
 *   error: { message: "Too long", type: null, param: null, code: "context_length_exceeded" },
 * });
 * ```
 */
export function errorBody(error: ErrorBodyInit): string {
  const { message, type = null, param = null, code = null, ...rest } = error;
  return JSON.stringify({ error: { message, type, param, code, ...rest } });
}

/** Options of {@linkcode errorResponse}. */
export interface ErrorResponseOptions {
  /** More response headers, such as those of `rateLimitHeaders()`. */
  headers?: Record<string, string>;
}

/**
 * Builds a scripted JSON error answer for a mock server: the status, a
 * `content-type: application/json` header, and {@linkcode errorBody}.
 *
 * @param status The HTTP status (400–599).
 * @param error The error's fields.
 * @param options More headers.
 * @returns A `MockResponse` to enqueue.
 *
 * @example An oversized input, refused up front
 * ```ts
 * import { errorResponse } from "./error_response.ts";
 * import assert from "node:assert/strict";
 *
 * const response = errorResponse(400, {
 *   message: "Your input exceeds the context window of this model.",
 *   type: "invalid_request_error",
 *   param: "input",
 *   code: "context_length_exceeded",
 * });
 * assert.equal(response.status, 400);
 * ```
 */
export function errorResponse(
  status: number,
  error: ErrorBodyInit,
  options: ErrorResponseOptions = {},
): MockResponse {
  return {
    status,
    headers: { "content-type": "application/json", ...options.headers },
    body: errorBody(error),
  };
}
