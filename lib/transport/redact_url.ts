/**
 * Redaction of secrets in URLs before they are shown: in error messages, telemetry and
 * logs. A URL may carry a key as a query parameter (`?api-key=…`, as Azure accepts) or as
 * userinfo (`https://user:key@host/`).
 *
 * @module
 */

/** What replaces a secret. */
export const REDACTED = "REDACTED";

/** Query parameter names whose values are secrets. */
const SECRET_NAME_REGEXP =
  /key|token|secret|passw|pwd|auth|sig|credential|session|cookie|code|jwt|bearer/i;
/** An absolute http(s) or ws(s) URL inside a text. */
const URL_IN_TEXT_REGEXP = /\b(?:https?|wss?):\/\/[^\s"'<>()]+/gi;

/**
 * Returns the URL with its userinfo and the values of secret-looking query parameters
 * (names containing `key`, `token`, `secret`, `sig`, `auth`, `password`, …) replaced by
 * `REDACTED`. Text that is not an absolute URL is returned with only its query redacted.
 *
 * @param url The URL to show.
 * @returns The URL, safe to show.
 *
 * @example Usage
 * ```ts
 * import { redactUrl } from "./redact_url.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   redactUrl("https://me:sk-1@example.com/v1/responses?api-version=1&api-key=sk-2"),
 *   "https://REDACTED@example.com/v1/responses?api-version=1&api-key=REDACTED",
 * );
 * ```
 */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf("#");
  const withoutHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const queryAt = withoutHash.indexOf("?");
  const head = queryAt < 0 ? withoutHash : withoutHash.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : withoutHash.slice(queryAt + 1);
  return redactUserinfo(head) + (query === undefined ? "" : `?${redactQuery(query)}`);
}

/**
 * Redacts every absolute URL inside a text (an error message from `fetch`, for one), and
 * every exact occurrence of the given URLs.
 *
 * @param text The text to show.
 * @param urls URLs known to appear in it (they may be relative or unusual).
 * @returns The text, safe to show.
 *
 * @example Usage
 * ```ts
 * import { redactUrlsIn } from "./redact_url.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   redactUrlsIn("error sending request for url (http://127.0.0.1/r?key=sk-1)"),
 *   "error sending request for url (http://127.0.0.1/r?key=REDACTED)",
 * );
 * ```
 */
export function redactUrlsIn(text: string, urls: readonly string[] = []): string {
  let out = text;
  for (const url of urls) {
    if (url !== "" && out.includes(url)) out = out.split(url).join(redactUrl(url));
  }
  return out.replace(URL_IN_TEXT_REGEXP, (match) => redactUrl(match));
}

function redactUserinfo(head: string): string {
  const schemeEnd = head.indexOf("://");
  if (schemeEnd < 0) return head;
  const authorityStart = schemeEnd + 3;
  const pathAt = head.indexOf("/", authorityStart);
  const authority = pathAt < 0 ? head.slice(authorityStart) : head.slice(authorityStart, pathAt);
  const at = authority.lastIndexOf("@");
  if (at < 0) return head;
  return `${head.slice(0, authorityStart)}${REDACTED}@${authority.slice(at + 1)}${
    pathAt < 0 ? "" : head.slice(pathAt)
  }`;
}

function redactQuery(query: string): string {
  return query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name);
    } catch {
      // A malformed escape: judge the name as written.
    }
    return SECRET_NAME_REGEXP.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
  }).join("&");
}
