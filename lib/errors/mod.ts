/**
 * Errors: the one {@linkcode CodexWireError} class and the pure classifiers that turn
 * what the server sent into it: `response.failed` / `response.incomplete` events, non-2xx
 * HTTP answers, wrapped WebSocket error frames, and the "try again in …" delay of a
 * rate-limit message.
 *
 * @example Usage
 * ```ts
 * import { CodexWireError, errorFromHttpResponse } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const error = errorFromHttpResponse({
 *   status: 503,
 *   headers: new Headers(),
 *   body: JSON.stringify({ error: { code: "server_is_overloaded" } }),
 * });
 * assert.ok(error instanceof CodexWireError);
 * assert.equal(error.kind, "serverOverloaded");
 * assert.equal(error.retryable, false);
 * ```
 *
 * @module
 */

export * from "./codex_wire_error.ts";
export * from "./parse_retry_delay.ts";
export * from "./error_from_failed_response.ts";
export * from "./error_from_http_response.ts";
