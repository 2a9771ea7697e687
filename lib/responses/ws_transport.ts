/**
 * The connections of the Responses WebSocket transport for one client: opened lazily (or
 * ahead of time with `preconnect`), one request in flight per connection, handed back for
 * the next request or turn when a response completes, dropped on any failure. Each
 * connection plans its own incremental requests, so a new connection always starts with
 * a full `response.create`.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import type { WebSocketTelemetry } from "../telemetry/websocket_telemetry.ts";
import { abortedError } from "../transport/backoff.ts";
import { clampDelayMs } from "../transport/timeout.ts";
import { redactUrl } from "../transport/redact_url.ts";
import {
  connectWebSocket,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type WebSocketConnection,
  type WebSocketObserver,
} from "../transport/websocket_connector.ts";
import type { TapeRecorder } from "../tape/tape_recorder.ts";
import type { ResponseEvent } from "./response_event.ts";
import { IncrementalRequestPlanner, type PlannedRequest } from "./ws_request.ts";
import { eventsFromHandshakeHeaders, WebSocketResponseReader } from "./ws_response_reader.ts";

/** Options of {@linkcode WebSocketTransport}. */
export interface WebSocketTransportOptions {
  /** The `ws:` / `wss:` URL of the responses endpoint. */
  url: string;
  /** How long a handshake may take, in milliseconds. @default {15000} */
  connectTimeoutMs?: number;
  /** The largest frame accepted, in bytes. @default {64 * 1024 * 1024} */
  maxFrameBytes?: number;
  /** Telemetry hooks. */
  telemetry?: WebSocketTelemetry;
  /** How a completed response's output items compare with the next request's input. */
  toInputItem?: (item: unknown) => unknown;
  /** Record every connection (handshake, frames, close) to this tape, secrets replaced. */
  record?: TapeRecorder;
}

/** Options of {@linkcode WebSocketLease.send}. */
export interface WebSocketSendOptions {
  /** The full HTTP request body (with the whole `input`). */
  body: Record<string, unknown>;
  /** WebSocket-only `client_metadata` entries (turn state, turn metadata, trace). */
  clientMetadata?: Record<string, string>;
  /** `false` for a warm-up that generates nothing. */
  generate?: false;
  /** How long to wait for each frame (and for the send), in milliseconds. */
  idleTimeoutMs: number;
  /** Cancels the response; the connection is dropped. */
  signal?: AbortSignal;
  /** Yield unmapped wire events as `{ type: "wire" }`. */
  passthrough?: boolean;
  /** Called with each turn state a `response.metadata` event carries. */
  onTurnState?: (turnState: string) => void;
}

// Idle connections kept for reuse; more than this after a burst of concurrent requests
// are closed as they are handed back (Codex keeps one).
const MAX_IDLE_CONNECTIONS = 4;

interface Pooled {
  connection: WebSocketConnection;
  planner: IncrementalRequestPlanner;
  used: boolean;
}

/**
 * The WebSocket connections of one client.
 *
 * @example Two requests on one connection, the second incremental
 * ```ts
 * import { WebSocketTransport } from "./ws_transport.ts";
 * import { completedEvent, createdEvent, startMockResponsesWebSocketServer } from "../testing/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startMockResponsesWebSocketServer({
 *   connections: [{ responses: [[createdEvent("r1"), completedEvent("r1")], [createdEvent("r2"), completedEvent("r2")]] }],
 * });
 * await using transport = new WebSocketTransport({ url: server.websocketUrl });
 * const input = [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }];
 * for (const body of [{ model: "m", input }, { model: "m", input: [...input, ...input] }]) {
 *   const lease = await transport.acquire(new Headers());
 *   const attempt = await lease.send({ body, idleTimeoutMs: 5000 });
 *   while (!attempt.completed) await attempt.next();
 * }
 * assert.equal(server.connections.length, 1);
 * assert.equal((server.requests[1] as { previous_response_id: string }).previous_response_id, "r1");
 * ```
 */
export class WebSocketTransport implements AsyncDisposable {
  #options: WebSocketTransportOptions;
  #idle: Pooled[] = [];
  #busy = new Set<Pooled>();
  #closing = new Set<Promise<void>>();
  #closed = false;

  /**
   * Creates the transport; nothing connects until a lease is acquired.
   *
   * @param options The URL and limits.
   */
  constructor(options: WebSocketTransportOptions) {
    this.#options = options;
  }

  /** How many connections are open (idle or in use). */
  get openConnections(): number {
    return this.#idle.length + this.#busy.size;
  }

  /**
   * Opens a connection now, if none is idle, and keeps it for the next request.
   *
   * @param headers The handshake headers.
   * @param signal Cancels the handshake.
   * @returns A promise that settles when a connection is ready.
   * @throws {CodexWireError} When the handshake fails.
   */
  async preconnect(headers: Headers, signal?: AbortSignal): Promise<void> {
    this.#prune();
    if (this.#idle.length > 0) return;
    this.#idle.push(await this.#connect(headers, signal));
  }

  /**
   * Takes an idle connection, or opens one, for one request.
   *
   * @param headers The handshake headers, used only when a connection is opened.
   * @param signal Cancels the handshake.
   * @returns The lease; send one request on it.
   * @throws {CodexWireError} When the handshake fails (connect errors surface only here).
   */
  async acquire(headers: Headers, signal?: AbortSignal): Promise<WebSocketLease> {
    if (this.#closed) {
      throw new CodexWireError("Cannot use a closed WebSocket transport: create a new client", {
        kind: "usage",
      });
    }
    this.#prune();
    const pooled = this.#idle.pop() ?? await this.#connect(headers, signal);
    this.#busy.add(pooled);
    return new Lease(pooled, this.#options.telemetry, (keep) => {
      this.#busy.delete(pooled);
      if (
        keep && !this.#closed && pooled.connection.isOpen &&
        this.#idle.length < MAX_IDLE_CONNECTIONS
      ) {
        this.#idle.push(pooled);
      } else {
        this.#closeLater(pooled);
      }
    });
  }

  /**
   * Closes every connection.
   *
   * @returns A promise that resolves when all are released.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#idle, ...this.#busy];
    this.#idle = [];
    this.#busy.clear();
    await Promise.all([...all.map((pooled) => pooled.connection.close()), ...this.#closing]);
  }

  // Closes a connection nobody waits for, and lets close() wait for it.
  #closeLater(pooled: Pooled): void {
    const closing = pooled.connection.close().finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }

  /**
   * Closes every connection, for `await using`.
   *
   * @returns A promise that resolves when all are released.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #connect(headers: Headers, signal: AbortSignal | undefined): Promise<Pooled> {
    const { url, telemetry } = this.#options;
    const started = performance.now();
    try {
      const connection = await connectWebSocket(url, {
        headers,
        signal,
        ...(this.#options.record === undefined
          ? {}
          : { observer: tapeObserver(this.#options.record, url, headers) }),
        connectTimeoutMs: this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ...(this.#options.maxFrameBytes === undefined
          ? {}
          : { maxFrameBytes: this.#options.maxFrameBytes }),
      });
      telemetry?.onWebSocketConnect?.({
        url: redactUrl(url),
        durationMs: performance.now() - started,
      });
      return {
        connection,
        planner: new IncrementalRequestPlanner({ toInputItem: this.#options.toInputItem }),
        used: false,
      };
    } catch (error) {
      if (error instanceof CodexWireError) {
        telemetry?.onWebSocketConnect?.({
          url: redactUrl(url),
          durationMs: performance.now() - started,
          error,
          ...(error.status === undefined ? {} : { status: error.status }),
        });
      }
      throw error;
    }
  }

  // Idle connections the server closed meanwhile are of no use.
  #prune(): void {
    this.#idle = this.#idle.filter((pooled) => {
      if (pooled.connection.isOpen) return true;
      this.#closeLater(pooled);
      return false;
    });
  }
}

/** One request slot on one connection; see {@linkcode WebSocketTransport.acquire}. */
export interface WebSocketLease {
  /** Whether the connection served a request before this one. */
  readonly reused: boolean;
  /** The handshake answer's headers. */
  readonly handshakeHeaders: Headers;
  /** The events the handshake answer stands for, replayed at the start of each response. */
  readonly handshakeEvents: ResponseEvent[];
  /**
   * Plans and sends one `response.create` and returns the attempt that reads it. The send
   * is bounded by the idle timeout.
   *
   * @param options The request and how to read its response.
   * @returns The attempt.
   * @throws {CodexWireError} When sending fails (the connection is dropped).
   */
  send(options: WebSocketSendOptions): Promise<WebSocketAttempt>;
  /** Hands the connection back for the next request. */
  release(): void;
  /**
   * Drops the connection (no close handshake).
   *
   * @returns A promise that resolves when the socket is released.
   */
  drop(): Promise<void>;
}

/** One request's response on a leased connection; see {@linkcode WebSocketLease.send}. */
export interface WebSocketAttempt {
  /** Whether the request was sent as a continuation (`previous_response_id`). */
  readonly incremental: boolean;
  /** The frame that was sent. */
  readonly frame: Record<string, unknown>;
  /** Whether `response.completed` arrived. */
  readonly completed: boolean;
  /**
   * Reads the next events; on completion the connection is handed back, on failure it is
   * dropped.
   *
   * @returns The events.
   * @throws {CodexWireError} When the response fails.
   */
  next(): Promise<ResponseEvent[]>;
  /**
   * Sends `response.steer` with new input for the active response.
   *
   * @param input The input items.
   * @returns A promise that settles when the frame was sent.
   */
  steer(input: readonly unknown[]): Promise<void>;
  /**
   * Abandons the response before completion (the consumer left): the connection is
   * dropped, since the rest of the response would still arrive on it.
   *
   * @returns A promise that resolves when the socket is released.
   */
  cancel(): Promise<void>;
}

class Lease implements WebSocketLease {
  #pooled: Pooled;
  #telemetry: WebSocketTelemetry | undefined;
  #release: (keep: boolean) => void;
  #released = false;

  /**
   * Wraps a pooled connection; use {@linkcode WebSocketTransport.acquire}.
   *
   * @param pooled The connection and its planner.
   * @param telemetry Telemetry hooks.
   * @param release Hands the connection back (`true`) or drops it (`false`).
   */
  constructor(
    pooled: Pooled,
    telemetry: WebSocketTelemetry | undefined,
    release: (keep: boolean) => void,
  ) {
    this.#pooled = pooled;
    this.#telemetry = telemetry;
    this.#release = release;
  }

  /** Whether the connection served a request before this one. */
  get reused(): boolean {
    return this.#pooled.used;
  }

  /** The handshake answer's headers. */
  get handshakeHeaders(): Headers {
    return this.#pooled.connection.responseHeaders;
  }

  /** The events the handshake answer stands for, replayed at the start of each response. */
  get handshakeEvents(): ResponseEvent[] {
    return eventsFromHandshakeHeaders(this.#pooled.connection.responseHeaders);
  }

  /**
   * Plans and sends one `response.create` and returns the attempt that reads it. The send
   * is bounded by the idle timeout.
   *
   * @param options The request and how to read its response.
   * @returns The attempt.
   * @throws {CodexWireError} When sending fails (the connection is dropped).
   */
  async send(options: WebSocketSendOptions): Promise<WebSocketAttempt> {
    const pooled = this.#pooled;
    const connectionReused = pooled.used;
    pooled.used = true;
    const planned = pooled.planner.plan(options.body, {
      clientMetadata: {
        ...options.clientMetadata,
        "x-codex-ws-stream-request-start-ms": String(Date.now()),
      },
      ...(options.generate === false ? { generate: false } : {}),
    });
    const started = performance.now();
    try {
      await sendWithin(pooled.connection, JSON.stringify(planned.frame), options);
    } catch (cause) {
      const error = cause instanceof CodexWireError ? cause : new CodexWireError(
        `Cannot send the request: ${String(cause)}`,
        { kind: "stream", retryable: true, cause },
      );
      this.#telemetry?.onWebSocketRequest?.({
        durationMs: performance.now() - started,
        error,
        connectionReused,
      });
      await this.drop();
      throw error;
    }
    this.#telemetry?.onWebSocketRequest?.({
      durationMs: performance.now() - started,
      connectionReused,
    });
    return new Attempt(this, pooled, planned, options, this.#telemetry);
  }

  /**
   * Hands the connection back for the next request.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#release(true);
  }

  /**
   * Drops the connection (no close handshake).
   *
   * @returns A promise that resolves when the socket is released.
   */
  async drop(): Promise<void> {
    if (!this.#released) {
      this.#released = true;
      this.#release(false);
    }
    await this.#pooled.connection.terminate();
  }
}

class Attempt implements WebSocketAttempt {
  #lease: WebSocketLease;
  #pooled: Pooled;
  #reader: WebSocketResponseReader;
  #planned: PlannedRequest;

  /**
   * Wraps a sent request; use {@linkcode WebSocketLease.send}.
   *
   * @param lease The lease.
   * @param pooled The connection and planner.
   * @param planned The frame that was sent.
   * @param options How to read the response.
   * @param telemetry Telemetry hooks.
   */
  constructor(
    lease: WebSocketLease,
    pooled: Pooled,
    planned: PlannedRequest,
    options: WebSocketSendOptions,
    telemetry: WebSocketTelemetry | undefined,
  ) {
    this.#lease = lease;
    this.#pooled = pooled;
    this.#planned = planned;
    this.#reader = new WebSocketResponseReader(pooled.connection, {
      idleTimeoutMs: options.idleTimeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      passthrough: options.passthrough ?? false,
      ...(telemetry === undefined ? {} : { telemetry }),
      ...(options.onTurnState === undefined ? {} : { onTurnState: options.onTurnState }),
    });
  }

  /** Whether the request was sent as a continuation (`previous_response_id`). */
  get incremental(): boolean {
    return this.#planned.incremental;
  }

  /** The frame that was sent. */
  get frame(): Record<string, unknown> {
    return this.#planned.frame;
  }

  /** Whether `response.completed` arrived. */
  get completed(): boolean {
    return this.#reader.completed;
  }

  /**
   * Reads the next events; on completion the connection is handed back, on failure it is
   * dropped.
   *
   * @returns The events.
   * @throws {CodexWireError} When the response fails.
   */
  async next(): Promise<ResponseEvent[]> {
    let events: ResponseEvent[];
    try {
      events = await this.#reader.next();
    } catch (error) {
      await this.#lease.drop();
      throw error;
    }
    if (this.#reader.completed) {
      const responseId = this.#reader.responseId;
      // After steering the server's own successor answered: what it continues is unclear,
      // so the next request is a full one.
      if (responseId !== undefined && !this.#reader.steered) {
        this.#pooled.planner.complete(responseId, this.#reader.outputItems);
      }
      this.#lease.release();
    }
    return events;
  }

  /**
   * Sends `response.steer` with new input for the active response.
   *
   * @param input The input items.
   * @returns A promise that settles when the frame was sent.
   */
  steer(input: readonly unknown[]): Promise<void> {
    return this.#reader.steer(input);
  }

  /**
   * Abandons the response before completion (the consumer left): the connection is
   * dropped, since the rest of the response would still arrive on it.
   *
   * @returns A promise that resolves when the socket is released.
   */
  async cancel(): Promise<void> {
    if (!this.#reader.completed) await this.#lease.drop();
  }
}

// Writes a connection to a tape. A refused line (the recorder closed, a redaction bug)
// must not break the conversation: it is left out, as recordWebSocket does.
function tapeObserver(recorder: TapeRecorder, url: string, headers: Headers): WebSocketObserver {
  const conn = recorder.newConnection();
  const record = (action: () => void) => {
    try {
      action();
    } catch {
      // The line is not written; the stream goes on.
    }
  };
  return {
    open: (responseHeaders) =>
      record(() =>
        recorder.wsOpen(conn, {
          url,
          requestHeaders: [...headers],
          responseHeaders: [...responseHeaders],
          protocols: [],
          protocol: "",
        })
      ),
    frame: (from, data) => record(() => recorder.wsFrame(conn, from, data)),
    close: (code, reason, by) => record(() => recorder.wsClose(conn, { code, reason, by })),
  };
}

async function sendWithin(
  connection: WebSocketConnection,
  text: string,
  options: WebSocketSendOptions,
): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) throw abortedError(signal);
  if (options.idleTimeoutMs === Infinity) return await connection.send(text);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CodexWireError("idle timeout sending websocket request", {
            kind: "idleTimeout",
            retryable: true,
          }),
        ),
      clampDelayMs(options.idleTimeoutMs),
    );
  });
  try {
    await Promise.race([connection.send(text), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
