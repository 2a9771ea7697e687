/**
 * What a tape must never hold, and how it is replaced: credential headers, API keys in
 * query strings and WebSocket subprotocols, cookies, and any value equal to a secret
 * from the environment, also when a secret is split across two chunks or frames.
 *
 * @module
 */

import { concatBytes } from "../compression/_bytes.ts";

/** Environment variables whose values are always treated as secrets. */
export const DEFAULT_SECRET_ENV: readonly string[] = [
  "OPENAI_API_KEY",
  "CODEX_API_KEY",
  "AZURE_OPENAI_API_KEY",
  "OPENAI_ADMIN_KEY",
];

/** Headers whose values are always replaced (compared without case). */
export const SECRET_HEADERS: readonly string[] = [
  "authorization",
  "proxy-authorization",
  "api-key",
  "x-api-key",
  "chatgpt-account-id",
  "cookie",
  "set-cookie",
  "x-oai-attestation",
];

/** Query parameters whose values are always replaced (compared without case). */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  "api-key",
  "api_key",
  "apikey",
  "key",
  "access_token",
  "token",
];

/** The WebSocket subprotocol prefix browsers use to carry an API key. */
export const API_KEY_SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

/** A secret shorter than this is not looked for: it would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/** What to keep out of a tape, besides the defaults. */
export interface RedactionOptions {
  /** Literal secret values (each at least {@linkcode MIN_SECRET_LENGTH} characters). */
  secrets?: readonly string[];
  /**
   * More environment variables whose values are secrets; added to
   * {@linkcode DEFAULT_SECRET_ENV}. Unset, empty or short values are skipped.
   */
  secretEnv?: readonly string[];
  /** More header names to replace, such as identity headers (`x-user-email`). */
  headers?: readonly string[];
  /** More query parameter names to replace. */
  queryParams?: readonly string[];
  /**
   * Reads an environment variable.
   *
   * @default {Deno.env.get, and nothing when the permission is missing}
   */
  env?: (name: string) => string | undefined;
}

/** A secret's bytes and what replaces them. */
interface SecretBytes {
  bytes: Uint8Array;
  replacement: Uint8Array;
}

interface Secret extends SecretBytes {
  label: string;
  value: string;
}

const ENCODER = new TextEncoder();
const REDACTED = "[REDACTED]";

/**
 * Replaces secrets in the parts of HTTP and WebSocket traffic a tape records.
 *
 * @example Headers, URLs and values from the environment
 * ```ts
 * import { Redactor } from "./redaction.ts";
 * import assert from "node:assert/strict";
 *
 * const redactor = new Redactor({ secrets: ["sk-test-1234567890"] });
 * assert.deepEqual(
 *   redactor.headers([["authorization", "Bearer sk-test-1234567890"], ["accept", "*"]]),
 *   [["authorization", "Bearer [REDACTED]"], ["accept", "*"]],
 * );
 * assert.equal(redactor.url("http://h/v1/x?api-key=abc&b=1"), "http://h/v1/x?api-key=REDACTED&b=1");
 * assert.equal(redactor.text("key sk-test-1234567890!"), "key [REDACTED:secret 1]!");
 * ```
 */
export class Redactor {
  #secrets: Secret[];
  #headers: Set<string>;
  #queryParams: Set<string>;
  #maxSecretLength: number;

  /**
   * Collects the secrets: the literal ones and those of the environment.
   *
   * @param options What to keep out besides the defaults.
   * @throws {RangeError} If a literal secret is shorter than {@linkcode MIN_SECRET_LENGTH}.
   */
  constructor(options: RedactionOptions = {}) {
    const env = options.env ?? readEnv;
    const secrets: Secret[] = [];
    const seen = new Set<string>();
    function add(value: string, label: string): void {
      if (seen.has(value)) return;
      seen.add(value);
      secrets.push({
        label,
        value,
        bytes: ENCODER.encode(value),
        replacement: ENCODER.encode(`[REDACTED:${label}]`),
      });
    }
    (options.secrets ?? []).forEach((value, index) => {
      if (value.length < MIN_SECRET_LENGTH) {
        throw new RangeError(
          `Cannot redact secret ${
            index + 1
          }: it has ${value.length} characters, at least ${MIN_SECRET_LENGTH} are needed to tell it from ordinary text`,
        );
      }
      add(value, `secret ${index + 1}`);
    });
    for (const name of [...DEFAULT_SECRET_ENV, ...(options.secretEnv ?? [])]) {
      const value = env(name)?.trim();
      if (value !== undefined && value.length >= MIN_SECRET_LENGTH) add(value, name);
    }
    // Longest first, so a secret that contains another is replaced whole.
    secrets.sort((a, b) => b.bytes.length - a.bytes.length);
    this.#secrets = secrets;
    this.#maxSecretLength = secrets.reduce((max, secret) => Math.max(max, secret.bytes.length), 0);
    this.#headers = new Set([...SECRET_HEADERS, ...(options.headers ?? [])].map(lower));
    this.#queryParams = new Set(
      [...SECRET_QUERY_PARAMS, ...(options.queryParams ?? [])].map(lower),
    );
  }

  /** The secret values looked for, longest first, with the name each is replaced by. */
  get secrets(): readonly { label: string; value: string }[] {
    return this.#secrets.map(({ label, value }) => ({ label, value }));
  }

  /**
   * Replaces every secret value in a string.
   *
   * @param text The text.
   * @returns The text with each secret replaced by `[REDACTED:<name>]`.
   */
  text(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret.value)) {
        out = out.replaceAll(secret.value, `[REDACTED:${secret.label}]`);
      }
    }
    return out;
  }

  /**
   * Replaces the values of credential headers, and secrets in any other header.
   *
   * @param headers The headers as `[name, value]` pairs.
   * @returns New pairs; an `Authorization` keeps its scheme (`Bearer [REDACTED]`).
   */
  headers(headers: Iterable<[string, string]>): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, value] of headers) {
      const key = lower(name);
      if (key === "sec-websocket-protocol") {
        out.push([name, this.protocols(value.split(",").map((p) => p.trim())).join(", ")]);
      } else if (this.#headers.has(key)) {
        const scheme = /^(Bearer|Basic|Token)\s+/i.exec(value)?.[0] ?? "";
        out.push([name, value === "" ? "" : `${scheme}${REDACTED}`]);
      } else {
        out.push([name, this.text(value)]);
      }
    }
    return out;
  }

  /**
   * Replaces API keys in a URL's query (and secrets anywhere in it).
   *
   * @param url The URL.
   * @returns The URL with each secret query value replaced by `REDACTED`.
   */
  url(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.text(url);
    }
    let changed = false;
    for (const name of [...parsed.searchParams.keys()]) {
      if (this.#queryParams.has(lower(name))) {
        parsed.searchParams.set(name, "REDACTED");
        changed = true;
      }
    }
    return this.text(changed ? parsed.href : url);
  }

  /**
   * Replaces the key in `openai-insecure-api-key.<key>` subprotocols.
   *
   * @param protocols The subprotocols.
   * @returns The subprotocols, keys replaced.
   */
  protocols(protocols: readonly string[]): string[] {
    return protocols.map((protocol) =>
      protocol.toLowerCase().startsWith(API_KEY_SUBPROTOCOL_PREFIX)
        ? `${protocol.slice(0, API_KEY_SUBPROTOCOL_PREFIX.length)}REDACTED`
        : this.text(protocol)
    );
  }

  /**
   * Starts a guard for one stream of pieces (an HTTP body, or one direction of a socket),
   * which catches a secret split across pieces.
   *
   * @returns A new guard.
   */
  streamGuard<T>(): SplitSecretGuard<T> {
    return new SplitSecretGuard<T>(this.#secrets, this.#maxSecretLength);
  }

  /**
   * Replaces every secret in some bytes.
   *
   * @param bytes The bytes.
   * @returns The same array when nothing was found, else a new one.
   */
  bytes(bytes: Uint8Array): Uint8Array {
    return replaceAll(bytes, this.#secrets);
  }
}

/** A piece of a stream with what the caller needs to write it later. */
export interface GuardedPiece<T> {
  /** The piece's bytes, secrets replaced. */
  bytes: Uint8Array;
  /** What the caller passed with the piece. */
  meta: T;
}

/**
 * Holds back a piece whose end could be the start of a secret until the next piece
 * shows whether it is. A secret found across pieces is moved whole into the later piece,
 * then replaced; every other boundary is kept.
 *
 * @example A key split across two chunks
 * ```ts
 * import { Redactor } from "./redaction.ts";
 * import assert from "node:assert/strict";
 *
 * const guard = new Redactor({ secrets: ["sk-0123456789"] }).streamGuard<number>();
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * const text = (piece: { bytes: Uint8Array }) => new TextDecoder().decode(piece.bytes);
 * assert.deepEqual(guard.push(bytes("a sk-01234"), 1), []);
 * assert.deepEqual(guard.push(bytes("56789 b"), 2).map(text), ["a ", "[REDACTED:secret 1] b"]);
 * assert.deepEqual(guard.flush(), []);
 * ```
 */
export class SplitSecretGuard<T> {
  #secrets: readonly SecretBytes[];
  #maxLength: number;
  #pending: { bytes: Uint8Array; meta: T }[] = [];

  /**
   * Use {@linkcode Redactor.streamGuard}.
   *
   * @param secrets The secrets.
   * @param maxLength The longest secret's length in bytes.
   */
  constructor(
    secrets: readonly { bytes: Uint8Array; replacement: Uint8Array }[],
    maxLength: number,
  ) {
    this.#secrets = secrets;
    this.#maxLength = maxLength;
  }

  /**
   * Adds a piece; returns the pieces that are now safe to write, in order.
   *
   * @param bytes The piece as it arrived.
   * @param meta What to hand back with it.
   * @returns The pieces ready to write (possibly none, possibly earlier ones).
   */
  push(bytes: Uint8Array, meta: T): GuardedPiece<T>[] {
    if (this.#secrets.length === 0) return [{ bytes, meta }];
    this.#pending.push({ bytes, meta });
    return this.#settle(false);
  }

  /**
   * Releases every held piece (at the end of the stream).
   *
   * @returns The held pieces, secrets replaced.
   */
  flush(): GuardedPiece<T>[] {
    if (this.#pending.length === 0) return [];
    return this.#settle(true);
  }

  #settle(final: boolean): GuardedPiece<T>[] {
    const pending = this.#pending;
    const joined = pending.length === 1
      ? pending[0].bytes
      : concatBytes(pending.map((p) => p.bytes));
    const starts: number[] = [];
    const ends: number[] = [];
    let offset = 0;
    for (const piece of pending) {
      starts.push(offset);
      offset += piece.bytes.length;
      ends.push(offset);
    }
    const found = findAll(joined, this.#secrets);
    // A boundary inside a secret moves to the secret's start.
    for (const [start, end] of found) {
      for (let index = 0; index < pending.length; index++) {
        if (starts[index] > start && starts[index] < end) starts[index] = start;
        if (ends[index] > start && ends[index] < end) ends[index] = start;
      }
    }
    let hold = joined.length;
    if (!final) {
      const lastEnd = found.length === 0 ? 0 : found[found.length - 1][1];
      for (
        let at = Math.max(lastEnd, joined.length - this.#maxLength + 1);
        at < joined.length;
        at++
      ) {
        if (this.#startsSecret(joined, at)) {
          hold = at;
          break;
        }
      }
    }
    const ready: GuardedPiece<T>[] = [];
    const kept: { bytes: Uint8Array; meta: T }[] = [];
    for (let index = 0; index < pending.length; index++) {
      const slice = joined.subarray(starts[index], ends[index]);
      if (ends[index] <= hold && kept.length === 0) {
        ready.push({ bytes: replaceAll(slice, this.#secrets), meta: pending[index].meta });
      } else {
        kept.push({ bytes: slice, meta: pending[index].meta });
      }
    }
    this.#pending = kept;
    return ready;
  }

  /** Whether the bytes from `at` to the end are the beginning of some secret. */
  #startsSecret(bytes: Uint8Array, at: number): boolean {
    const rest = bytes.length - at;
    for (const secret of this.#secrets) {
      if (rest >= secret.bytes.length) continue;
      let match = true;
      for (let index = 0; index < rest; index++) {
        if (bytes[at + index] !== secret.bytes[index]) {
          match = false;
          break;
        }
      }
      if (match) return true;
    }
    return false;
  }
}

/** Every non-overlapping occurrence of any secret, leftmost first, as `[start, end)`. */
function findAll(bytes: Uint8Array, secrets: readonly SecretBytes[]): [number, number][] {
  const found: [number, number][] = [];
  let at = 0;
  while (at < bytes.length) {
    let best: [number, number] | undefined;
    for (const secret of secrets) {
      const index = indexOf(bytes, secret.bytes, at);
      if (index !== -1 && (best === undefined || index < best[0])) {
        best = [index, index + secret.bytes.length];
      }
    }
    if (best === undefined) break;
    found.push(best);
    at = best[1];
  }
  return found;
}

function replaceAll(bytes: Uint8Array, secrets: readonly SecretBytes[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    let best: { index: number; secret: SecretBytes } | undefined;
    for (const secret of secrets) {
      const index = indexOf(bytes, secret.bytes, at);
      if (index !== -1 && (best === undefined || index < best.index)) best = { index, secret };
    }
    if (best === undefined) break;
    parts.push(bytes.subarray(at, best.index), best.secret.replacement);
    at = best.index + best.secret.bytes.length;
  }
  if (parts.length === 0) return bytes;
  parts.push(bytes.subarray(at));
  return concatBytes(parts);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let index = haystack.indexOf(first, from); index !== -1 && index <= last;) {
    let match = true;
    for (let offset = 1; offset < needle.length; offset++) {
      if (haystack[index + offset] !== needle[offset]) {
        match = false;
        break;
      }
    }
    if (match) return index;
    index = haystack.indexOf(first, index + 1);
  }
  return -1;
}

function lower(name: string): string {
  return name.toLowerCase();
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    // Without --allow-env there is no environment secret to look for.
    return undefined;
  }
}
