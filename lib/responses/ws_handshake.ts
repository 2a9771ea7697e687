/**
 * The WebSocket handshake of the Responses transport: its URL (the `/responses` URL with
 * `http` → `ws`, `https` → `wss`) and its headers, derived from the HTTP request headers
 * so both transports identify, authenticate and describe the turn the same way.
 *
 * @module
 */

/** The `OpenAI-Beta` value that opts a handshake into Responses over WebSocket. */
export const RESPONSES_WEBSOCKETS_BETA = "responses_websockets=2026-02-06";

/**
 * The WebSocket URL of a Responses HTTP URL: `http:` becomes `ws:` and `https:` becomes
 * `wss:`; path and query are kept; `ws:` and `wss:` URLs are returned unchanged.
 *
 * @param httpUrl The `…/responses` URL.
 * @returns The WebSocket URL.
 * @throws {TypeError} When the URL is not http, https, ws or wss.
 *
 * @example Usage
 * ```ts
 * import { websocketUrl } from "./ws_handshake.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(websocketUrl("https://api.openai.com/v1/responses"), "wss://api.openai.com/v1/responses");
 * assert.equal(websocketUrl("http://127.0.0.1:8080/v1/responses?a=b"), "ws://127.0.0.1:8080/v1/responses?a=b");
 * ```
 */
export function websocketUrl(httpUrl: string): string {
  const match = /^(https?|wss?):/i.exec(httpUrl);
  if (match === null) {
    throw new TypeError(
      `Cannot derive a WebSocket URL from "${
        httpUrl.split("?")[0]
      }": use an http(s) or ws(s) base URL`,
    );
  }
  const scheme = match[1].toLowerCase();
  const mapped = scheme === "http" ? "ws" : scheme === "https" ? "wss" : scheme;
  return mapped + httpUrl.slice(match[1].length);
}

/** Options of {@linkcode websocketHandshakeHeaders}. */
export interface WebSocketHandshakeHeadersOptions {
  /**
   * A turn state that an older server handed out in a handshake answer, echoed as
   * `x-codex-turn-state` on a reconnect of the same turn. Today's servers send turn state
   * in-band, and then no handshake carries it.
   */
  handshakeTurnState?: string;
  /** Ask for `responsesapi.websocket_timing` frames (`x-responsesapi-include-timing-metrics: true`). */
  timingMetrics?: boolean;
}

// Headers that describe an HTTP body or its answer, and the per-request turn state and
// trace context (sent in `client_metadata` over WebSocket, each request its own): none
// belongs on an upgrade request, which the connection's later requests share.
const HTTP_ONLY_HEADERS: readonly string[] = [
  "accept",
  "content-type",
  "content-encoding",
  "content-length",
  "x-codex-turn-state",
  "traceparent",
  "tracestate",
];

/**
 * The handshake headers of a Responses WebSocket: the HTTP request headers (identity,
 * `Authorization`, `ChatGPT-Account-ID`, `originator`, `User-Agent`, beta features, turn
 * metadata, provider headers) without those that only make sense for an HTTP body, plus
 * `OpenAI-Beta: responses_websockets=2026-02-06` (added to any `OpenAI-Beta` values
 * already set).
 *
 * @param httpHeaders The headers an HTTP request of the same turn would carry.
 * @param options Turn state from an older server, and timing metrics.
 * @returns New headers.
 *
 * @example Usage
 * ```ts
 * import { websocketHandshakeHeaders } from "./ws_handshake.ts";
 * import assert from "node:assert/strict";
 *
 * const headers = websocketHandshakeHeaders(new Headers({
 *   authorization: "Bearer sk-1",
 *   accept: "text/event-stream",
 *   "x-codex-turn-state": "ts-1",
 * }));
 * assert.equal(headers.get("authorization"), "Bearer sk-1");
 * assert.equal(headers.get("openai-beta"), "responses_websockets=2026-02-06");
 * assert.equal(headers.has("accept"), false);
 * assert.equal(headers.has("x-codex-turn-state"), false);
 * ```
 */
export function websocketHandshakeHeaders(
  httpHeaders: Headers,
  options: WebSocketHandshakeHeadersOptions = {},
): Headers {
  const headers = new Headers(httpHeaders);
  for (const name of HTTP_ONLY_HEADERS) headers.delete(name);
  const betas = (headers.get("openai-beta") ?? "").split(",").map((value) => value.trim())
    .filter((value) => value !== "" && !value.startsWith("responses_websockets="));
  headers.set("openai-beta", [RESPONSES_WEBSOCKETS_BETA, ...betas].join(","));
  if (options.handshakeTurnState !== undefined) {
    headers.set("x-codex-turn-state", options.handshakeTurnState);
  }
  if (options.timingMetrics) headers.set("x-responsesapi-include-timing-metrics", "true");
  return headers;
}
