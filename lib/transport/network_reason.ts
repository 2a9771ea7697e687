/**
 * The operating system's reason behind a failed `fetch`, for error messages: "connection
 * refused" or "no such host" instead of "fetch failed".
 *
 * @module
 */

/** Known low-level failures, checked in order against every message in the cause chain. */
const REASONS: readonly [RegExp, string][] = [
  [/connection refused|ECONNREFUSED/i, "connection refused"],
  [
    /dns error|failed to lookup address|name or service not known|nodename nor servname|no such host|ENOTFOUND|EAI_AGAIN|temporary failure in name resolution/i,
    "no such host",
  ],
  [/connection reset|ECONNRESET/i, "connection reset by the server"],
  [/network is unreachable|ENETUNREACH/i, "network unreachable"],
  [/no route to host|EHOSTUNREACH/i, "no route to host"],
  [/timed out|ETIMEDOUT/i, "connection timed out"],
  [/certificate|invalid peer|UnknownIssuer|tls|ssl/i, "TLS handshake failed"],
];
const GENERIC_MESSAGE_REGEXP = /^(fetch failed|network error|failed to fetch)$/i;
const MAX_CAUSE_DEPTH = 8;

/**
 * Names why a request never got an answer, digging through `cause` chains (Deno's
 * `fetch` throws "fetch failed" with the real reason one level down). Known failures get
 * a short reason, followed by the most specific message in parentheses; others give
 * that message alone.
 *
 * @param error What `fetch` threw.
 * @returns The reason, such as `"connection refused (… os error 111)"`.
 *
 * @example Usage
 * ```ts
 * import { describeNetworkFailure } from "./network_reason.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new TypeError("fetch failed", {
 *   cause: new Error("client error (Connect): tcp connect error: Connection refused (os error 111)"),
 * });
 * assert.match(describeNetworkFailure(error), /^connection refused \(/);
 * assert.equal(describeNetworkFailure(new Error("boom")), "boom");
 * ```
 */
export function describeNetworkFailure(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < MAX_CAUSE_DEPTH; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message.trim() !== "") messages.push(message.trim());
    current = current instanceof Error ? current.cause : undefined;
  }
  const specific =
    [...messages].reverse().find((message) => !GENERIC_MESSAGE_REGEXP.test(message)) ??
      messages[0] ?? "unknown network failure";
  for (const [pattern, reason] of REASONS) {
    if (messages.some((message) => pattern.test(message))) return `${reason} (${specific})`;
  }
  return specific;
}
