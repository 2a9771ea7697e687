/**
 * The handshake headers of a realtime WebSocket, merged with Codex's precedence.
 *
 * @module
 */

import {
  DEFAULT_ORIGINATOR,
  defaultUserAgent,
  mergeRequestHeaders,
} from "../responses/request_headers.ts";
import type { RealtimeDialect } from "./realtime_dialect.ts";

/** Options of {@linkcode realtimeHandshakeHeaders}. */
export interface RealtimeHeadersOptions {
  /** The wire dialect. @default {"v2"} */
  dialect?: RealtimeDialect;
  /** The API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** The realtime session id, sent as `x-session-id` and `session-id`. */
  sessionId?: string;
  /** The Codex thread id, sent as `thread-id`. */
  threadId?: string;
  /** Provider headers: the base layer. */
  providerHeaders?: HeadersInit;
  /** Headers that overwrite the provider's (the caller's own). */
  headers?: HeadersInit;
  /** `originator` (a default: only filled when absent). @default {"codex_cli_rs"} */
  originator?: string;
  /** `User-Agent` (a default: only filled when absent). */
  userAgent?: string;
}

/**
 * Merges handshake headers: provider headers first, then the extra headers overwrite them
 * (the caller's `headers`, then `Authorization`, `x-session-id`, `session-id`, `thread-id`,
 * `openai-alpha`), then defaults (`originator`, `User-Agent`) fill only names still absent.
 * `openai-alpha` is `quicksilver=v1` for v1 and `quicksilver=v2` for v3; v2 sends none.
 *
 * @param options The key, ids, dialect and header layers.
 * @returns The headers to send.
 *
 * @example Usage
 * ```ts
 * import { realtimeHandshakeHeaders } from "./realtime_headers.ts";
 * import assert from "node:assert/strict";
 *
 * const headers = realtimeHandshakeHeaders({ dialect: "v1", apiKey: "sk-1", sessionId: "s-1" });
 * assert.equal(headers.get("authorization"), "Bearer sk-1");
 * assert.equal(headers.get("x-session-id"), "s-1");
 * assert.equal(headers.get("openai-alpha"), "quicksilver=v1");
 * assert.equal(headers.get("originator"), "codex_cli_rs");
 * ```
 */
export function realtimeHandshakeHeaders(options: RealtimeHeadersOptions = {}): Headers {
  const extra = new Headers(options.headers);
  if (options.apiKey !== undefined) extra.set("authorization", `Bearer ${options.apiKey}`);
  if (options.sessionId !== undefined) {
    extra.set("x-session-id", options.sessionId);
    extra.set("session-id", options.sessionId);
  }
  if (options.threadId !== undefined) extra.set("thread-id", options.threadId);
  const dialect = options.dialect ?? "v2";
  if (dialect === "v1") extra.set("openai-alpha", "quicksilver=v1");
  if (dialect === "v3") extra.set("openai-alpha", "quicksilver=v2");
  const merged = mergeRequestHeaders(options.providerHeaders, extra);
  const originator = merged.get("originator") ?? options.originator ?? DEFAULT_ORIGINATOR;
  return mergeRequestHeaders(merged, undefined, {
    originator,
    "user-agent": options.userAgent ?? defaultUserAgent({ originator }),
  });
}
