/**
 * {@linkcode ResponsesClient}: the Responses API over fetch + SSE or over a WebSocket, as
 * the Codex client speaks it.
 *
 * @module
 */

import { combineTelemetry, logTelemetry, type Telemetry } from "../telemetry/telemetry.ts";
import { buildResponsesBody, type ResponsesRequest } from "./request_body.ts";
import {
  DEFAULT_ORIGINATOR,
  defaultUserAgent,
  fillDefaultHeaders,
  headerRecord,
} from "./request_headers.ts";
import { responsesUrl } from "./_responses_url.ts";
import { uuidV7 } from "./_uuid_v7.ts";
import type { ResponseStream } from "./response_stream.ts";
import { RequestBodyEncoder, type RequestCompression } from "./request_compression.ts";
import {
  type RequestIdentity,
  ResponsesSession,
  type SessionContext,
  type SessionOptions,
  type StreamOptions,
} from "./responses_session.ts";
import type { RetryOptions } from "./sse_turn.ts";
import { DEFAULT_MAX_EVENT_SIZE } from "../sse/sse_decoder.ts";
import { type ResponseItem, serializeInputItem } from "../schema/response_item.ts";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../transport/websocket_connector.ts";
import { TransportFallback, type WebSocketFallbackPolicy } from "./ws_fallback.ts";
import { websocketUrl } from "./ws_handshake.ts";
import { WebSocketTransport } from "./ws_transport.ts";
import { checkDelayMs, checkTimeoutMs } from "../transport/timeout.ts";

/** A ChatGPT sign-in: the access token and account id a Codex login holds. */
export interface ChatGptAuth {
  /** The ChatGPT access token, sent as `Authorization: Bearer <accessToken>`. */
  accessToken: string;
  /** The ChatGPT account id, sent as `ChatGPT-Account-ID`. */
  accountId?: string;
}

/** How the client signs in, besides a plain `apiKey`. */
export interface ResponsesAuth {
  /**
   * Sign in as a ChatGPT user, as Codex does after "Sign in with ChatGPT": the base URL
   * defaults to `https://chatgpt.com/backend-api/codex`, the account id goes out as
   * `ChatGPT-Account-ID`, and request bodies are zstd-compressed unless `compression`
   * says otherwise.
   */
  chatgpt: ChatGptAuth;
}

/** The base URL of the ChatGPT backend that Codex uses after a ChatGPT sign-in. */
export const CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/codex";
import { recordingFetch } from "../tape/recording_fetch.ts";
import type { TapeRecorder } from "../tape/tape_recorder.ts";

/** Options of {@linkcode ResponsesClient}. */
export interface ResponsesClientOptions {
  /**
   * The API base; requests go to `<baseUrl>/responses` (a query in it stays after the path:
   * `…/openai?api-version=1` gives `…/openai/responses?api-version=1`).
   * @default {"https://api.openai.com/v1", or CHATGPT_BASE_URL with auth.chatgpt}
   */
  baseUrl?: string;
  /** The API key, sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Sign in with a ChatGPT access token instead of an API key (set one of them, not both). */
  auth?: ResponsesAuth;
  /** The ChatGPT account id, sent as `ChatGPT-Account-ID` (`auth.chatgpt.accountId` wins). */
  accountId?: string;
  /** Provider headers; per-session and per-request headers win over them. */
  headers?: HeadersInit;
  /** Query parameters appended to the URL as `?k=v&k2=v2`, unescaped (as Codex does). */
  queryParams?: Record<string, string>;
  /**
   * The transport: `sse` (HTTP + server-sent events), `websocket` (a Responses WebSocket
   * on the same URL with `ws:`/`wss:`, never HTTP), or `auto` (WebSocket, falling back to
   * HTTP as `websocket.fallback` says).
   * @default {"sse"}
   */
  transport?: "sse" | "websocket" | "auto";
  /** WebSocket settings, for `transport: "websocket"` and `"auto"`. */
  websocket?: WebSocketOptions;
  /**
   * Request-body compression: `zstd` (level 3, `Content-Encoding: zstd`), `auto` (only
   * bodies of at least `compressionThresholdBytes`), or `none`. After a 415, or a 400 that
   * names the encoding, the request is sent again plain and the client stops compressing.
   * @default {"zstd" with auth.chatgpt, else "none"}
   */
  compression?: RequestCompression;
  /** The smallest body `compression: "auto"` compresses, in bytes. @default 8192 */
  compressionThresholdBytes?: number;
  /** Retry settings. */
  retry?: RetryOptions;
  /**
   * How long to wait for each event (and for the whole of a body that is not an event
   * stream, which holds none) before failing with `idleTimeout`: up to 2147483647, or
   * `Infinity` for no timeout. @default 300000
   */
  idleTimeoutMs?: number;
  /**
   * How long to wait for response headers, from sending the request, before failing with
   * a retryable `headersTimeout`: up to 2147483647, or `Infinity` for no timeout.
   * @default 60000
   */
  headersTimeoutMs?: number;
  /** The most characters one SSE event, or bytes one WebSocket frame, may hold. @default {64 * 1024 * 1024} */
  maxEventSize?: number;
  /** Telemetry hooks, called beside the LogTape logging of {@linkcode logTelemetry}. */
  telemetry?: Telemetry;
  /** The fetch to use (for proxies, tests, recording). @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** Record every exchange to this tape (secrets replaced); close the recorder when done. */
  record?: TapeRecorder;
  /**
   * The session id: the `session-id` header, `client_metadata.session_id` and the
   * `prompt_cache_key`. @default {a new UUIDv7}
   */
  sessionId?: string;
  /**
   * The thread id: the `thread-id` and `x-client-request-id` headers, the thread part of
   * `x-codex-window-id`, `client_metadata.thread_id`. @default {conversationId, else a new UUIDv7}
   */
  threadId?: string;
  /** @deprecated Use `threadId`; read as the thread id when `threadId` is not given. */
  conversationId?: string;
  /** An installation id, sent as `client_metadata["x-codex-installation-id"]`. */
  installationId?: string;
  /** The `originator` header. @default {"codex_cli_rs"} */
  originator?: string;
  /** Enabled experimental features, sent comma-joined as `x-codex-beta-features`. */
  betaFeatures?: readonly string[];
  /** A sub-agent label (`review`, `compact`, …), sent as `x-openai-subagent`. */
  subagent?: string;
  /** A residency requirement, sent as `x-openai-internal-codex-residency`. */
  residency?: string;
}

/** WebSocket settings of {@linkcode ResponsesClientOptions}. */
export interface WebSocketOptions {
  /** How long a handshake may take before it fails, in milliseconds. @default 15000 */
  connectTimeoutMs?: number;
  /** When `transport: "auto"` gives way to HTTP. @default {{ onConnectError: "fallback", sticky: true }} */
  fallback?: WebSocketFallbackPolicy;
  /** Ask for `responsesapi.websocket_timing` frames (reported to telemetry). @default false */
  timingMetrics?: boolean;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
const MAX_RETRIES = 100;
const OWNER = "ResponsesClient";
/** The default of `headersTimeoutMs`: one minute. */
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;

/**
 * A Responses API client over HTTP + SSE or a WebSocket with the Codex client's
 * behaviour: request shape and headers, header events, completion and error semantics,
 * idle timeouts, transport and stream retries, turn state; over WebSocket also connection
 * reuse, incremental requests, steering and the fallback to HTTP.
 *
 * @example Streaming one response
 * ```ts ignore
 * import { ResponsesClient } from "@codexwire/codexwire";
 *
 * const client = new ResponsesClient({ apiKey: Deno.env.get("OPENAI_API_KEY") });
 * const stream = client.stream({ model: "gpt-5.2-codex", input: "Say hello" });
 * for await (const event of stream) {
 *   if (event.type === "outputTextDelta") Deno.stdout.writeSync(new TextEncoder().encode(event.delta));
 * }
 * ```
 */
export class ResponsesClient {
  /**
   * The base URL: its path without trailing slashes, and its query when it has one.
   * Requests go to the path + `/responses`, the query after it.
   */
  readonly baseUrl: string;
  /** The session id this client sends. */
  readonly sessionId: string;
  /** The thread id this client sends. */
  readonly threadId: string;
  /** The thread id (the name this property had before session and thread ids split). */
  readonly conversationId: string;
  #context: SessionContext;

  /**
   * Creates a client. Nothing is sent until a stream is iterated.
   *
   * @param options Where to connect and how.
   * @throws {RangeError} When a numeric option is out of range.
   * @throws {TypeError} When both `apiKey` and `auth.chatgpt` are set, or the ChatGPT
   * access token is empty.
   */
  constructor(options: ResponsesClientOptions = {}) {
    const idleTimeoutMs = checkTimeoutMs(OWNER, "idleTimeoutMs", options.idleTimeoutMs ?? 300_000);
    const headersTimeoutMs = checkTimeoutMs(
      OWNER,
      "headersTimeoutMs",
      options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    );
    const retry = resolveRetry(options.retry ?? {});
    const chatgpt = options.auth?.chatgpt;
    if (chatgpt !== undefined) {
      if (options.apiKey !== undefined) {
        throw new TypeError(
          "Cannot create ResponsesClient: set apiKey or auth.chatgpt, not both",
        );
      }
      if (typeof chatgpt.accessToken !== "string" || chatgpt.accessToken.trim() === "") {
        throw new TypeError(
          "Cannot create ResponsesClient: auth.chatgpt.accessToken must be a non-empty string",
        );
      }
    }
    const { baseUrl, url } = responsesUrl(
      options.baseUrl ?? (chatgpt === undefined ? DEFAULT_BASE_URL : CHATGPT_BASE_URL),
      options.queryParams ?? {},
    );
    const threadId = options.threadId ?? options.conversationId ?? uuidV7();
    const sessionId = options.sessionId ?? uuidV7();
    const originator = options.originator ?? DEFAULT_ORIGINATOR;
    const defaults: Record<string, string> = {
      originator,
      "user-agent": defaultUserAgent({ originator }),
    };
    if (options.residency !== undefined) {
      defaults["x-openai-internal-codex-residency"] = options.residency;
    }
    // Built once: every request merges them.
    const defaultHeaders = new Headers(defaults);
    const providerHeaders = new Headers(options.headers);
    const { subagent, installationId } = options;
    const betaFeatures = options.betaFeatures !== undefined && options.betaFeatures.length > 0
      ? options.betaFeatures.join(",")
      : undefined;
    const bearer = chatgpt?.accessToken ?? options.apiKey;
    const accountId = chatgpt?.accountId ?? options.accountId;
    this.baseUrl = baseUrl;
    this.sessionId = sessionId;
    this.threadId = threadId;
    this.conversationId = threadId;
    const transport = options.transport ?? "sse";
    if (transport !== "sse" && transport !== "websocket" && transport !== "auto") {
      throw new TypeError(
        `Cannot create ResponsesClient: transport must be "sse", "websocket" or "auto", got ${
          JSON.stringify(transport)
        }`,
      );
    }
    const telemetry = combineTelemetry([logTelemetry(), options.telemetry]);
    const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
    const websocket = transport === "sse" ? undefined : {
      pool: new WebSocketTransport({
        url: websocketUrl(url),
        connectTimeoutMs: checkTimeoutMs(
          OWNER,
          "websocket.connectTimeoutMs",
          options.websocket?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ),
        // A frame is one event: the SSE event bound, counted in bytes.
        maxFrameBytes: maxEventSize,
        ...(telemetry === undefined ? {} : { telemetry }),
        toInputItem: (item) => serializeInputItem(item as ResponseItem),
        ...(options.record === undefined ? {} : { record: options.record }),
      }),
      fallback: new TransportFallback(options.websocket?.fallback),
      timingMetrics: options.websocket?.timingMetrics ?? false,
    };
    const baseHeaders = (extra: Headers, identity: RequestIdentity): Headers => {
      // Codex's precedence, built in one `Headers`: the identity and per-request headers
      // win over the client's, and the defaults only fill names neither set has.
      const headers = new Headers(providerHeaders);
      headers.set("session-id", identity.sessionId);
      headers.set("thread-id", identity.threadId);
      headers.set("x-client-request-id", identity.threadId);
      headers.set("x-codex-window-id", windowId(identity.threadId));
      if (subagent !== undefined) headers.set("x-openai-subagent", subagent);
      if (betaFeatures !== undefined) headers.set("x-codex-beta-features", betaFeatures);
      extra.forEach((value, name) => headers.set(name, value));
      fillDefaultHeaders(headers, defaultHeaders);
      if (bearer !== undefined) headers.set("authorization", `Bearer ${bearer}`);
      if (accountId !== undefined) headers.set("chatgpt-account-id", accountId);
      headers.set("accept", "text/event-stream");
      return headers;
    };
    // The base headers of the last identity asked for without extra headers, as a record:
    // most requests share them, and copying a record costs far less than building
    // `Headers`.
    let shared: { sessionId: string; threadId: string; record: Record<string, string> } | undefined;
    const baseHeaderRecord = (
      extra: Headers | undefined,
      identity: RequestIdentity,
    ): Record<string, string> => {
      if (extra !== undefined) return headerRecord(baseHeaders(extra, identity));
      if (shared?.sessionId !== identity.sessionId || shared.threadId !== identity.threadId) {
        const record = headerRecord(baseHeaders(new Headers(), identity));
        shared = { sessionId: identity.sessionId, threadId: identity.threadId, record };
      }
      return { ...shared.record };
    };
    this.#context = {
      url,
      transport,
      websocket,
      fetch: options.record === undefined
        ? options.fetch ?? globalThis.fetch
        : recordingFetch(options.record, options.fetch),
      identity: { sessionId, threadId },
      baseHeaders,
      baseHeaderRecord,
      // What baseHeaders sends, without building them: the caller's value wins.
      windowId: (extra, identity) => extra.get("x-codex-window-id") ?? windowId(identity.threadId),
      body(request, identity, turn) {
        const clientMetadata: Record<string, string> = {};
        if (installationId !== undefined) {
          clientMetadata["x-codex-installation-id"] = installationId;
        }
        clientMetadata.session_id = identity.sessionId;
        clientMetadata.thread_id = identity.threadId;
        clientMetadata["x-codex-window-id"] = turn.windowId ?? windowId(identity.threadId);
        if (turn.turnId !== undefined) clientMetadata.turn_id = turn.turnId;
        if (subagent !== undefined) clientMetadata["x-openai-subagent"] = subagent;
        if (turn.turnMetadata !== undefined) {
          clientMetadata["x-codex-turn-metadata"] = turn.turnMetadata;
        }
        return buildResponsesBody(request, { promptCacheKey: identity.sessionId, clientMetadata });
      },
      encoder: new RequestBodyEncoder({
        compression: options.compression ?? (chatgpt === undefined ? "none" : "zstd"),
        thresholdBytes: options.compressionThresholdBytes,
      }),
      retry,
      idleTimeoutMs,
      headersTimeoutMs,
      maxEventSize,
      telemetry,
    };
  }

  /**
   * Starts a turn. Requests of one session share its turn state; start a new session
   * for each turn.
   *
   * @param options The turn's metadata and headers.
   * @returns The session.
   */
  session(options: SessionOptions = {}): ResponsesSession {
    return new ResponsesSession(this.#context, options);
  }

  /**
   * Streams one response in a session of its own (a one-request turn).
   *
   * @param request What to ask for.
   * @param options A signal, per-request headers, passthrough of unmapped events, a trace
   * context.
   * @returns The events.
   * @throws {CodexWireError} `usage` when `options.trace` is not a valid trace context.
   */
  stream(request: ResponsesRequest, options: StreamOptions = {}): ResponseStream {
    return this.session().stream(request, options);
  }

  /**
   * Opens a WebSocket now (a handshake, no request), so the first request does not wait
   * for it. Does nothing over HTTP or when a connection is already idle. With `auto`, a
   * connection that cannot be opened switches the client to HTTP (as the fallback policy
   * says) instead of failing.
   *
   * @param options A signal and the session whose headers the handshake carries.
   * @returns A promise that settles when the connection is open.
   * @throws {CodexWireError} When the handshake fails and the client does not fall back.
   */
  preconnect(options: PreconnectOptions = {}): Promise<void> {
    return this.session(options.session).preconnect({
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /**
   * Warms a WebSocket up for `request`: sends it with `generate: false` and waits for the
   * response to complete, so the first real request continues it (`previous_response_id`
   * and only the new input). Does nothing over HTTP.
   *
   * @param request The request the first turn will send.
   * @param options A signal and per-request headers.
   * @returns A promise that settles when the warm-up completed.
   * @throws {CodexWireError} When the warm-up fails.
   */
  prewarm(request: ResponsesRequest, options: StreamOptions = {}): Promise<void> {
    return this.session().prewarm(request, options);
  }

  /**
   * Closes the client's WebSocket connections (HTTP holds none). Streams still running on
   * them fail.
   *
   * @returns A promise that resolves when every connection is released.
   */
  async close(): Promise<void> {
    await this.#context.websocket?.pool.close();
  }

  /**
   * Closes the client, for `await using`.
   *
   * @returns A promise that resolves when every connection is released.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Options of {@linkcode ResponsesClient.preconnect}. */
export interface PreconnectOptions {
  /** Cancels the handshake. */
  signal?: AbortSignal;
  /** The session (identity, headers, turn metadata) the handshake is made for. */
  session?: SessionOptions;
}

// The window part of `x-codex-window-id`: Codex counts context windows from 0 and moves
// on after a history compaction, which codexwire does not do.
function windowId(threadId: string): string {
  return `${threadId}:0`;
}

function resolveRetry(retry: RetryOptions): Required<RetryOptions> {
  const requestMaxRetries = Math.min(retry.requestMaxRetries ?? 4, MAX_RETRIES);
  const streamMaxRetries = Math.min(retry.streamMaxRetries ?? 5, MAX_RETRIES);
  const connectionRetries = retry.connectionRetries ?? "bounded";
  if (connectionRetries !== "bounded" && connectionRetries !== "unbounded") {
    throw new RangeError(
      `Cannot create ResponsesClient: retry.connectionRetries must be "bounded" or "unbounded", got ${
        JSON.stringify(connectionRetries)
      }`,
    );
  }
  const resolved: Required<RetryOptions> = {
    connectionRetries,
    connectionBaseDelayMs: retry.connectionBaseDelayMs ?? 5_000,
    connectionMaxDelayMs: retry.connectionMaxDelayMs ?? 60_000,
    requestMaxRetries,
    streamMaxRetries,
    // Without a budget, every layer may spend all its retries: the worst case in all.
    maxRetries: retry.maxRetries ?? (requestMaxRetries + 1) * (streamMaxRetries + 1) - 1,
    baseDelayMs: retry.baseDelayMs ?? 200,
    honorRetryAfter: retry.honorRetryAfter ?? true,
    maxRetryAfterMs: retry.maxRetryAfterMs ?? 60_000,
    random: retry.random ?? Math.random,
  };
  for (
    const name of [
      "requestMaxRetries",
      "streamMaxRetries",
      "maxRetries",
      "baseDelayMs",
      "maxRetryAfterMs",
      "connectionBaseDelayMs",
      "connectionMaxDelayMs",
    ] as const
  ) {
    const value = resolved[name];
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(
        `Cannot create ResponsesClient: retry.${name} must be a finite number >= 0, got ${value}`,
      );
    }
  }
  // Past 2³¹−1 ms a timer fires at once: say so instead.
  checkDelayMs(OWNER, "retry.baseDelayMs", resolved.baseDelayMs);
  checkDelayMs(OWNER, "retry.maxRetryAfterMs", resolved.maxRetryAfterMs);
  checkDelayMs(OWNER, "retry.connectionBaseDelayMs", resolved.connectionBaseDelayMs);
  checkDelayMs(OWNER, "retry.connectionMaxDelayMs", resolved.connectionMaxDelayMs);
  return resolved;
}
