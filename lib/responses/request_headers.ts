/**
 * Request headers of a Responses call and Codex's merge precedence.
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
  // A `Headers` given is read as it is, not copied first.
  asHeaders(extra).forEach((value, name) => merged.set(name, value));
  fillDefaultHeaders(merged, asHeaders(defaults));
  return merged;
}

/**
 * Sets each of `defaults` on `headers` unless `headers` has that name already: Codex's
 * rule for default headers such as `originator`.
 *
 * @param headers The headers to fill, changed in place.
 * @param defaults The defaults.
 *
 * @example Usage
 * ```ts
 * import { fillDefaultHeaders } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * const headers = new Headers({ originator: "mine" });
 * fillDefaultHeaders(headers, new Headers({ originator: "codex_cli_rs", "x-a": "1" }));
 * assert.equal(headers.get("originator"), "mine");
 * assert.equal(headers.get("x-a"), "1");
 * ```
 */
export function fillDefaultHeaders(headers: Headers, defaults: Headers): void {
  defaults.forEach((value, name) => {
    if (!headers.has(name)) headers.set(name, value);
  });
}

/**
 * The headers as a plain record with lower-case names (joined as `Headers` joins them).
 *
 * @param headers The headers.
 * @returns A new record.
 *
 * @example Usage
 * ```ts
 * import { headerRecord } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(headerRecord(new Headers({ Accept: "text/event-stream" })), {
 *   accept: "text/event-stream",
 * });
 * ```
 */
export function headerRecord(headers: Headers): Record<string, string> {
  // Built from entries, so that even a header named `__proto__` is a field of its own.
  const entries: [string, string][] = [];
  headers.forEach((value, name) => entries.push([name, value]));
  return Object.fromEntries(entries);
}

function asHeaders(init: HeadersInit | undefined): Headers {
  return init instanceof Headers ? init : new Headers(init);
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

const OS_NAMES: Readonly<Record<string, string>> = {
  linux: "Linux",
  darwin: "Mac OS",
  windows: "Windows",
};

/**
 * The default `User-Agent` in Codex's shape,
 * `<originator>/<version> (<os> <os-version>; <arch>) <terminal>`, with codexwire's
 * version and `codexwire` in the terminal slot, and an optional ` (<suffix>)`. The OS
 * version is read only when the `sys` permission for it is already granted (`unknown`
 * otherwise). Like Codex, the value is sanitized (characters outside printable ASCII
 * become `_`) only when it is not a valid header value as it stands.
 *
 * @param options The originator and suffix.
 * @returns The header value, ready for `Headers` (UTF-8 bytes as a byte string).
 *
 * @example Usage
 * ```ts
 * import { defaultUserAgent } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(defaultUserAgent(), /^codex_cli_rs\/\S+ \([^;]+ \S+; \w+\) codexwire$/);
 * assert.match(defaultUserAgent({ suffix: "a\nb" }), / \(a_b\)$/);
 * ```
 */
export function defaultUserAgent(options: DefaultUserAgentOptions = {}): string {
  const originator = options.originator ?? DEFAULT_ORIGINATOR;
  const os = OS_NAMES[Deno.build.os] ?? Deno.build.os;
  const arch = Deno.build.arch === "aarch64" ? "arm64" : Deno.build.arch;
  const base = `${originator}/${VERSION} (${os} ${osRelease()}; ${arch}) codexwire`;
  const value = options.suffix === undefined ? base : `${base} (${options.suffix})`;
  return toHeaderValue(value) ?? value.replace(/[^\x20-\x7e]/g, "_");
}

function osRelease(): string {
  try {
    const state = Deno.permissions.querySync({ name: "sys", kind: "osRelease" }).state;
    return state === "granted" ? Deno.osRelease() : "unknown";
  } catch {
    return "unknown";
  }
}

// deno-lint-ignore no-control-regex
const INVALID_HEADER_CHAR_REGEXP = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether text can be sent as an HTTP header value: any text without control characters
 * (tab allowed) or DEL. Characters beyond ASCII are fine: they go out as their UTF-8
 * bytes, as Codex sends them.
 *
 * @param value The candidate value.
 * @returns `true` when it can be sent.
 *
 * @example Usage
 * ```ts
 * import { isValidHeaderValue } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isValidHeaderValue('{"cwd":"/home/zoé"}'), true);
 * assert.equal(isValidHeaderValue("line\nbreak"), false);
 * ```
 */
export function isValidHeaderValue(value: string): boolean {
  return !INVALID_HEADER_CHAR_REGEXP.test(value);
}

/**
 * Text as a header value for `Headers`: its UTF-8 bytes, one character per byte (what
 * `fetch` sends byte for byte), or `undefined` when the text holds control characters.
 *
 * @param value The text.
 * @returns The byte string, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { toHeaderValue } from "./request_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(toHeaderValue("é"), "\u00c3\u00a9");
 * assert.equal(toHeaderValue("plain"), "plain");
 * assert.equal(toHeaderValue("a\u0000b"), undefined);
 * ```
 */
export function toHeaderValue(value: string): string | undefined {
  if (!isValidHeaderValue(value)) return undefined;
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  let out = "";
  for (const byte of new TextEncoder().encode(value)) out += String.fromCharCode(byte);
  return out;
}
