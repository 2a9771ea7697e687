/**
 * {@linkcode ResponsesSession}: one turn of a conversation, holding its turn state.
 *
 * @module
 */

import type { Telemetry } from "../telemetry/telemetry.ts";
import type { ResponsesRequest } from "./request_body.ts";
import type { EncodedBody, RequestBodyEncoder } from "./request_compression.ts";
import { isValidHeaderValue } from "./request_headers.ts";
import { ResponseStream } from "./response_stream.ts";
import { flattenBatches } from "./_event_batches.ts";
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
   * The turn's metadata, sent as `x-codex-turn-metadata` (JSON text) on every request of
   * the turn; omitted when it is not valid header text.
   */
  turnMetadata?: Record<string, unknown> | string;
  /** More headers for every request of this turn. */
  headers?: HeadersInit;
}

/** What a session needs from its client; built by `ResponsesClient`. */
export interface SessionContext {
  /** The `/responses` URL. */
  url: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** The request headers of one attempt, before turn headers are added. */
  baseHeaders: (extra: Headers) => Headers;
  /** Builds the JSON body of a request. */
  bodyJson: (request: ResponsesRequest) => string;
  /** Compresses bodies when asked; refuses for good after a server refused zstd. */
  encoder: RequestBodyEncoder;
  /** Retry settings with defaults applied. */
  retry: Required<RetryOptions>;
  /** The per-event idle timeout. */
  idleTimeoutMs: number;
  /** The SSE event size bound. */
  maxEventSize: number;
  /** Telemetry hooks. */
  telemetry: Telemetry | undefined;
}

/**
 * One turn of a conversation. The first `x-codex-turn-state` a 2xx answer carries is kept
 * and sent on every later request of this session (follow-ups after tool calls, retries),
 * never on another session: start a new session for each turn.
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
    if (metadata !== undefined && isValidHeaderValue(metadata)) {
      this.#turnHeaders.set("x-codex-turn-metadata", metadata);
    }
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
    return new ResponseStream(flattenBatches(streamSseTurn({
      url: context.url,
      fetch: context.fetch,
      request: async () => {
        const headers = context.baseHeaders(extra);
        if (this.#turnState !== undefined) headers.set("x-codex-turn-state", this.#turnState);
        json ??= context.bodyJson(request);
        if (encoded?.refused !== context.encoder.refused) {
          encoded = {
            refused: context.encoder.refused,
            body: context.encoder.encode(json, headers),
          };
        }
        const { body, headers: contentHeaders } = await encoded.body;
        for (const [name, value] of Object.entries(contentHeaders)) headers.set(name, value);
        return { headers, body };
      },
      onEncodingRefused: () => context.encoder.refuse(),
      onHeaders: (headers) => {
        const state = headers.get("x-codex-turn-state");
        if (state !== null && this.#turnState === undefined) this.#turnState = state;
      },
      retry: context.retry,
      idleTimeoutMs: context.idleTimeoutMs,
      maxEventSize: context.maxEventSize,
      telemetry: context.telemetry,
      signal: options.signal,
      passthrough: options.passthrough ?? false,
    })));
  }
}
