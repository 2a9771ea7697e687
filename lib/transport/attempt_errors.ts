/**
 * The errors of an HTTP attempt that got no answer, with the URL shown redacted: the
 * request never reached the server (`network`), or the server took it and sent no headers
 * in time (`headersTimeout`). Both are retryable.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { describeNetworkFailure } from "./network_reason.ts";
import { redactUrl, redactUrlsIn } from "./redact_url.ts";

/**
 * The error for a request that got no answer. The fetch error's own text may quote the
 * URL, so it is redacted like the URL; the `cause` is a copy with the redacted text.
 *
 * @param url The URL requested.
 * @param cause What `fetch` threw.
 * @returns A retryable `network` error.
 *
 * @example Usage
 * ```ts
 * import { networkError } from "./attempt_errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = networkError("http://127.0.0.1:1/v1/responses?key=sk-1", new TypeError("refused"));
 * assert.equal(error.message, "Cannot reach http://127.0.0.1:1/v1/responses?key=REDACTED: refused");
 * assert.equal(error.retryable, true);
 * ```
 */
export function networkError(url: string, cause: unknown): CodexWireError {
  // The operating system's reason ("connection refused", "no such host"), not the
  // "fetch failed" on top of it.
  const detail = redactUrlsIn(describeNetworkFailure(cause), [url]);
  const safeCause = new Error(detail);
  if (cause instanceof Error) safeCause.name = cause.name;
  return new CodexWireError(`Cannot reach ${redactUrl(url)}: ${detail}`, {
    kind: "network",
    retryable: true,
    cause: safeCause,
  });
}

/**
 * The error for a server that sent no response headers within `headersTimeoutMs`.
 *
 * @param url The URL requested.
 * @param headersTimeoutMs The bound that passed.
 * @returns A retryable `headersTimeout` error.
 *
 * @example Usage
 * ```ts
 * import { headersTimeoutError } from "./attempt_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(headersTimeoutError("http://127.0.0.1:1/v1/responses", 100).kind, "headersTimeout");
 * ```
 */
export function headersTimeoutError(url: string, headersTimeoutMs: number): CodexWireError {
  return new CodexWireError(
    `No response headers from ${
      redactUrl(url)
    } within ${headersTimeoutMs} ms: the server accepted the request but did not answer; try again, or raise headersTimeoutMs`,
    { kind: "headersTimeout", retryable: true },
  );
}
