/**
 * The HTTP + SSE adapter of the turn engine: one attempt is a POST retried at the
 * transport level until headers arrive (5xx, network, headers timeout), the events its
 * headers stand for, and the SSE body read with a per-event idle timeout and the
 * completion rules. The stream retries of the whole response live in the engine.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { errorFromHttpResponse } from "../errors/error_from_http_response.ts";
import { SseDecoder, type SseMessage } from "../sse/sse_decoder.ts";
import type { SseEventTelemetry, Telemetry } from "../telemetry/telemetry.ts";
import {
  abortableSleep,
  abortedError,
  backoffDelayMs,
  connectionDelayMs,
} from "../transport/backoff.ts";
import { parseRetryAfterMs } from "../transport/retry_after.ts";
import { readBoundedText } from "../transport/bounded_body.ts";
import { headersTimeoutError, networkError } from "../transport/attempt_errors.ts";
import { redactUrl } from "../transport/redact_url.ts";
import { redirectError } from "../transport/redirect_error.ts";
import { IdleReader } from "../transport/idle_reader.ts";
import { startDeadline } from "../transport/timeout.ts";
import { notAnEventStreamError, sniffBody } from "./_body_sniff.ts";
import { eventsFromResponseHeaders } from "./header_events.ts";
import { refusesContentEncoding } from "./request_compression.ts";
import type { ResponseEvent } from "./response_event.ts";
import {
  type OpenedAttempt,
  reconnectingEvent,
  type RetryBudget,
  type RetryOptions,
  runTurn,
  type TurnTransport,
} from "./turn_engine.ts";
import { WireEventMapper, type WireEventOutcome } from "./wire_event_mapper.ts";

export type { RetryOptions } from "./turn_engine.ts";

/** Everything one streamed response needs; built by `ResponsesSession`. */
export interface SseTurn {
  /** The `/responses` URL. */
  url: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /**
   * Builds the headers (lower-case names) and body of one attempt (turn state may have
   * changed).
   */
  request: () => Promise<{ headers: Record<string, string>; body: BodyInit }>;
  /** Called when the server refused the body's encoding; `true` means send it again plain. */
  onEncodingRefused: () => boolean;
  /** Called with a 2xx answer's headers (turn-state capture). */
  onHeaders: (headers: Headers) => void;
  /** Retry settings, defaults applied. */
  retry: Required<RetryOptions>;
  /** The per-event idle timeout in milliseconds. */
  idleTimeoutMs: number;
  /** The longest wait for response headers, in milliseconds. */
  headersTimeoutMs: number;
  /** The most characters one SSE event may hold. */
  maxEventSize: number;
  /** Telemetry hooks. */
  telemetry: Telemetry | undefined;
  /** Cancels everything. */
  signal: AbortSignal | undefined;
  /** Yield unmapped wire events as `{ type: "wire" }`. */
  passthrough: boolean;
}

/**
 * Streams one response over HTTP + SSE, retrying as Codex does. Errors are thrown as
 * {@linkcode CodexWireError}; a retry is announced by a `reconnecting` event.
 *
 * @param turn The request and its settings.
 * @param follow Adds an event after another (see `RunTurnOptions.follow`).
 * @returns The events.
 */
export function streamSseTurn(
  turn: SseTurn,
  follow?: (event: ResponseEvent) => ResponseEvent | undefined,
): AsyncGenerator<ResponseEvent, void, undefined> {
  return runTurn(sseTurnTransport(turn), {
    retry: turn.retry,
    signal: turn.signal,
    telemetry: turn.telemetry,
    ...(follow === undefined ? {} : { follow }),
  });
}

/**
 * The HTTP + SSE transport of one request, for the turn engine.
 *
 * @param turn The request and its settings.
 * @returns The transport adapter.
 *
 * @example The HTTP fallback of a WebSocket request
 * ```ts ignore
 * const events = runTurn(webSocketTurnTransport(request, sseTurnTransport(sse)), { retry, signal });
 * ```
 */
export function sseTurnTransport(turn: SseTurn): TurnTransport {
  return { open: (_signal, budget) => openSseAttempt(turn, budget) };
}

// One attempt: the POST with its transport-level retries, the header events, then the
// body, handed to the engine to read.
async function* openSseAttempt(
  turn: SseTurn,
  budget: RetryBudget,
): AsyncGenerator<ResponseEvent, OpenedAttempt, undefined> {
  const { retry, signal, telemetry } = turn;
  let response: Response | undefined;
  let connectionRetry = 0;
  for (let attempt = 1; response === undefined; attempt++) {
    const outcome = await sendAttempt(turn, attempt + connectionRetry);
    if (outcome instanceof Response) {
      response = outcome;
      break;
    }
    if (outcome.kind === "network" && retry.connectionRetries === "unbounded") {
      // Waiting for the network: these retries do not use up the request budget.
      connectionRetry++;
      attempt--;
      const delayMs = connectionDelayMs(
        connectionRetry,
        retry.connectionBaseDelayMs,
        retry.connectionMaxDelayMs,
      );
      yield reconnectingEvent(
        telemetry,
        "connection",
        connectionRetry,
        Infinity,
        delayMs,
        outcome,
        budget,
      );
      await abortableSleep(delayMs, signal);
      continue;
    }
    if (
      !isRequestRetryable(outcome) || attempt > retry.requestMaxRetries ||
      budget.used >= budget.max
    ) throw outcome;
    const delayMs = retryDelayMs(turn, outcome, attempt);
    budget.used++;
    yield reconnectingEvent(
      telemetry,
      "request",
      attempt,
      retry.requestMaxRetries,
      delayMs,
      outcome,
      budget,
    );
    await abortableSleep(delayMs, signal);
  }
  turn.onHeaders(response.headers);
  // The body is watched (signal, cancel) from here on: the header events below hand control
  // to the reader, who may leave or abort before the first read.
  const body = new SseBody(turn, response);
  let opened = false;
  try {
    for (const event of eventsFromResponseHeaders(response.headers)) yield event;
    await body.open();
    opened = true;
  } finally {
    if (!opened) body.close();
  }
  return {
    get completed() {
      return body.completed;
    },
    next: () => body.next(),
    close() {
      body.close();
      return Promise.resolve();
    },
  };
}

// Transport-level retries: every 5xx whatever its body (a 503 "overloaded"
// too), and network failures; never 429 or other 4xx.
function isRequestRetryable(error: CodexWireError): boolean {
  if (error.kind === "network" || error.kind === "headersTimeout") return true;
  return error.status !== undefined && error.status >= 500 && error.status <= 599;
}

function retryDelayMs(turn: SseTurn, error: CodexWireError, attempt: number): number {
  const { retry } = turn;
  if (retry.honorRetryAfter && error.headers !== undefined) {
    const asked = parseRetryAfterMs(error.headers, { maxMs: retry.maxRetryAfterMs });
    if (asked !== undefined) return asked;
  }
  return backoffDelayMs(attempt, { baseDelayMs: retry.baseDelayMs, random: retry.random });
}

// One HTTP attempt: a 2xx `Response` with its body unread, or the error it ended in.
async function sendAttempt(turn: SseTurn, attempt: number): Promise<Response | CodexWireError> {
  const { signal, telemetry } = turn;
  if (signal?.aborted) throw abortedError(signal);
  const { headers, body } = await turn.request();
  const started = performance.now();
  const url = redactUrl(turn.url);
  let response: Response;
  const deadline = startDeadline(turn.headersTimeoutMs, signal);
  try {
    const native = turn.fetch === globalThis.fetch;
    const answer = turn.fetch(turn.url, {
      method: "POST",
      // The global fetch reads a record several times faster than it iterates a
      // `Headers`; a caller's fetch gets the `Headers` it may expect to call methods on.
      headers: native ? headers : new Headers(headers),
      body,
      signal: deadline.signal,
      // A redirect would carry the prompt and credentials elsewhere: refused below.
      redirect: "manual",
    });
    // A caller's fetch may not heed the signal, so it is raced too, and a late answer is
    // released; the global fetch settles as soon as the signal fires.
    response = await (native
      ? answer
      : deadline.race(answer, (late) =>
        late.body?.cancel().catch(() => {})));
  } catch (cause) {
    if (signal?.aborted) throw abortedError(signal);
    const error = deadline.expired
      ? headersTimeoutError(turn.url, turn.headersTimeoutMs)
      : networkError(turn.url, cause);
    telemetry?.onRequest?.({ attempt, url, error, durationMs: elapsed(started) });
    return error;
  } finally {
    deadline.clear();
  }
  const durationMs = elapsed(started);
  const redirect = redirectError(response, turn.url);
  if (redirect !== undefined) {
    response.body?.cancel().catch(() => {});
    telemetry?.onRequest?.({ attempt, url, status: response.status, error: redirect, durationMs });
    return redirect;
  }
  if (response.ok) {
    telemetry?.onRequest?.({ attempt, url, status: response.status, durationMs });
    return response;
  }
  const text = await readText(response, turn);
  if (
    Object.hasOwn(headers, "content-encoding") && refusesContentEncoding(response.status, text) &&
    turn.onEncodingRefused()
  ) {
    // A proxy or server that cannot read zstd: send the same request once more, plain.
    telemetry?.onRequest?.({ attempt, url, status: response.status, durationMs });
    return await sendAttempt(turn, attempt);
  }
  const error = errorFromHttpResponse({
    status: response.status,
    headers: response.headers,
    body: text,
    url: turn.url,
  });
  telemetry?.onRequest?.({ attempt, url, status: response.status, error, durationMs });
  return error;
}

// A body that is not an event stream: at most MAX_ERROR_BODY_BYTES of it, all within the
// idle timeout, so a huge, stalled or trickling error body neither fills memory nor hangs.
async function readText(response: Response, turn: SseTurn): Promise<string> {
  const { idleTimeoutMs, signal } = turn;
  return (await readBoundedText(response, { idleTimeoutMs, signal })).text;
}

const EVENT_STREAM_REGEXP = /^\s*text\/event-stream\s*(;|$)/i;

// The SSE body of a 2xx answer, read one chunk at a time: `completed` ends
// the stream at once; a `failed`/`incomplete` is remembered and raised at end of stream;
// end without `completed` is a retryable stream error.
//
// It hands out the events of each piece of a chunk as one batch, which the turn engine
// yields whole: no generator resume per event (bench/sse_profile.ts).
class SseBody {
  #turn: SseTurn;
  #response: Response;
  #decoder: SseDecoder;
  #mapper: WireEventMapper;
  #remembered: CodexWireError | undefined;
  #completed = false;
  // Reads made while sniffing the body, handed to `next()` before any new read.
  #pending: ReadableStreamReadResult<Uint8Array>[] = [];
  // What is left of the last read: a read is decoded one piece at a time (pieceBytes()).
  #rest: Uint8Array | undefined;
  // Whether this body counts in `openBodies`.
  #counted = false;
  // The reader with its idle timer and abort listener, made as the answer arrives (none
  // without a body).
  #idle: IdleReader<Uint8Array> | undefined;

  constructor(turn: SseTurn, response: Response) {
    this.#turn = turn;
    this.#response = response;
    if (response.body !== null) this.#idle = new IdleReader(response.body.getReader(), turn.signal);
    this.#decoder = new SseDecoder({ maxEventSize: turn.maxEventSize });
    this.#mapper = new WireEventMapper({
      passthrough: turn.passthrough,
      responseHeaders: response.headers,
    });
  }

  /** Whether `response.completed` arrived: nothing follows the last batch. */
  get completed(): boolean {
    return this.#completed;
  }

  /**
   * Starts reading the answer. One labelled with another content type is sniffed: a
   * valid event stream under the wrong label still streams, while a page (HTML, JSON, a
   * wrong base URL) fails at once, not retryable, since asking again gets the same page.
   */
  async open(): Promise<void> {
    const response = this.#response;
    const idle = this.#idle;
    if (idle === undefined) throw streamClosedError();
    this.#counted = true;
    openBodies++;
    const contentType = response.headers.get("content-type");
    if (contentType === null || EVENT_STREAM_REGEXP.test(contentType)) return;
    // The sniff and the page are each read within one idle timeout in all, so a body that
    // trickles a byte at a time cannot hold the turn.
    const reader = (started: number) => () =>
      readWithIdleTimeout(idle, this.#turn.idleTimeoutMs, started);
    const sniffed = await sniffBody(reader(performance.now()));
    this.#pending = sniffed.reads;
    if (!sniffed.eventStream) {
      throw await notAnEventStreamError(
        response,
        this.#turn.url,
        sniffed,
        reader(performance.now()),
      );
    }
  }

  /**
   * Reads until at least one event is ready, within the idle timeout, and returns the
   * events of what was read (all of them up to `completed`, if it came).
   */
  async next(): Promise<ResponseEvent[]> {
    const turn = this.#turn;
    const onSseEvent = turn.telemetry?.onSseEvent;
    let waitStarted = performance.now();
    let atEnd = false;
    const out: ResponseEvent[] = [];
    try {
      while (out.length === 0) {
        const { done, value } = this.#rest !== undefined
          ? { done: false, value: this.#rest }
          : this.#pending.shift() ?? await readWithIdleTimeout(
            this.#idle!,
            turn.idleTimeoutMs,
            waitStarted,
          );
        atEnd = done;
        let piece = value;
        this.#rest = undefined;
        const limit = pieceBytes();
        if (piece !== undefined && piece.byteLength > limit) {
          // Cut after a line end where there is one, so the decoder has no partial line
          // to carry over to the next piece.
          const cut = piece.lastIndexOf(LF, limit - 1) + 1 || limit;
          this.#rest = piece.subarray(cut);
          piece = piece.subarray(0, cut);
        }
        const messages = done ? this.#decoder.end() : this.#decoder.push(piece!);
        for (let i = 0; i < messages.length; i++) {
          const message = messages[i];
          const json = parseJson(message.data);
          // Data that is not JSON (including `[DONE]`) is skipped, as Codex does.
          const outcome = json === NOT_JSON ? undefined : this.#mapper.map(json, out);
          if (onSseEvent !== undefined) report(onSseEvent, message, json, outcome, waitStarted);
          if (outcome === undefined) continue;
          if (outcome.kind === "failed") this.#remembered = outcome.error;
          if (outcome.kind === "completed") {
            this.#completed = true;
            return out;
          }
        }
        // Every dispatched event restarts the idle clock, mapped or not (in-progress,
        // argument deltas, unknown types, data that is not JSON).
        if (messages.length > 0) waitStarted = performance.now();
        if (this.#decoder.failure !== undefined) {
          // Hand out what came before the fault first; the fault is raised next time.
          if (out.length > 0) return out;
          throw this.#decoder.failure;
        }
        if (done) {
          if (out.length > 0) return out;
          const failure = this.#remembered ?? streamClosedError();
          onSseEvent?.({
            kind: "eof",
            ok: false,
            error: failure.message,
            durationMs: elapsed(waitStarted),
          });
          throw failure;
        }
      }
      return out;
    } catch (error) {
      if (turn.signal?.aborted) throw abortedError(turn.signal);
      const failure = error instanceof CodexWireError ? error : new CodexWireError(
        `The event stream broke: ${error instanceof Error ? error.message : String(error)}`,
        { kind: "stream", retryable: true, cause: error },
      );
      if (onSseEvent !== undefined && !atEnd) {
        onSseEvent({
          kind: failure.kind === "idleTimeout" ? "idleTimeout" : "streamError",
          ok: false,
          error: failure.message,
          durationMs: elapsed(waitStarted),
        });
      }
      throw failure;
    }
  }

  /** Releases the connection; safe to call more than once. */
  close(): void {
    if (this.#counted) {
      this.#counted = false;
      openBodies--;
    }
    this.#idle?.close();
  }
}

// The events of one piece of a read are handed out as one batch. With many streams at once
// every stream's batch waits in memory to be iterated, and batches of whole 64 KiB reads
// outlive young-generation collections (they are copied, then promoted): with 1,000
// streams, peak RSS 1.16x a bare reader's, against 1.04x with 16 KiB pieces; and each piece
// costs a turn of the async machinery, so 8 KiB pieces were slower (0.80-0.83x a bare
// reader's events/s, 16 KiB 0.89-0.91x; bench/concurrent_streams.ts, 7-9 interleaved
// rounds). The pieces of all open bodies share a budget: one stream decodes whole reads, a
// thousand decode 16 KiB at a time.
const DECODE_BUDGET_BYTES = 1024 * 1024;
const DECODE_PIECE_MIN_BYTES = 16 * 1024;
const LF = 0x0a;
let openBodies = 0;

function pieceBytes(): number {
  return Math.max(
    DECODE_PIECE_MIN_BYTES,
    Math.floor(DECODE_BUDGET_BYTES / Math.max(openBodies, 1)),
  );
}

const NOT_JSON: unique symbol = Symbol("not JSON");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function report(
  onSseEvent: (info: SseEventTelemetry) => void,
  message: SseMessage,
  json: unknown,
  outcome: WireEventOutcome | undefined,
  waitStarted: number,
): void {
  const durationMs = elapsed(waitStarted);
  if (outcome === undefined) {
    // Not JSON: `[DONE]` is counted as a success, anything else as a parse failure.
    const done = message.data === "[DONE]";
    onSseEvent({
      kind: message.event ?? "message",
      ok: done,
      ...(done ? {} : { error: "data is not valid JSON" }),
      durationMs,
    });
    return;
  }
  const error = outcome.kind === "failed"
    ? outcome.error.message
    : outcome.kind === "invalid"
    ? outcome.reason
    : undefined;
  onSseEvent({
    // `data: null` (or any JSON that is not an object) has no `type` to read.
    kind: message.event ?? (json as { type?: unknown } | null)?.type as string ?? "message",
    ok: error === undefined,
    ...(error === undefined ? {} : { error }),
    durationMs,
  });
}

/** The error for a stream that ended without `response.completed` (retryable). */
export function streamClosedError(): CodexWireError {
  return new CodexWireError("stream closed before response.completed", {
    kind: "stream",
    retryable: true,
  });
}

// Within the idle timeout and the signal (a caller's fetch may not tie the body to it),
// with one timer and one abort listener per body (IdleReader), not per read.
async function readWithIdleTimeout(
  reader: IdleReader<Uint8Array>,
  idleTimeoutMs: number,
  waitStarted: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const result = await reader.read(idleTimeoutMs - (performance.now() - waitStarted));
  if (result === "timeout") throw idleTimeoutError();
  return result;
}

function idleTimeoutError(): CodexWireError {
  return new CodexWireError("idle timeout waiting for SSE", {
    kind: "idleTimeout",
    retryable: true,
  });
}

function elapsed(started: number): number {
  return performance.now() - started;
}
