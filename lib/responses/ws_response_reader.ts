/**
 * Reads one response off a Responses WebSocket: frames → events with the WebSocket rules.
 * Wrapped `error` frames fail like the HTTP answer they wrap; `codex.rate_limits`,
 * `response.metadata` (turn state), `codex.response.metadata` (models ETag), steering
 * events and timing frames are handled here; everything else goes through the shared
 * {@linkcode WireEventMapper}. `response.completed` ends the response and leaves the
 * connection open; any failure drops the connection at once.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { errorFromWrappedWebSocketError } from "../errors/error_from_http_response.ts";
import { parseCodexRateLimitsEvent } from "../ratelimits/parse_codex_rate_limits_event.ts";
import type { WebSocketTelemetry } from "../telemetry/websocket_telemetry.ts";
import type { WebSocketConnection, WebSocketFrame } from "../transport/websocket_connector.ts";
import type { ResponseEvent } from "./response_event.ts";
import { streamClosedError } from "./sse_turn.ts";
import { WireEventMapper } from "./wire_event_mapper.ts";

/** Options of {@linkcode WebSocketResponseReader}. */
export interface WebSocketResponseReaderOptions {
  /** How long to wait for each frame, in milliseconds. */
  idleTimeoutMs: number;
  /** Cancels the wait; the connection is then dropped. */
  signal?: AbortSignal;
  /** Yield unmapped wire events as `{ type: "wire" }`. @default false */
  passthrough?: boolean;
  /** Telemetry hooks. */
  telemetry?: WebSocketTelemetry;
  /** Called with each `x-codex-turn-state` a `response.metadata` event carries. */
  onTurnState?: (turnState: string) => void;
}

/**
 * Reads the events of one response from an open connection, a batch at a time.
 *
 * @example Reading a response from the scripted WebSocket mock
 * ```ts
 * import { WebSocketResponseReader } from "./ws_response_reader.ts";
 * import { connectWebSocket } from "../transport/websocket_connector.ts";
 * import {
 *   completedEvent, createdEvent, outputTextDeltaEvent, startMockResponsesWebSocketServer,
 * } from "../testing/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startMockResponsesWebSocketServer({
 *   connections: [{ responses: [[createdEvent("r1"), outputTextDeltaEvent("Hi"), completedEvent("r1")]] }],
 * });
 * await using connection = await connectWebSocket(server.websocketUrl);
 * await connection.send(JSON.stringify({ type: "response.create", model: "gpt-5", input: [] }));
 * const reader = new WebSocketResponseReader(connection, { idleTimeoutMs: 5000 });
 * const types: string[] = [];
 * while (!reader.completed) for (const event of await reader.next()) types.push(event.type);
 * assert.deepEqual(types, ["created", "outputTextDelta", "completed"]);
 * ```
 */
export class WebSocketResponseReader {
  #connection: WebSocketConnection;
  #options: WebSocketResponseReaderOptions;
  #mapper: WireEventMapper;
  #completed = false;
  #steered = false;
  #responseId: string | undefined;
  #items: unknown[] = [];
  #pendingFailure: CodexWireError | undefined;

  /**
   * Starts reading; send the request frame first.
   *
   * @param connection The open connection.
   * @param options Timeouts, signal, telemetry and the turn-state callback.
   */
  constructor(connection: WebSocketConnection, options: WebSocketResponseReaderOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#mapper = new WireEventMapper({ passthrough: options.passthrough ?? false });
  }

  /** Whether `response.completed` arrived: nothing follows the last batch. */
  get completed(): boolean {
    return this.#completed;
  }

  /** Whether a response of this stream ended because it was steered. */
  get steered(): boolean {
    return this.#steered;
  }

  /** The id of the response being read (the latest `response.created`). */
  get responseId(): string | undefined {
    return this.#responseId;
  }

  /** The `response.output_item.done` items of the response, in order. */
  get outputItems(): readonly unknown[] {
    return this.#items;
  }

  /**
   * Sends `response.steer` for the active response: new input the model should take into
   * account now. The server answers with a steering event.
   *
   * @param input The input items.
   * @returns A promise that settles when the frame was sent.
   * @throws {CodexWireError} `usage` before `response.created` or after completion.
   */
  async steer(input: readonly unknown[]): Promise<void> {
    if (this.#responseId === undefined || this.#completed) {
      throw new CodexWireError(
        "Cannot steer a response that has not started or has completed: steer after the created event and before completed",
        { kind: "usage" },
      );
    }
    await this.#connection.send(JSON.stringify({
      type: "response.steer",
      previous_response_id: this.#responseId,
      input,
    }));
  }

  /**
   * Waits (within the idle timeout) for frames and returns their events: at least one,
   * up to and including `completed`. Frames after `completed` stay queued for the next
   * reader.
   *
   * @returns The events.
   * @throws {CodexWireError} On any failure (after the events that came before it in the
   * same batch); the connection is dropped first.
   */
  async next(): Promise<ResponseEvent[]> {
    if (this.#pendingFailure !== undefined) throw this.#pendingFailure;
    const out: ResponseEvent[] = [];
    try {
      while (out.length === 0 && !this.#completed) {
        const started = performance.now();
        const frames = await this.#connection.receive({
          timeoutMs: this.#options.idleTimeoutMs,
          signal: this.#options.signal,
        });
        for (let i = 0; i < frames.length; i++) {
          this.#frame(frames[i], out, started);
          if (this.#completed) {
            this.#connection.requeue(frames.slice(i + 1));
            break;
          }
        }
      }
      return out;
    } catch (error) {
      // A terminal error drops the connection at once: no close handshake to wait for.
      await this.#connection.terminate();
      const failure = error instanceof CodexWireError
        ? error
        : new CodexWireError(`The websocket stream broke: ${messageOf(error)}`, {
          kind: "stream",
          retryable: true,
          cause: error,
        });
      // What came before the failure in the same batch is handed out first.
      if (out.length === 0) throw failure;
      this.#pendingFailure = failure;
      return out;
    }
  }

  #frame(frame: WebSocketFrame, out: ResponseEvent[], started: number): void {
    switch (frame.type) {
      case "text":
        return this.#text(frame.data, out, started);
      case "binary":
        throw this.#failure("binary", started, "unexpected binary websocket event");
      case "error":
        throw this.#failure("error", started, frame.message);
      case "close":
        if (!frame.clean) {
          this.#report("close", started, "stream closed before response.completed");
          throw streamClosedError();
        }
        throw this.#failure(
          "close",
          started,
          "websocket closed by server before response.completed",
        );
    }
  }

  #text(text: string, out: ResponseEvent[], started: number): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: skipped, as Codex does; telemetry says so.
      this.#report("parse_error", started, "frame is not valid JSON");
      return;
    }
    const type = isRecord(json) && typeof json.type === "string" ? json.type : undefined;
    if (type === undefined) {
      // Not an event: skipped, like any event the mapper cannot read.
      this.#report("unknown", started, "the frame has no string type");
      return;
    }
    const event = json as { type: string; [key: string]: unknown };
    switch (type) {
      case "error": {
        const error = errorFromWrappedWebSocketError(event, text);
        if (error !== undefined) {
          this.#report(type, started, error.message);
          throw error;
        }
        break;
      }
      case "codex.rate_limits": {
        const snapshot = parseCodexRateLimitsEvent(event);
        if (snapshot !== undefined) out.push({ type: "rateLimits", snapshot });
        this.#report(type, started, snapshot === undefined ? "unparseable rate limits" : undefined);
        return;
      }
      case "response.metadata": {
        const state = headerOf(event.headers, "x-codex-turn-state");
        if (state !== undefined) this.#options.onTurnState?.(state);
        break;
      }
      case "codex.response.metadata": {
        const etag = headerOf(event.headers, "x-models-etag");
        if (etag !== undefined) out.push({ type: "modelsEtag", etag });
        break;
      }
      case "responsesapi.websocket_timing":
        this.#timing(event);
        this.#report(type, started);
        return;
      case "response.steer.accepted":
        out.push({ type: "steerAccepted", event });
        this.#report(type, started);
        return;
      case "response.steer.pending":
        out.push({
          type: "steerPending",
          requiredInput: Array.isArray(event.required_input) ? event.required_input : [],
          event,
        });
        this.#report(type, started);
        return;
      case "response.steer.failed": {
        const message = messageIn(event) ?? "The steer was not accepted";
        out.push({ type: "steerFailed", message, event });
        this.#report(type, started, message);
        return;
      }
      case "response.incomplete":
        if (incompleteReason(event) === "steered") {
          // The server carries on with its own next response on this socket.
          this.#steered = true;
          out.push(
            this.#responseId === undefined
              ? { type: "steered" }
              : { type: "steered", responseId: this.#responseId },
          );
          this.#report(type, started);
          return;
        }
        break;
    }
    const before = out.length;
    const outcome = this.#mapper.map(event, out);
    for (let i = before; i < out.length; i++) {
      const mapped = out[i];
      if (mapped.type === "created" && mapped.responseId !== undefined) {
        this.#responseId = mapped.responseId;
      } else if (mapped.type === "outputItemDone") this.#items.push(mapped.item);
    }
    switch (outcome.kind) {
      case "failed":
        // Unlike SSE, a failed response ends the stream at once.
        this.#report(type, started, outcome.error.message);
        throw outcome.error;
      case "completed":
        this.#completed = true;
        this.#report(type, started);
        return;
      case "invalid":
        this.#report(type, started, outcome.reason);
        return;
      default:
        this.#report(type, started);
    }
  }

  #timing(event: Record<string, unknown>): void {
    const hook = this.#options.telemetry?.onWebSocketTiming;
    if (hook === undefined || !isRecord(event.timing_metrics)) return;
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(event.timing_metrics)) {
      if (typeof value === "number" && Number.isFinite(value)) metrics[name] = value;
    }
    hook({ metrics });
  }

  #failure(kind: string, started: number, message: string): CodexWireError {
    this.#report(kind, started, message);
    return new CodexWireError(message, { kind: "stream", retryable: true });
  }

  #report(kind: string, started: number, error?: string): void {
    const hook = this.#options.telemetry?.onWebSocketEvent;
    if (hook === undefined) return;
    const durationMs = performance.now() - started;
    hook(
      error === undefined ? { kind, ok: true, durationMs } : { kind, ok: false, error, durationMs },
    );
  }
}

/**
 * The events a handshake answer stands for, replayed at the start of every response on
 * the connection: `serverModel` (from `openai-model`), `modelsEtag` (from `x-models-etag`,
 * which only servers of the earlier protocol send there) and `serverReasoningIncluded`
 * (when `x-reasoning-included` is present). Rate-limit headers are not read here.
 *
 * @param headers The 101 answer's headers.
 * @returns The events, in that order.
 *
 * @example Usage
 * ```ts
 * import { eventsFromHandshakeHeaders } from "./ws_response_reader.ts";
 * import assert from "node:assert/strict";
 *
 * const events = eventsFromHandshakeHeaders(new Headers({ "openai-model": "gpt-5", "x-reasoning-included": "" }));
 * assert.deepEqual(events, [
 *   { type: "serverModel", model: "gpt-5" },
 *   { type: "serverReasoningIncluded", included: true },
 * ]);
 * ```
 */
export function eventsFromHandshakeHeaders(headers: Headers): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  const model = headers.get("openai-model");
  if (model !== null) events.push({ type: "serverModel", model });
  const etag = headers.get("x-models-etag");
  if (etag !== null) events.push({ type: "modelsEtag", etag });
  if (headers.has("x-reasoning-included")) {
    events.push({ type: "serverReasoningIncluded", included: true });
  }
  return events;
}

// A header of an event's `headers` object, any case; a string or an array's first string.
function headerOf(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string" && first !== "") return first;
  }
  return undefined;
}

function incompleteReason(event: Record<string, unknown>): unknown {
  const response = event.response;
  if (!isRecord(response) || !isRecord(response.incomplete_details)) return undefined;
  return response.incomplete_details.reason;
}

function messageIn(event: Record<string, unknown>): string | undefined {
  const error = event.error;
  const message = isRecord(error) ? error.message : event.message;
  return typeof message === "string" && message.trim() !== "" ? message : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
