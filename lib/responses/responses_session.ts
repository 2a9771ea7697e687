/**
 * {@linkcode ResponsesSession}: one turn of a conversation, holding its turn state.
 *
 * @module
 */

import type { Telemetry } from "../telemetry/telemetry.ts";
import type { ResponsesRequest } from "./request_body.ts";
import type { EncodedBody, RequestBodyEncoder } from "./request_compression.ts";
import { toHeaderValue } from "./request_headers.ts";
import type { ResponseEvent } from "./response_event.ts";
import { ResponseStream } from "./response_stream.ts";
import { isSameModel } from "./_same_model.ts";
import { type RetryOptions, type SseTurn, sseTurnTransport } from "./sse_turn.ts";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import { serializeInputItem, userMessage } from "../schema/response_item.ts";
import { runTurnBatches } from "./turn_engine.ts";
import { flattenBatches } from "./_event_batches.ts";
import type { TransportFallback } from "./ws_fallback.ts";
import { websocketHandshakeHeaders } from "./ws_handshake.ts";
import { checkTraceContext, type TraceContext } from "./trace_context.ts";
import type { WebSocketAttempt, WebSocketTransport } from "./ws_transport.ts";
import { webSocketTurnTransport } from "./ws_turn_transport.ts";

/** Options of {@linkcode ResponsesSession.stream}. */
export interface StreamOptions {
  /** Cancels the request and settles the iteration at once with an `aborted` error. */
  signal?: AbortSignal;
  /** More headers for this request only (they win over the client's). */
  headers?: HeadersInit;
  /**
   * Yield wire events that map to no `ResponseEvent` as `{ type: "wire", event }`.
   * @default false
   */
  passthrough?: boolean;
  /**
   * The W3C trace context of this request (wins over the session's `trace`): over HTTP the
   * `traceparent` / `tracestate` headers, over WebSocket
   * `client_metadata.ws_request_header_traceparent` / `ws_request_header_tracestate` of
   * this request's `response.create` (never the handshake, which later requests share).
   *
   * @example A request that continues a span
   * ```ts ignore
   * client.stream({ model: "gpt-5", input: "hi" }, {
   *   trace: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
   * });
   * ```
   */
  trace?: TraceContext;
}

/** Options of {@linkcode ResponsesClient.session}. */
export interface SessionOptions {
  /**
   * The turn's metadata, sent as the `x-codex-turn-metadata` header (JSON text, non-ASCII
   * text as UTF-8; left out when it holds control characters) and as
   * `client_metadata["x-codex-turn-metadata"]` on every request of the turn. Its
   * `turn_id`, when it has one, also goes out as `client_metadata.turn_id`.
   */
  turnMetadata?: Record<string, unknown> | string;
  /** More headers for every request of this turn. */
  headers?: HeadersInit;
  /** The session id for this turn's requests. @default {the client's sessionId} */
  sessionId?: string;
  /** The thread id for this turn's requests. @default {the client's threadId} */
  threadId?: string;
  /**
   * The W3C trace context of this turn's requests, unless a request gives its own (see
   * `StreamOptions.trace`). A `preconnect` never carries it.
   */
  trace?: TraceContext;
}

/** The session and thread ids requests carry. */
export interface RequestIdentity {
  /** The session id. */
  sessionId: string;
  /** The thread id. */
  threadId: string;
}

/** What a turn adds to the body's `client_metadata`. */
export interface TurnBodyMetadata {
  /** The turn id, when the turn metadata names one. */
  turnId?: string;
  /** The turn metadata JSON text. */
  turnMetadata?: string;
  /** The `x-codex-window-id` the request's headers carry, so the body names the same. */
  windowId?: string;
}

/** The WebSocket state a client shares with its sessions. */
export interface WebSocketContext {
  /** The client's connections. */
  pool: WebSocketTransport;
  /** When to fall back to HTTP, and whether the client already did for good. */
  fallback: TransportFallback;
  /** Whether handshakes ask for timing metrics. */
  timingMetrics: boolean;
}

/** What a session needs from its client; built by `ResponsesClient`. */
export interface SessionContext {
  /** The `/responses` URL. */
  url: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** The client's session and thread ids. */
  identity: RequestIdentity;
  /** The request headers of one attempt, before turn headers are added. */
  baseHeaders: (extra: Headers, identity: RequestIdentity) => Headers;
  /**
   * `baseHeaders` as a new record with lower-case names, for the caller to add to;
   * `extra` undefined means none.
   */
  baseHeaderRecord: (
    extra: Headers | undefined,
    identity: RequestIdentity,
  ) => Record<string, string>;
  /** The `x-codex-window-id` that `baseHeaders` sends. */
  windowId: (extra: Headers, identity: RequestIdentity) => string;
  /** Builds the body of a request (the HTTP body; a WebSocket frame adds to it). */
  body: (
    request: ResponsesRequest,
    identity: RequestIdentity,
    turn: TurnBodyMetadata,
  ) => Record<string, unknown>;
  /** Which transport requests use. */
  transport: "sse" | "websocket" | "auto";
  /** The client's WebSocket connections and fallback state, unless the transport is `sse`. */
  websocket: WebSocketContext | undefined;
  /** Compresses bodies when asked; refuses for good after a server refused zstd. */
  encoder: RequestBodyEncoder;
  /** Retry settings with defaults applied. */
  retry: Required<RetryOptions>;
  /** The per-event idle timeout. */
  idleTimeoutMs: number;
  /** The longest wait for response headers. */
  headersTimeoutMs: number;
  /** The SSE event size bound. */
  maxEventSize: number;
  /** Telemetry hooks. */
  telemetry: Telemetry | undefined;
}

/**
 * One turn of a conversation. The first turn state the server hands out (the
 * `x-codex-turn-state` header of a 2xx answer over HTTP; a `response.metadata` event over
 * WebSocket) is kept and sent on every later request of this session (follow-ups after
 * tool calls, retries): as that header over HTTP, as `client_metadata["x-codex-turn-state"]`
 * over WebSocket; never on another session: start a new session for each turn. When the server reports
 * a model other than the one asked for (ignoring ASCII case), the session emits one
 * `modelReroute` event, at most once per turn.
 *
 * @example Two requests in one turn share the turn state
 * ```ts ignore
 * const turn = client.session();
 * await turn.stream({ model: "gpt-5", input: "list files" }).finalResponse();
 * await turn.stream({ model: "gpt-5", input: followUpItems }).finalResponse(); // sends the turn state
 * ```
 */
export class ResponsesSession {
  #context: SessionContext;
  #turnHeaders: Headers;
  // Whether the session has headers of its own (given, or the turn metadata's).
  #hasTurnHeaders: boolean;
  #turnState: string | undefined;
  #identity: RequestIdentity;
  #turnBody: TurnBodyMetadata = {};
  #rerouted = false;
  #handshakeTurnState: string | undefined;
  #trace: TraceContext | undefined;

  /**
   * Creates a session; use `ResponsesClient.session()` instead.
   *
   * @param context What the client provides.
   * @param options The turn's metadata and headers.
   * @throws {CodexWireError} `usage` when `options.trace` is not a valid trace context.
   */
  constructor(context: SessionContext, options: SessionOptions = {}) {
    this.#context = context;
    if (options.trace !== undefined) this.#trace = checkTraceContext(options.trace);
    this.#turnHeaders = new Headers(options.headers);
    const metadata = typeof options.turnMetadata === "string"
      ? options.turnMetadata
      : options.turnMetadata === undefined
      ? undefined
      : JSON.stringify(options.turnMetadata);
    if (metadata !== undefined) {
      const header = toHeaderValue(metadata);
      if (header !== undefined) this.#turnHeaders.set("x-codex-turn-metadata", header);
      this.#turnBody.turnMetadata = metadata;
      const turnId = turnIdOf(options.turnMetadata);
      if (turnId !== undefined) this.#turnBody.turnId = turnId;
    }
    this.#hasTurnHeaders = metadata !== undefined ||
      (options.headers !== undefined && this.#turnHeaders.keys().next().done !== true);
    this.#identity = {
      sessionId: options.sessionId ?? context.identity.sessionId,
      threadId: options.threadId ?? context.identity.threadId,
    };
  }

  /** The turn state captured in this session, if any. */
  get turnState(): string | undefined {
    return this.#turnState;
  }

  /**
   * Streams one response.
   *
   * @param request What to ask for.
   * @param options A signal, per-request headers, passthrough of unmapped events, a trace
   * context.
   * @returns The events, as a {@linkcode ResponseStream}.
   * @throws {CodexWireError} `usage` when `options.trace` is not a valid trace context.
   */
  stream(request: ResponsesRequest, options: StreamOptions = {}): ResponseStream {
    return this.#stream(request, options, true);
  }

  /**
   * Warms a WebSocket up for `request`: sends it with `generate: false` and waits for
   * the response to complete, so the next request continues it. Does nothing over HTTP.
   * The warm-up is one attempt, not retried (the turn that follows has its own retries).
   * With `auto`, a connection that cannot be opened (a 426, or unreachable as the fallback
   * policy says) switches the client to HTTP instead of failing, as `preconnect` does.
   *
   * @param request The request the turn will send.
   * @param options A signal and per-request headers.
   * @returns A promise that settles when the warm-up completed.
   * @throws {CodexWireError} When the warm-up fails.
   */
  async prewarm(request: ResponsesRequest, options: StreamOptions = {}): Promise<void> {
    // A bad trace context fails before anything is sent, a handshake included.
    if (options.trace !== undefined) checkTraceContext(options.trace);
    const ws = this.#context.websocket;
    if (ws === undefined || ws.fallback.websocketDisabled) return;
    await this.preconnect(options.signal === undefined ? {} : { signal: options.signal });
    if (ws.fallback.websocketDisabled) return;
    for await (const _event of this.#stream(request, options, false)) {
      // Only the completion matters.
    }
  }

  /**
   * Opens a WebSocket for this session's requests now, unless one is idle. Does nothing
   * over HTTP. With `auto`, a connection that cannot be opened switches the client to
   * HTTP (as the fallback policy says) instead of failing.
   *
   * @param options A signal.
   * @returns A promise that settles when a connection is ready.
   * @throws {CodexWireError} When the handshake fails and the client does not fall back.
   */
  async preconnect(options: { signal?: AbortSignal } = {}): Promise<void> {
    const ws = this.#context.websocket;
    if (ws === undefined || ws.fallback.websocketDisabled) return;
    try {
      await ws.pool.preconnect(this.#handshakeHeaders(this.#turnHeaders), options.signal);
    } catch (error) {
      if (
        this.#context.transport === "auto" && error instanceof CodexWireError &&
        ws.fallback.onConnectError(error) === "fallback"
      ) {
        ws.fallback.switched();
        return;
      }
      throw error;
    }
  }

  #handshakeHeaders(extra: Headers): Headers {
    const ws = this.#context.websocket!;
    return websocketHandshakeHeaders(this.#context.baseHeaders(extra, this.#identity), {
      ...(this.#handshakeTurnState === undefined
        ? {}
        : { handshakeTurnState: this.#handshakeTurnState }),
      timingMetrics: ws.timingMetrics,
    });
  }

  #stream(request: ResponsesRequest, options: StreamOptions, generate: boolean): ResponseStream {
    const context = this.#context;
    const trace = options.trace === undefined ? this.#trace : checkTraceContext(options.trace);
    // Over WebSocket the trace rides in this request's frame: a connection's handshake is
    // shared by the requests that reuse it, each with a trace of its own.
    const traceMetadata: Record<string, string> = {};
    if (trace !== undefined) {
      traceMetadata.ws_request_header_traceparent = trace.traceparent;
      if (trace.tracestate) traceMetadata.ws_request_header_tracestate = trace.tracestate;
    }
    // The session's headers with this request's over them; never changed after this.
    let extra = this.#turnHeaders;
    if (options.headers !== undefined) {
      extra = new Headers(this.#turnHeaders);
      new Headers(options.headers).forEach((value, name) => extra.set(name, value));
    }
    const hasExtra = this.#hasTurnHeaders || options.headers !== undefined;
    // Serialised once per response, and encoded again only if the server refused zstd.
    let json: string | undefined;
    let encoded: { refused: boolean; body: Promise<EncodedBody> } | undefined;
    const identity = this.#identity;
    let built: Record<string, unknown> | undefined;
    const bodyObject = () =>
      built ??= context.body(request, identity, {
        ...this.#turnBody,
        windowId: context.windowId(extra, identity),
      });
    // Leaving the iteration aborts this controller, so a pending read stops at once.
    const cancel = new AbortController();
    const signal = options.signal === undefined
      ? cancel.signal
      : AbortSignal.any([options.signal, cancel.signal]);
    const sse: SseTurn = {
      url: context.url,
      fetch: context.fetch,
      request: async () => {
        const headers = context.baseHeaderRecord(hasExtra ? extra : undefined, identity);
        if (this.#turnState !== undefined) headers["x-codex-turn-state"] = this.#turnState;
        if (trace !== undefined) {
          headers.traceparent = trace.traceparent;
          if (trace.tracestate) headers.tracestate = trace.tracestate;
        }
        json ??= JSON.stringify(bodyObject());
        if (encoded?.refused !== context.encoder.refused) {
          encoded = {
            refused: context.encoder.refused,
            body: context.encoder.encode(json, headers),
          };
        }
        const { body, headers: contentHeaders } = await encoded.body;
        for (const name in contentHeaders) {
          // A caller's Content-Type stands, as in Codex.
          if (name === "content-type" && Object.hasOwn(headers, name)) continue;
          headers[name] = contentHeaders[name];
        }
        return { headers, body };
      },
      onEncodingRefused: () => context.encoder.refuse(),
      onHeaders: (headers) => {
        const state = headers.get("x-codex-turn-state");
        if (state !== null && this.#turnState === undefined) this.#turnState = state;
      },
      retry: context.retry,
      idleTimeoutMs: context.idleTimeoutMs,
      headersTimeoutMs: context.headersTimeoutMs,
      maxEventSize: context.maxEventSize,
      telemetry: context.telemetry,
      signal,
      passthrough: options.passthrough ?? false,
    };
    const follow = (event: ResponseEvent) => this.#reroute(request.model, event);
    let steerable: WebSocketAttempt | undefined;
    const ws = context.websocket;
    const source = ws === undefined || ws.fallback.websocketDisabled
      ? (generate
        ? runTurnBatches(sseTurnTransport(sse), {
          retry: context.retry,
          signal,
          telemetry: context.telemetry,
          follow,
        })
        : emptyStream())
      : runTurnBatches(
        webSocketTurnTransport({
          pool: ws.pool,
          fallback: ws.fallback,
          handshakeHeaders: () => this.#handshakeHeaders(extra),
          onHandshake: (headers) => {
            // Servers of the earlier protocol hand turn state out in the handshake answer;
            // it is then echoed on the handshake of a reconnect within the turn.
            const state = headers.get("x-codex-turn-state");
            if (state !== null && this.#turnState === undefined) {
              this.#turnState = state;
              this.#handshakeTurnState = state;
            }
          },
          body: bodyObject,
          clientMetadata: (): Record<string, string> =>
            this.#turnState === undefined
              ? traceMetadata
              : { "x-codex-turn-state": this.#turnState, ...traceMetadata },
          ...(generate ? {} : { generate: false }),
          idleTimeoutMs: context.idleTimeoutMs,
          passthrough: options.passthrough ?? false,
          onTurnState: (state) => {
            if (this.#turnState === undefined) this.#turnState = state;
          },
          onAttempt: (attempt) => steerable = attempt,
          ...(context.retry.connectionRetries === "unbounded"
            ? {
              connectionRetries: {
                baseDelayMs: context.retry.connectionBaseDelayMs,
                maxDelayMs: context.retry.connectionMaxDelayMs,
              },
            }
            : {}),
          ...(context.telemetry === undefined ? {} : { telemetry: context.telemetry }),
        }, context.transport === "auto" && generate ? sseTurnTransport(sse) : undefined),
        {
          // A warm-up is a single attempt.
          retry: generate ? context.retry : { ...context.retry, streamMaxRetries: 0 },
          signal,
          telemetry: context.telemetry,
          follow,
        },
      );
    // The events come in batches (those of one piece of a read); they are handed out one by
    // one without a generator resume each, and leaving early cancels at once.
    const events = flattenBatches(source, { cancel: () => cancel.abort() });
    return new ResponseStream(events, {
      steer: (input) => {
        if (steerable === undefined) return undefined;
        const items = typeof input === "string"
          ? [userMessage(input)]
          : input.map((item) => serializeInputItem(item));
        return steerable.steer(items);
      },
    });
  }

  // One `modelReroute` per turn, after the `serverModel` event that shows a model other
  // than the one asked for.
  #reroute(requestedModel: string, event: ResponseEvent): ResponseEvent | undefined {
    if (
      event.type !== "serverModel" || this.#rerouted ||
      isSameModel(event.model, requestedModel)
    ) {
      return undefined;
    }
    this.#rerouted = true;
    return { type: "modelReroute", requestedModel, serverModel: event.model };
  }
}

function turnIdOf(metadata: Record<string, unknown> | string | undefined): string | undefined {
  let value: unknown = metadata;
  if (typeof metadata === "string") {
    try {
      value = JSON.parse(metadata);
    } catch {
      return undefined;
    }
  }
  const turnId = typeof value === "object" && value !== null
    ? (value as Record<string, unknown>).turn_id
    : undefined;
  return typeof turnId === "string" && turnId !== "" ? turnId : undefined;
}

// A prewarm over HTTP: nothing to do.
async function* emptyStream(): AsyncGenerator<readonly ResponseEvent[], void, undefined> {}
