/**
 * A scripted Responses API server on loopback: each `POST …/responses` gets the next
 * response from a FIFO queue, sent piece by piece with optional gates and delays, so
 * tests can drive chunk boundaries, early ends, broken connections and silence.
 *
 * @module
 */

import {
  checkMaxRequestBodyBytes,
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  readRequestBody,
} from "../transport/_request_body.ts";
import { encodeSseEvents, type WireEventLike } from "./sse_encoding.ts";
import type { MockWebSocketScripts } from "./mock_responses_ws_server.ts";
import { type Pacing, toPacing, untilAborted, waitForPacing } from "../tape/pacing.ts";
import { recordRequest } from "./_recording.ts";
import { mockJsonError } from "./_mock_error.ts";
import { WebSocketScripts } from "./_websocket_scripts.ts";
import { LoopbackServer } from "../tape/_loopback_server.ts";

/**
 * A body piece with timing: sent only after its `gate` settles and then its `delayMs`
 * passes (in that order).
 */
export interface GatedMockChunk {
  /** The bytes to send (not copied); a string is sent as UTF-8. */
  data: string | Uint8Array;
  /**
   * Milliseconds to wait before sending, counted after the gate: up to 2147483647.
   *
   * @default {0}
   */
  delayMs?: number;
  /**
   * A promise that holds the piece back until it resolves. A gate that rejects breaks the
   * connection, as `truncate` does.
   */
  gate?: Promise<unknown>;
}

/** One body piece of a {@linkcode MockResponse}: sent as one write, its boundaries kept. */
export type MockChunk = string | Uint8Array | GatedMockChunk;

/**
 * One scripted answer. Set at most one of `events`, `body` and `chunks`; with none of
 * them the body is empty.
 */
export interface MockResponse {
  /**
   * The HTTP status (200–599).
   *
   * @default {200}
   */
  status?: number;
  /**
   * Response headers. A 2xx answer with `events` or `chunks` gets
   * `content-type: text/event-stream` unless a content type is set here.
   */
  headers?: HeadersInit;
  /**
   * Wire events (objects with a string `type`), written as SSE by `encodeSseEvents`. Each
   * event without a `sequence_number` gets its position in this list, as the API numbers
   * its events (see `numberEvents`).
   */
  events?: readonly object[];
  /**
   * Number the `events` that have no `sequence_number`. Set `false` to send them exactly
   * as given.
   *
   * @default {true}
   */
  sequenceNumbers?: boolean;
  /**
   * A raw body; a string is sent as UTF-8. Bytes are sent as given, not copied: leave them
   * unchanged until the response is served. A large body is written in 64 KiB pieces.
   */
  body?: string | Uint8Array;
  /** Raw body pieces, each sent as its own write, optionally gated or delayed. */
  chunks?: readonly MockChunk[];
  /**
   * Re-split the `body` or `events` bytes into pieces of this many bytes (a piece may end
   * inside a UTF-8 character). Not used with `chunks`.
   */
  chunkSize?: number;
  /**
   * After the last piece, keep the body open (no end of stream) until the client cancels
   * it or the server closes; for "completed without stream end" and idle-timeout tests.
   *
   * @default {false}
   */
  keepOpen?: boolean;
  /**
   * After the last piece, break the connection so the client's read fails.
   *
   * @default {false}
   */
  truncate?: boolean;
}

/** A request the server received, with its body decoded by `Content-Encoding`. */
export interface RecordedRequest {
  /** The HTTP method. */
  method: string;
  /** The full request URL. */
  url: string;
  /** The URL path, such as `/v1/responses`. */
  path: string;
  /** The request headers. */
  headers: Headers;
  /** The decoded body bytes (empty when there was no body). */
  body: Uint8Array;
  /** The decoded body as UTF-8 text. */
  bodyText: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  json: unknown;
  /** The `Content-Encoding` header as sent, or `null`. */
  contentEncoding: string | null;
}

/** Options of {@linkcode startMockResponsesServer}. */
export interface MockResponsesServerOptions {
  /**
   * The port to listen on, on 127.0.0.1; 0 picks a free one.
   *
   * @default {0}
   */
  port?: number;
  /** Responses to queue right away, as {@linkcode MockResponsesServer.enqueue} does. */
  responses?: readonly MockResponse[];
  /**
   * The largest request body accepted, in bytes, both as sent and once decoded (a gzip or
   * zstd bomb); a larger one gets a 413 and is not recorded.
   *
   * @default {67108864}
   */
  maxRequestBodyBytes?: number;
}

/** A running scripted server; close it with `close()` or `await using`. */
export interface MockResponsesServer extends AsyncDisposable {
  /** The base URL, such as `http://127.0.0.1:41234/v1`; clients POST to `${url}/responses`. */
  readonly url: string;
  /** Every request received so far, in order of arrival (unknown paths included). */
  readonly requests: RecordedRequest[];
  /** How many queued responses are still waiting for a request. */
  readonly pendingResponses: number;
  /**
   * The WebSocket mode on the same `…/responses` path: a WebSocket upgrade takes the next
   * scripted connection from here (its handshake is recorded there, not in `requests`).
   */
  readonly websocket: MockWebSocketScripts;
  /**
   * Appends responses to the queue; each `POST …/responses` takes the oldest one. When the
   * queue is empty the server answers at once with a 400 that no client retries (and
   * `x-should-retry: false`), whose JSON error says so: a test that asks once too often
   * fails at once.
   *
   * @param responses The responses, in the order they are served.
   * @throws {TypeError} If a response mixes `events`, `body` and `chunks`, or has a body
   * with a status that forbids one, or an event without a string `type`.
   * @throws {RangeError} If `status`, `chunkSize` or a `delayMs` is out of range.
   */
  enqueue(...responses: MockResponse[]): void;
  /**
   * Stops the server: bodies still held open or waiting on a gate are broken off, and the
   * promise settles once every connection is closed.
   *
   * @returns A promise that resolves when the server has shut down.
   */
  close(): Promise<void>;
}

/**
 * Starts a scripted Responses server on 127.0.0.1.
 *
 * It answers `POST <any prefix>/responses` from its queue, 405 for other methods on that
 * path, and 404 for any other path, and records every request in `requests`.
 *
 * @param options The port and the responses to queue at once.
 * @returns The running server.
 *
 * @example Serve one SSE response
 * ```ts
 * import { startMockResponsesServer } from "./mock_responses_server.ts";
 * import {
 *   completedEvent,
 *   createdEvent,
 *   outputTextDeltaEvent,
 * } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startMockResponsesServer();
 * server.enqueue({ events: [createdEvent(), outputTextDeltaEvent("Hi"), completedEvent()] });
 *
 * const response = await fetch(`${server.url}/responses`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ model: "gpt-5", stream: true }),
 * });
 * assert.equal(response.headers.get("content-type"), "text/event-stream");
 * assert.match(await response.text(), /^event: response.created\n/);
 * assert.deepEqual(server.requests[0].json, { model: "gpt-5", stream: true });
 * ```
 *
 * @example Hold a chunk until the test releases it
 * ```ts
 * import { startMockResponsesServer } from "./mock_responses_server.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startMockResponsesServer();
 * const release = Promise.withResolvers<void>();
 * server.enqueue({ chunks: ["first", { data: "second", gate: release.promise }] });
 *
 * const response = await fetch(`${server.url}/responses`, { method: "POST" });
 * const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
 * assert.equal((await reader.read()).value, "first");
 * release.resolve();
 * assert.equal((await reader.read()).value, "second");
 * assert.equal((await reader.read()).done, true);
 * ```
 */
export function startMockResponsesServer(
  options: MockResponsesServerOptions = {},
): Promise<MockResponsesServer> {
  try {
    const maxBodyBytes = checkMaxRequestBodyBytes(
      "the mock responses server",
      options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
    );
    const server = new ScriptedResponsesServer(options.port ?? 0, maxBodyBytes);
    if (options.responses !== undefined) server.enqueue(...options.responses);
    return Promise.resolve(server);
  } catch (error) {
    return Promise.reject(error);
  }
}

interface Piece extends Pacing {
  data: Uint8Array<ArrayBuffer>;
}

interface Script {
  status: number;
  headers: Headers;
  pieces: Piece[];
  keepOpen: boolean;
  truncate: boolean;
}

/** Errors a body on purpose; `onError` recognises it and stays quiet. */
class ConnectionBreak extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectionBreak";
  }
}

class ScriptedResponsesServer implements MockResponsesServer {
  readonly url: string;
  readonly requests: RecordedRequest[] = [];
  readonly websocket: WebSocketScripts;
  #queue: Script[] = [];
  #server: LoopbackServer;
  #closing: AbortController = new AbortController();
  #maxBodyBytes: number;

  constructor(port: number, maxBodyBytes: number) {
    this.#maxBodyBytes = maxBodyBytes;
    this.websocket = new WebSocketScripts(() => this.url.replace(/^http/, "ws") + "/responses");
    this.#server = new LoopbackServer({
      port,
      beforeShutdown: () => {
        this.#closing.abort();
        return this.websocket.close();
      },
      onError: (error) => onServeError(error),
    }, (request) => this.#handle(request));
    this.url = `http://127.0.0.1:${this.#server.port}/v1`;
  }

  get pendingResponses(): number {
    return this.#queue.length;
  }

  enqueue(...responses: MockResponse[]): void {
    // Check them all first, so a bad response queues none of its batch.
    const scripts = responses.map((response, index) => toScript(response, index));
    this.#queue.push(...scripts);
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (
      url.pathname.endsWith("/responses") &&
      request.headers.get("upgrade")?.toLowerCase() === "websocket"
    ) {
      return await this.websocket.handle(request);
    }
    const body = await readRequestBody(request, this.#maxBodyBytes);
    if (body.kind === "tooLarge") {
      return mockJsonError(
        413,
        "mock_body_too_large",
        `The mock responses server accepts request bodies of up to ${this.#maxBodyBytes} bytes (maxRequestBodyBytes), sent and decoded`,
      );
    }
    if (body.kind === "unreadable") return mockJsonError(415, "mock_unreadable_body", body.message);
    this.requests.push(recordRequest(request, body.decoded));

    if (!url.pathname.endsWith("/responses")) {
      return mockJsonError(
        404,
        "mock_not_found",
        `The mock responses server has no route for ${request.method} ${url.pathname}: POST to ${this.url}/responses`,
      );
    }
    if (request.method !== "POST") {
      return mockJsonError(
        405,
        "mock_method_not_allowed",
        `The mock responses server accepts only POST on ${url.pathname}, got ${request.method}`,
        { allow: "POST" },
      );
    }
    const script = this.#queue.shift();
    if (script === undefined) {
      // A 400 (and `x-should-retry: false` for the openai SDK): no client retries it, so a
      // test that asks once too often fails at once instead of after every retry.
      return mockJsonError(
        400,
        "mock_queue_empty",
        `No scripted response is left for POST ${url.pathname} (request ${this.requests.length}): enqueue one more with server.enqueue()`,
        { "x-should-retry": "false" },
      );
    }
    return respond(script, this.#closing.signal);
  }
}

function onServeError(error: unknown): Response {
  if (!(error instanceof ConnectionBreak)) {
    // deno-lint-ignore no-console
    console.error("The mock responses server failed:", error);
  }
  return mockJsonError(500, "mock_internal_error", errorMessage(error));
}

function toScript(response: MockResponse, index: number): Script {
  const where = `Cannot enqueue mock response ${index}`;
  const sources = [response.events, response.body, response.chunks]
    .filter((source) => source !== undefined).length;
  if (sources > 1) {
    throw new TypeError(`${where}: set only one of events, body and chunks`);
  }
  const status = response.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new RangeError(`${where}: status must be an integer from 200 to 599, got ${status}`);
  }
  if (response.chunkSize !== undefined) {
    if (!Number.isInteger(response.chunkSize) || response.chunkSize < 1) {
      throw new RangeError(
        `${where}: chunkSize must be a positive integer, got ${response.chunkSize}`,
      );
    }
    if (response.chunks !== undefined) {
      throw new TypeError(`${where}: chunkSize re-splits body or events, not chunks`);
    }
  }

  let pieces: Piece[];
  if (response.chunks !== undefined) {
    pieces = response.chunks.map((chunk, chunkIndex) =>
      toPiece(chunk, `${where}, chunk ${chunkIndex}`)
    );
  } else {
    const events = response.events as readonly WireEventLike[] | undefined;
    const text = events === undefined
      ? response.body
      : encodeSseEvents(response.sequenceNumbers === false ? events : numberEvents(events));
    const bytes = text === undefined ? new Uint8Array() : toBytes(text);
    pieces = split(bytes, response.chunkSize ?? bytes.byteLength).map((data) => ({
      data,
      delayMs: 0,
      gate: undefined,
    }));
  }

  const keepOpen = response.keepOpen ?? false;
  const truncate = response.truncate ?? false;
  if (keepOpen && truncate) {
    throw new TypeError(`${where}: set keepOpen or truncate, not both`);
  }
  const hasBody = pieces.some((piece) => piece.data.byteLength > 0) || keepOpen || truncate;
  if (hasBody && NULL_BODY_STATUSES.has(status)) {
    throw new TypeError(`${where}: status ${status} cannot have a body`);
  }

  const headers = new Headers(response.headers);
  const streamed = response.events !== undefined || response.chunks !== undefined;
  if (streamed && status < 300 && !headers.has("content-type")) {
    headers.set("content-type", "text/event-stream");
  }
  return { status, headers, pieces, keepOpen, truncate };
}

/**
 * Gives each event without a `sequence_number` its index in the list (events that have
 * one keep it), as the API numbers the events of a response from 0. Anything that is not
 * an object with a string `type` is left for `encodeSseEvents` to refuse.
 *
 * @param events The events of one response.
 * @returns New event objects where a number was added; the others as given.
 *
 * @example Usage
 * ```ts
 * import { numberEvents } from "./mock_responses_server.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   numberEvents([{ type: "response.created" }, { type: "x", sequence_number: 7 }]),
 *   [{ type: "response.created", sequence_number: 0 }, { type: "x", sequence_number: 7 }],
 * );
 * ```
 */
export function numberEvents<T extends { readonly type: string }>(
  events: readonly T[],
): (T & { sequence_number?: number })[] {
  return events.map((event, index) =>
    typeof event === "object" && event !== null && typeof event.type === "string" &&
      !Object.hasOwn(event, "sequence_number")
      ? { ...event, sequence_number: index }
      : event
  );
}

/** Statuses that cannot carry a body. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

function toPiece(chunk: MockChunk, where: string): Piece {
  if (typeof chunk === "string" || chunk instanceof Uint8Array) {
    return { data: toBytes(chunk), delayMs: 0, gate: undefined };
  }
  return { data: toBytes(chunk.data), ...toPacing(chunk, where) };
}

// Bytes are served as given, not copied: a large body is queued at no cost. Only a view
// of a shared buffer is copied, since a response body needs its own `ArrayBuffer`.
function toBytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof data === "string") return new TextEncoder().encode(data);
  return data.buffer instanceof ArrayBuffer ? data as Uint8Array<ArrayBuffer> : data.slice();
}

function split(bytes: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer>[] {
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  for (let start = 0; start < bytes.byteLength; start += size) {
    pieces.push(bytes.subarray(start, start + size));
  }
  return pieces;
}

function respond(script: Script, closing: AbortSignal): Response {
  const init = { status: script.status, headers: script.headers };
  const { pieces } = script;
  const hasBody = pieces.some((piece) => piece.data.byteLength > 0);
  if (!script.keepOpen && !script.truncate) {
    if (!hasBody) return new Response(null, init);
    // One untimed piece goes out as a plain body, with a content-length.
    if (pieces.length === 1 && pieces[0].gate === undefined && pieces[0].delayMs === 0) {
      const { data } = pieces[0];
      if (data.byteLength <= BODY_PIECE_BYTES) return new Response(data, init);
      // A large one is written in pieces (still with its content-length): one write of the
      // whole buffer sends far slower, and caps every test and bench that reads it.
      const headers = new Headers(script.headers);
      headers.set("content-length", String(data.byteLength));
      const inPieces = split(data, BODY_PIECE_BYTES)
        .map((piece) => ({ data: piece, delayMs: 0, gate: undefined }));
      return new Response(
        scriptedBody({ ...script, pieces: inPieces }, closing),
        { status: script.status, headers },
      );
    }
  }
  return new Response(scriptedBody(script, closing), init);
}

// The size of the writes of a large body that the script does not split itself.
const BODY_PIECE_BYTES = 64 * 1024;

/**
 * A body that sends one piece per pull. It ends when the script ends, breaks off when
 * the script says `truncate` or the server closes, and stops at once when the client
 * cancels; every wait listens to both the cancel and the server's close.
 */
function scriptedBody(script: Script, closing: AbortSignal): ReadableStream<Uint8Array> {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([closing, cancelled.signal]);
  let next = 0;

  function breakOff(controller: ReadableStreamDefaultController<Uint8Array>): void {
    // After a cancel the stream is already gone: there is nobody to tell.
    if (cancelled.signal.aborted) return;
    controller.error(new ConnectionBreak("The mock responses server closed with the body open"));
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (next < script.pieces.length) {
        const piece = script.pieces[next++];
        try {
          if (!await waitForPacing(piece, signal)) return breakOff(controller);
        } catch (error) {
          return controller.error(
            new ConnectionBreak("A mock chunk gate rejected", { cause: error }),
          );
        }
        // An empty piece is only a pause: an empty write would end a chunked body.
        if (piece.data.byteLength > 0) return controller.enqueue(piece.data);
      }
      if (script.truncate) {
        return controller.error(new ConnectionBreak("The mock response was truncated"));
      }
      if (script.keepOpen) {
        await untilAborted(signal);
        return breakOff(controller);
      }
      controller.close();
    },
    cancel() {
      cancelled.abort();
    },
  }, { highWaterMark: 0 });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
