/**
 * {@linkcode redirectError}: redirects are refused, never followed. Following a 307/308
 * would send the whole prompt and every credential header to another address; following a
 * 301/302/303 would turn the POST into a GET whose answer looks like the model's.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { redactUrl } from "./redact_url.ts";

/**
 * The error for a redirect answer (3xx, an opaque redirect, or an answer that a caller's
 * `fetch` reached by following a redirect), or `undefined` for any other answer. Not retryable; the message names where the server pointed (`Location`,
 * resolved and with its secrets redacted), and the error's `headers` carry the same
 * redacted `Location`.
 *
 * @param response The answer of a request sent with `redirect: "manual"`.
 * @param url The URL requested.
 * @returns The error, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { redirectError } from "./redirect_error.ts";
 * import assert from "node:assert/strict";
 *
 * const answer = new Response(null, {
 *   status: 307,
 *   headers: { location: "https://elsewhere.example/v1/responses?key=sk-1" },
 * });
 * const error = redirectError(answer, "https://api.example/v1/responses");
 * assert.equal(error?.kind, "http");
 * assert.equal(error?.retryable, false);
 * assert.match(error!.message, /elsewhere\.example\/v1\/responses\?key=REDACTED/);
 * ```
 */
export function redirectError(response: Response, url: string): CodexWireError | undefined {
  const opaque = response.type === "opaqueredirect";
  // A caller's fetch may follow redirects anyway: its answer is not the model's either.
  const followed = response.redirected && response.url !== "";
  if (!opaque && !followed && (response.status < 300 || response.status > 399)) return undefined;
  const raw = followed ? response.url : response.headers.get("location");
  let location: string | undefined;
  if (raw !== null) {
    try {
      location = redactUrl(new URL(raw, url).href);
    } catch {
      location = redactUrl(raw);
    }
  }
  const headers = new Headers(response.headers);
  if (location !== undefined) headers.set("location", location);
  const status = opaque
    ? "a redirect"
    : followed
    ? "followed by the fetch given"
    : `HTTP ${response.status}`;
  const target = location === undefined ? "without a Location" : `to ${location}`;
  return new CodexWireError(
    `Cannot follow the redirect (${status}) from ${
      redactUrl(url)
    } ${target}: redirects are not followed, so the prompt and credentials never go to another address; set the base URL to the final address if it is trusted`,
    { kind: "http", retryable: false, ...(opaque ? {} : { status: response.status }), headers },
  );
}
