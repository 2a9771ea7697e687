/**
 * {@linkcode ResponsesClient}: the Responses API over fetch + SSE, as the Codex client
 * speaks it.
 *
 * @module
 */

import { combineTelemetry, logTelemetry, type Telemetry } from "../telemetry/telemetry.ts";
import { buildResponsesBody, isAzureBaseUrl, type ResponsesRequest } from "./request_body.ts";
import { DEFAULT_ORIGINATOR, defaultUserAgent, mergeRequestHeaders } from "./request_headers.ts";
import type { ResponseStream } from "./response_stream.ts";
import { RequestBodyEncoder, type RequestCompression } from "./request_compression.ts";
import {
  ResponsesSession,
  type SessionContext,
  type SessionOptions,
  type StreamOptions,
} from "./responses_session.ts";
import type { RetryOptions } from "./sse_turn.ts";
import { DEFAULT_MAX_EVENT_SIZE } from "../sse/sse_decoder.ts";
import { recordingFetch } from "../tape/recording_fetch.ts";
import type { TapeRecorder } from "../tape/tape_recorder.ts";

/** Options of {@linkcode ResponsesClient}. */
export interface ResponsesClientOptions {
  /** The API base; requests go to `<baseUrl>/responses`. @default {"https://api.openai.com/v1"} */
  baseUrl?: string;
  /** The API key, sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The ChatGPT account id, sent as `ChatGPT-Account-ID`. */
  accountId?: string;
  /** Provider headers; per-session and per-request headers win over them. */
  headers?: HeadersInit;
  /** Query parameters appended to the URL as `?k=v&k2=v2`, unescaped (as Codex does). */
  queryParams?: Record<string, string>;
  /** The transport. Only `sse` exists so far. @default {"sse"} */
  transport?: "sse";
  /**
   * Request-body compression: `zstd` (level 3, `Content-Encoding: zstd`), `auto` (only
   * bodies of at least `compressionThresholdBytes`), or `none`. After a 415, or a 400 that
   * names the encoding, the request is sent again plain and the client stops compressing.
   * @default {"none"}
   */
  compression?: RequestCompression;
  /** The smallest body `compression: "auto"` compresses, in bytes. @default 8192 */
  compressionThresholdBytes?: number;
  /** Retry settings (spec §10). */
  retry?: RetryOptions;
  /** How long to wait for each event before failing with `idleTimeout`. @default 300000 */
  idleTimeoutMs?: number;
  /** The most characters one SSE event may hold. @default {64 * 1024 * 1024} */
  maxEventSize?: number;
  /** Telemetry hooks, called beside the LogTape logging of {@linkcode logTelemetry}. */
  telemetry?: Telemetry;
  /** The fetch to use (for proxies, tests, recording). @default {globalThis.fetch} */
  fetch?: typeof fetch;
  /** Record every exchange to this tape (secrets replaced); close the recorder when done. */
  record?: TapeRecorder;
  /** The conversation id: `session_id`, `x-client-request-id`, `prompt_cache_key`. @default {crypto.randomUUID()} */
  conversationId?: string;
  /** The `originator` header. @default {"codex_cli_rs"} */
  originator?: string;
  /** Enabled experimental features, sent comma-joined as `x-codex-beta-features`. */
  betaFeatures?: readonly string[];
  /** A sub-agent label (`review`, `compact`, …), sent as `x-openai-subagent`. */
  subagent?: string;
  /** A residency requirement, sent as `x-openai-internal-codex-residency`. */
  residency?: string;
  /** Whether the endpoint is Azure (store on, ids kept). @default {detected from baseUrl} */
  azure?: boolean;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
const MAX_RETRIES = 100;

/**
 * A Responses API client over HTTP + SSE with the Codex client's behaviour: request shape
 * and headers, header events, completion and error semantics, idle timeouts, transport
 * and stream retries, turn state.
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
  /** The conversation id this client sends. */
  readonly conversationId: string;
  #context: SessionContext;

  /**
   * Creates a client. Nothing is sent until a stream is iterated.
   *
   * @param options Where to connect and how.
   * @throws {RangeError} When a numeric option is out of range.
   */
  constructor(options: ResponsesClientOptions = {}) {
    const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    if (!(idleTimeoutMs > 0)) {
      throw new RangeError(
        `Cannot create ResponsesClient: idleTimeoutMs must be a positive number of milliseconds, got ${idleTimeoutMs}`,
      );
    }
    const retry = resolveRetry(options.retry ?? {});
    const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    const query = Object.entries(options.queryParams ?? {}).map(([k, v]) => `${k}=${v}`).join("&");
    const url = `${baseUrl}/responses${query === "" ? "" : `?${query}`}`;
    const conversationId = options.conversationId ?? crypto.randomUUID();
    const azure = options.azure ?? isAzureBaseUrl(baseUrl);
    const originator = options.originator ?? DEFAULT_ORIGINATOR;
    const defaults: Record<string, string> = {
      originator,
      "user-agent": defaultUserAgent({ originator }),
    };
    if (options.residency !== undefined) {
      defaults["x-openai-internal-codex-residency"] = options.residency;
    }
    const conversationHeaders: Record<string, string> = {
      session_id: conversationId,
      "x-client-request-id": conversationId,
    };
    if (options.subagent !== undefined) conversationHeaders["x-openai-subagent"] = options.subagent;
    if (options.betaFeatures !== undefined && options.betaFeatures.length > 0) {
      conversationHeaders["x-codex-beta-features"] = options.betaFeatures.join(",");
    }
    const { apiKey, accountId } = options;
    this.conversationId = conversationId;
    this.#context = {
      url,
      fetch: options.record === undefined
        ? options.fetch ?? globalThis.fetch
        : recordingFetch(options.record, options.fetch),
      baseHeaders(extra) {
        const withConversation = new Headers(conversationHeaders);
        extra.forEach((value, name) => withConversation.set(name, value));
        const headers = mergeRequestHeaders(options.headers, withConversation, defaults);
        if (apiKey !== undefined) headers.set("authorization", `Bearer ${apiKey}`);
        if (accountId !== undefined) headers.set("chatgpt-account-id", accountId);
        headers.set("accept", "text/event-stream");
        return headers;
      },
      bodyJson(request) {
        return JSON.stringify(
          buildResponsesBody(request, { promptCacheKey: conversationId, azure }),
        );
      },
      encoder: new RequestBodyEncoder({
        compression: options.compression,
        thresholdBytes: options.compressionThresholdBytes,
      }),
      retry,
      idleTimeoutMs,
      maxEventSize: options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE,
      telemetry: combineTelemetry([logTelemetry(), options.telemetry]),
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
   * @param options A signal, per-request headers, passthrough of unmapped events.
   * @returns The events.
   */
  stream(request: ResponsesRequest, options: StreamOptions = {}): ResponseStream {
    return this.session().stream(request, options);
  }
}

function resolveRetry(retry: RetryOptions): Required<RetryOptions> {
  const resolved: Required<RetryOptions> = {
    requestMaxRetries: Math.min(retry.requestMaxRetries ?? 4, MAX_RETRIES),
    streamMaxRetries: Math.min(retry.streamMaxRetries ?? 5, MAX_RETRIES),
    baseDelayMs: retry.baseDelayMs ?? 200,
    honorRetryAfter: retry.honorRetryAfter ?? true,
    maxRetryAfterMs: retry.maxRetryAfterMs ?? 60_000,
    random: retry.random ?? Math.random,
  };
  for (
    const name of [
      "requestMaxRetries",
      "streamMaxRetries",
      "baseDelayMs",
      "maxRetryAfterMs",
    ] as const
  ) {
    const value = resolved[name];
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(
        `Cannot create ResponsesClient: retry.${name} must be a finite number >= 0, got ${value}`,
      );
    }
  }
  return resolved;
}
