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
import { flattenBatches } from "./_event_batches.ts";
import { isSameModel } from "./_same_model.ts";
import { type RetryOptions, streamSseTurn } from "./sse_turn.ts";

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
  /** Builds the JSON body of a request. */
  bodyJson: (
    request: ResponsesRequest,
    identity: RequestIdentity,
    turn: TurnBodyMetadata,
  ) => string;
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
 * One turn of a conversation. The first `x-codex-turn-state` a 2xx answer carries is kept
 * and sent on every later request of this session (follow-ups after tool calls, retries),
 * never on another session: start a new session for each turn. When the server reports
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
  #turnState: string | undefined;
  #identity: RequestIdentity;
  #turnBody: TurnBodyMetadata = {};
  #rerouted = false;

  /**
   * Creates a session; use `ResponsesClient.session()` instead.
   *
   * @param context What the client provides.
   * @param options The turn's metadata and headers.
   */
  constructor(context: SessionContext, options: SessionOptions = {}) {
    this.#context = context;
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
   * @param options A signal, per-request headers, passthrough of unmapped events.
   * @returns The events, as a {@linkcode ResponseStream}.
   */
  stream(request: ResponsesRequest, options: StreamOptions = {}): ResponseStream {
    const context = this.#context;
    const extra = new Headers(this.#turnHeaders);
    new Headers(options.headers).forEach((value, name) => extra.set(name, value));
    // Serialised once per response, and encoded again only if the server refused zstd.
    let json: string | undefined;
    let encoded: { refused: boolean; body: Promise<EncodedBody> } | undefined;
    const identity = this.#identity;
    // Leaving the iteration aborts this controller, so a pending read stops at once.
    const cancel = new AbortController();
    const signal = options.signal === undefined
      ? cancel.signal
      : AbortSignal.any([options.signal, cancel.signal]);
    const batches = streamSseTurn({
      url: context.url,
      fetch: context.fetch,
      request: async () => {
        const headers = context.baseHeaders(extra, identity);
        if (this.#turnState !== undefined) headers.set("x-codex-turn-state", this.#turnState);
        json ??= context.bodyJson(request, identity, {
          ...this.#turnBody,
          windowId: headers.get("x-codex-window-id") ?? undefined,
        });
        if (encoded?.refused !== context.encoder.refused) {
          encoded = {
            refused: context.encoder.refused,
            body: context.encoder.encode(json, headers),
          };
        }
        const { body, headers: contentHeaders } = await encoded.body;
        for (const [name, value] of Object.entries(contentHeaders)) {
          // A caller's Content-Type stands, as in Codex.
          if (name === "content-type" && headers.has(name)) continue;
          headers.set(name, value);
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
    });
    return new ResponseStream(flattenBatches(batches, {
      cancel: () => cancel.abort(),
      // Checked per batch as it is handed out, with no generator layer of its own.
      transform: (batch) => this.#rerouted ? batch : this.#withReroute(request.model, batch),
    }));
  }

  // Adds one `modelReroute` per turn, after the `serverModel` event that shows a model
  // other than the one asked for.
  #withReroute(requestedModel: string, batch: readonly ResponseEvent[]): readonly ResponseEvent[] {
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i];
      if (event.type === "serverModel" && !isSameModel(event.model, requestedModel)) {
        this.#rerouted = true;
        const reroute: ResponseEvent = {
          type: "modelReroute",
          requestedModel,
          serverModel: event.model,
        };
        return [...batch.slice(0, i + 1), reroute, ...batch.slice(i + 1)];
      }
    }
    return batch;
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
