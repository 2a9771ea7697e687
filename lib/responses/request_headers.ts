/**
 * Request headers of a Responses call and Codex's merge precedence (spec §1.3).
 *
 * @module
 */

import { VERSION } from "../version.ts";

/**
 * Merges header sets the way Codex does: provider headers are overridden by extra
 * headers, and default headers only fill names that neither set has.
 *
 * @param provider The provider's (client's) headers.
 * @param extra Per-request headers; they win over the provider's.
 * @param defaults Headers such as `originator` that only fill gaps.
 * @returns A new `Headers`.
 *
 * @example Extra wins over provider; defaults only fill gaps
 * ```ts
 * import { mergeRequestHeaders } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * const headers = mergeRequestHeaders(
 *   { "x-a": "provider", originator: "mine" },
 *   { "x-a": "extra" },
 *   { originator: "codex_cli_rs", "x-residency": "us" },
 * );
 * assert.equal(headers.get("x-a"), "extra");
 * assert.equal(headers.get("originator"), "mine");
 * assert.equal(headers.get("x-residency"), "us");
 * ```
 */
export function mergeRequestHeaders(
  provider: HeadersInit | undefined,
  extra: HeadersInit | undefined,
  defaults?: HeadersInit,
): Headers {
  const merged = new Headers(provider);
  new Headers(extra).forEach((value, name) => merged.set(name, value));
  new Headers(defaults).forEach((value, name) => {
    if (!merged.has(name)) merged.set(name, value);
  });
  return merged;
}

/** Options of {@linkcode defaultUserAgent}. */
export interface DefaultUserAgentOptions {
  /** The originator. @default {"codex_cli_rs"} */
  originator?: string;
  /** A suffix written in parentheses at the end. */
  suffix?: string;
}

/** The default `originator` header, as Codex sends it. */
export const DEFAULT_ORIGINATOR = "codex_cli_rs";

/**
 * The default `User-Agent`: `<originator>/<version> (<os>; <arch>) codexwire`, with an
 * optional ` (<suffix>)`; characters outside printable ASCII become `_`.
 *
 * @param options The originator and suffix.
 * @returns The header value.
 *
 * @example Usage
 * ```ts
 * import { defaultUserAgent } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(defaultUserAgent({ suffix: "ü" }), /^codex_cli_rs\/\S+ \(\w+; \w+\) codexwire \(_\)$/);
 * ```
 */
export function defaultUserAgent(options: DefaultUserAgentOptions = {}): string {
  const originator = options.originator ?? DEFAULT_ORIGINATOR;
  const base = `${originator}/${VERSION} (${Deno.build.os}; ${Deno.build.arch}) codexwire`;
  const value = options.suffix === undefined ? base : `${base} (${options.suffix})`;
  return value.replace(/[^\x20-\x7e]/g, "_");
}

/**
 * Whether a value can be sent as an HTTP header value (visible ASCII, spaces and tabs):
 * Codex omits `x-codex-turn-metadata` when it is not.
 *
 * @param value The candidate value.
 * @returns `true` when it is valid header text.
 *
 * @example Usage
 * ```ts
 * import { isValidHeaderValue } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isValidHeaderValue('{"turn_id":"t1"}'), true);
 * assert.equal(isValidHeaderValue("line\nbreak"), false);
 * ```
 */
export function isValidHeaderValue(value: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(value);
}
