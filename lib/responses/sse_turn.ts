/**
 * One streamed response over HTTP + SSE with Codex's semantics: transport retries until
 * headers arrive (spec §10.1), header events (§1.5), the SSE body with a per-event idle
 * timeout and completion rules (§1.6), and stream retries of the whole response (§10.2).
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { errorFromHttpResponse } from "../errors/error_from_http_response.ts";
import { SseDecoder } from "../sse/sse_decoder.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { abortableSleep, abortedError, backoffDelayMs } from "../transport/backoff.ts";
import { parseRetryAfterMs } from "../transport/retry_after.ts";
import { eventsFromResponseHeaders } from "./header_events.ts";
import { refusesContentEncoding } from "./request_compression.ts";
import type { ResponseEvent } from "./response_event.ts";
import { WireEventMapper } from "./wire_event_mapper.ts";

/** Retry settings (spec §10). */
export interface RetryOptions {
  /** Retries of one HTTP request before its headers arrive (5xx, network). @default 4 */
  requestMaxRetries?: number;
  /** Retries of a whole response after a retryable failure. @default 5 */
  streamMaxRetries?: number;
  /** The delay before the first retry, doubled after each. @default 200 */
  baseDelayMs?: number;
  /** Wait as long as `retry-after-ms` / `Retry-After` ask, when present. @default true */
  honorRetryAfter?: boolean;
  /** The longest wait a server may ask for, in milliseconds. @default 60000 */
  maxRetryAfterMs?: number;
  /** A source of numbers in [0, 1) for the jitter. @default {Math.random} */
  random?: () => number;
}

/** Everything one streamed response needs; built by `ResponsesSession`. */
export interface SseTurn {
  /** The `/responses` URL. */
  url: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Builds the headers and body of one attempt (turn state may have changed). */
  request: () => Promise<{ headers: Headers; body: BodyInit }>;
  /** Called when the server refused the body's encoding; `true` means send it again plain. */
  onEncodingRefused: () => boolean;
  /** Called with a 2xx answer's headers (turn-state capture). */
  onHeaders: (headers: Headers) => void;
  /** Retry settings, defaults applied. */
  retry: Required<RetryOptions>;
  /** The per-event idle timeout in milliseconds. */
  idleTimeoutMs: number;
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
 * Streams one response, retrying as Codex does. Errors are thrown as
 * {@linkcode CodexWireError}; a retry is announced by a `reconnecting` event.
 *
 * @param turn The request and its settings.
 * @returns The events.
 */
export async function* streamSseTurn(
  turn: SseTurn,
): AsyncGenerator<ResponseEvent, void, undefined> {
  const { retry, signal } = turn;
  for (let streamRetry = 0;; streamRetry++) {
    let failure: CodexWireError;
    try {
      let response: Response | undefined;
      for (let attempt = 1; response === undefined; attempt++) {
        const outcome = await sendAttempt(turn, attempt);
        if (outcome instanceof Response) {
          response = outcome;
          break;
        }
        if (!isRequestRetryable(outcome) || attempt > retry.requestMaxRetries) throw outcome;
        const delayMs = retryDelayMs(turn, outcome, attempt);
        yield reconnecting(turn, "request", attempt, retry.requestMaxRetries, delayMs, outcome);
        await abortableSleep(delayMs, signal);
      }
      turn.onHeaders(response.headers);
      for (const event of eventsFromResponseHeaders(response.headers)) yield event;
      yield* readSseBody(turn, response);
      return;
    } catch (error) {
      failure = toCodexWireError(error, signal);
      if (
        failure.kind === "aborted" || !failure.retryable || streamRetry >= retry.streamMaxRetries
      ) {
        throw failure;
      }
    }
    const delayMs = failure.retryAfterMs ??
      backoffDelayMs(streamRetry + 1, { baseDelayMs: retry.baseDelayMs, random: retry.random });
    yield reconnecting(turn, "stream", streamRetry + 1, retry.streamMaxRetries, delayMs, failure);
    await abortableSleep(delayMs, signal);
  }
}

function reconnecting(
  turn: SseTurn,
  layer: "request" | "stream",
  attempt: number,
  maxAttempts: number,
  delayMs: number,
  error: CodexWireError,
): ResponseEvent {
  turn.telemetry?.onRetry?.({ layer, attempt, maxAttempts, delayMs, error });
  return { type: "reconnecting", layer, attempt, maxAttempts, delayMs, error };
}

// Transport-level retries (spec §10.1): 5xx and network failures only; never 429 or
// other 4xx.
function isRequestRetryable(error: CodexWireError): boolean {
  if (error.kind === "network") return true;
  return error.kind === "http" && error.status !== undefined && error.status >= 500;
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
  let response: Response;
  try {
    response = await turn.fetch(turn.url, { method: "POST", headers, body, signal });
  } catch (cause) {
    if (signal?.aborted) throw abortedError(signal);
    const error = new CodexWireError(
      `Cannot reach ${turn.url}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { kind: "network", retryable: true, cause },
    );
    telemetry?.onRequest?.({ attempt, url: turn.url, error, durationMs: elapsed(started) });
    return error;
  }
  const durationMs = elapsed(started);
  if (response.ok) {
    telemetry?.onRequest?.({ attempt, url: turn.url, status: response.status, durationMs });
    return response;
  }
  const text = await readText(response, signal);
  if (
    headers.has("content-encoding") && refusesContentEncoding(response.status, text) &&
    turn.onEncodingRefused()
  ) {
    // A proxy or server that cannot read zstd: send the same request once more, plain.
    telemetry?.onRequest?.({ attempt, url: turn.url, status: response.status, durationMs });
    return await sendAttempt(turn, attempt);
  }
  const error = errorFromHttpResponse({
    status: response.status,
    headers: response.headers,
    body: text,
    url: turn.url,
  });
  telemetry?.onRequest?.({ attempt, url: turn.url, status: response.status, error, durationMs });
  return error;
}

async function readText(response: Response, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await response.text();
  } catch (cause) {
    if (signal?.aborted) throw abortedError(signal);
    return `(the error body could not be read: ${String(cause)})`;
  }
}

const EVENT_STREAM_REGEXP = /^\s*text\/event-stream\s*(;|$)/i;
const BODY_EXCERPT_CHARS = 2000;

// The SSE body of a 2xx answer (spec §1.6): `completed` ends the stream at once; a
// `failed`/`incomplete` is remembered and raised at end of stream; end without
// `completed` is a retryable stream error.
async function* readSseBody(
  turn: SseTurn,
  response: Response,
): AsyncGenerator<ResponseEvent, void, undefined> {
  const contentType = response.headers.get("content-type");
  if (contentType !== null && !EVENT_STREAM_REGEXP.test(contentType)) {
    const text = await readText(response, turn.signal);
    throw new CodexWireError(
      `Expected an event stream but the server answered ${response.status} with content-type "${contentType}"; check the base URL and any proxy in between: ${
        text.slice(0, BODY_EXCERPT_CHARS)
      }`,
      {
        kind: "stream",
        retryable: true,
        status: response.status,
        headers: response.headers,
        body: text,
      },
    );
  }
  if (response.body === null) throw streamClosedError();
  const reader = response.body.getReader();
  const decoder = new SseDecoder({ maxEventSize: turn.maxEventSize });
  const mapper = new WireEventMapper({ passthrough: turn.passthrough });
  const { telemetry } = turn;
  const onSseEvent = telemetry?.onSseEvent;
  const out: ResponseEvent[] = [];
  let remembered: CodexWireError | undefined;
  let waitStarted = performance.now();
  try {
    for (;;) {
      const { done, value } = await readWithIdleTimeout(reader, turn.idleTimeoutMs, waitStarted);
      const messages = done ? decoder.end() : decoder.push(value);
      for (const message of messages) {
        let json: unknown;
        try {
          json = JSON.parse(message.data);
        } catch {
          // Not JSON (including `[DONE]`): skipped, as Codex does, and reported.
          onSseEvent?.({
            kind: message.event ?? "message",
            ok: message.data === "[DONE]",
            ...(message.data === "[DONE]" ? {} : { error: "data is not valid JSON" }),
            durationMs: elapsed(waitStarted),
          });
          continue;
        }
        const outcome = mapper.map(json, out);
        if (onSseEvent !== undefined) {
          const kind = message.event ?? (json as { type?: string }).type ?? "message";
          const error = outcome.kind === "failed"
            ? outcome.error.message
            : outcome.kind === "invalid"
            ? outcome.reason
            : undefined;
          onSseEvent({
            kind,
            ok: error === undefined,
            ...(error === undefined ? {} : { error }),
            durationMs: elapsed(waitStarted),
          });
        }
        if (outcome.kind === "failed") remembered = outcome.error;
        for (let i = 0; i < out.length; i++) yield out[i];
        out.length = 0;
        waitStarted = performance.now();
        if (outcome.kind === "completed") return;
      }
      if (decoder.failure !== undefined) throw decoder.failure;
      if (done) throw remembered ?? streamClosedError();
    }
  } catch (error) {
    if (error instanceof CodexWireError) throw error;
    if (turn.signal?.aborted) throw abortedError(turn.signal);
    throw new CodexWireError(
      `The event stream broke: ${error instanceof Error ? error.message : String(error)}`,
      { kind: "stream", retryable: true, cause: error },
    );
  } finally {
    // Release the connection however we leave (completed, break, error). Cancelling an
    // already broken stream may reject; there is nothing more to do about it then.
    reader.cancel().catch(() => {});
  }
}

function streamClosedError(): CodexWireError {
  return new CodexWireError("stream closed before response.completed", {
    kind: "stream",
    retryable: true,
  });
}

async function readWithIdleTimeout(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleTimeoutMs: number,
  waitStarted: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const remaining = idleTimeoutMs - (performance.now() - waitStarted);
  if (remaining <= 0) throw idleTimeoutError();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(idleTimeoutError()), remaining);
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
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

/**
 * Wraps anything thrown into a {@linkcode CodexWireError}; a fired signal always wins.
 *
 * @param error What was thrown.
 * @param signal The caller's signal.
 * @returns The error to raise.
 */
export function toCodexWireError(error: unknown, signal?: AbortSignal): CodexWireError {
  if (signal?.aborted) {
    return error instanceof CodexWireError && error.kind === "aborted"
      ? error
      : abortedError(signal);
  }
  if (error instanceof CodexWireError) return error;
  return new CodexWireError(
    `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    { kind: "stream", retryable: true, cause: error },
  );
}
