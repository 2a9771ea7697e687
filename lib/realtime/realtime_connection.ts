/**
 * {@linkcode connectRealtime}: a realtime WebSocket in any Codex dialect, as a
 * {@linkcode RealtimeConnection} that sends client messages and yields
 * {@linkcode RealtimeEvent}s.
 *
 * @module
 */

import { base64ByteLength, checkPcm16Length, encodeBase64 } from "../audio/pcm16.ts";
import { readEnv } from "./_env.ts";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import { checkTimeoutMs } from "../transport/timeout.ts";
import {
  audioAppendMessage,
  type RealtimeAudioFormat,
  type RealtimeClientMessage,
  realtimeSessionMessage,
  type RealtimeSessionOptions,
  type RealtimeTextRole,
  textItemMessage,
} from "./realtime_client_messages.ts";
import { defaultRealtimeModel, type RealtimeDialect } from "./realtime_dialect.ts";
import type { RealtimeEvent, RealtimeWireEvent } from "./realtime_event.ts";
import { type ParsedRealtimeFrame, RealtimeEventParser } from "./realtime_event_parser.ts";
import { realtimeHandshakeHeaders } from "./realtime_headers.ts";
import { realtimeWebSocketUrl } from "./realtime_url.ts";
import { redactUrl } from "../transport/redact_url.ts";
import { type RecordedWebSocket, recordWebSocket } from "../tape/recording_web_socket.ts";
import type { TapeRecorder } from "../tape/tape_recorder.ts";

/** Options of {@linkcode connectRealtime}. */
export interface ConnectRealtimeOptions {
  /** The API base URL (such as `https://api.openai.com/v1`); the WebSocket URL is built from it. */
  baseUrl?: string;
  /** The WebSocket URL as it is, instead of `baseUrl`. */
  url?: string | URL;
  /** The API key; falls back to the `OPENAI_API_KEY` environment variable. */
  apiKey?: string;
  /** The wire dialect. @default {"v2"} */
  dialect?: RealtimeDialect;
  /** The session asked for in the first message. */
  session?: RealtimeSessionOptions;
  /** Extra handshake headers (they overwrite `providerHeaders`). */
  headers?: HeadersInit;
  /** Provider handshake headers, the lowest layer. */
  providerHeaders?: HeadersInit;
  /** Closes the connection (or stops connecting) when it fires. */
  signal?: AbortSignal;
  /** The model in the URL; `gpt-realtime-1.5` on v2 and `gpt-live-1-codex` on v3 by default. */
  model?: string;
  /** Extra query parameters of the URL built from `baseUrl`. */
  queryParams?: Readonly<Record<string, string>>;
  /** The realtime session id, sent as `x-session-id` and `session-id`. */
  sessionId?: string;
  /** The Codex thread id, sent as `thread-id`. */
  threadId?: string;
  /**
   * How long the handshake (and v3's wait for `session.started`) may take, in milliseconds;
   * `Infinity` for no deadline.
   *
   * @default {30000}
   */
  connectTimeoutMs?: number;
  /** Called with every JSON frame from the server, known or not, before it is mapped. */
  onWireEvent?: (event: RealtimeWireEvent) => void;
  /** Called with every frame that was dropped (not JSON, no type, unknown, missing fields). */
  onDroppedFrame?: (text: string, reason: NonNullable<ParsedRealtimeFrame["dropped"]>) => void;
  /**
   * Sends wait while more than this many bytes are buffered unsent, so a fast producer
   * cannot grow memory without bound.
   *
   * @default {4194304}
   */
  maxBufferedBytes?: number;
  /**
   * Record the session to this tape: the handshake (secrets replaced), every frame both
   * ways, and the close. Close the recorder when done.
   */
  record?: TapeRecorder;
}

/** Options of {@linkcode RealtimeConnection.close}. */
export interface RealtimeCloseOptions {
  /** The close code. @default {1000} */
  code?: number;
  /** The close reason. @default {""} */
  reason?: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const CLOSE_WAIT_MS = 5_000;
const RESOLVED: Promise<void> = Promise.resolve();
const STATUS_REGEXP = /Invalid status code:? (\d{3})/;

/** The message of a send on a closed connection. */
export const CONNECTION_CLOSED_MESSAGE = "Realtime websocket connection is closed";

/**
 * Opens a realtime WebSocket and sends the session message of its dialect: `session.update`
 * at once for v1 and v2 (without waiting for `session.created`), `session.create` with the
 * backend prompt and conversation id for `codex-session-create`, and for v3
 * `session.update` followed by a wait for `session.started` / `session.updated` (any other
 * first event fails the connect).
 *
 * @param options Where to connect, the key, dialect, session, headers and signal.
 * @returns The open connection.
 * @throws {CodexWireError} `usage` for bad options, `http` (with `status`) when the server
 * refused the upgrade, `network` when it could not be reached or closed during the
 * handshake, `stream` when a v3 server answered with something other than its session,
 * `aborted` when the signal fired, `idleTimeout` when the handshake took too long.
 *
 * @example A text round trip against the mock server
 * ```ts
 * import { connectRealtime } from "./realtime_connection.ts";
 * import { startRealtimeMockServer } from "../testing/realtime_mock_server.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startRealtimeMockServer({
 *   scripts: [{
 *     steps: [
 *       { waitFor: "session.update" },
 *       { send: { type: "session.updated", session: { id: "sess_1" } } },
 *       { waitFor: "conversation.item.create" },
 *       { send: { type: "response.output_text.delta", delta: "Hi!" } },
 *     ],
 *   }],
 * });
 * await using connection = await connectRealtime({ baseUrl: server.url, apiKey: "sk-test" });
 * await connection.sendText("hello");
 * assert.equal((await connection.next())?.type, "sessionUpdated");
 * assert.deepEqual(await connection.next(), { type: "outputTranscriptDelta", delta: "Hi!" });
 * ```
 */
export async function connectRealtime(
  options: ConnectRealtimeOptions = {},
): Promise<RealtimeConnection> {
  const dialect = options.dialect ?? "v2";
  const sessionMessage = realtimeSessionMessage(dialect, options.session);
  const timeoutMs = connectTimeout(options.connectTimeoutMs);
  const url = options.url !== undefined
    ? socketUrl(options.url)
    : realtimeWebSocketUrl(options.baseUrl ?? "https://api.openai.com/v1", {
      dialect,
      ...withModel(options.model ?? defaultRealtimeModel(dialect)),
      ...(options.queryParams === undefined ? {} : { queryParams: options.queryParams }),
    });
  const apiKey = options.apiKey ?? readEnv("OPENAI_API_KEY");
  let headers: Headers;
  try {
    headers = realtimeHandshakeHeaders({
      dialect,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(options.sessionId === undefined ? {} : { sessionId: options.sessionId }),
      ...(options.threadId === undefined ? {} : { threadId: options.threadId }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.providerHeaders === undefined
        ? {}
        : { providerHeaders: options.providerHeaders }),
    });
  } catch (cause) {
    throw new CodexWireError(`Cannot use the realtime handshake headers: ${messageOf(cause)}`, {
      kind: "usage",
      cause,
    });
  }
  if (options.signal?.aborted === true) {
    throw new CodexWireError("Realtime connect was aborted", {
      kind: "aborted",
      cause: options.signal.reason,
    });
  }
  let socket: WebSocket;
  try {
    socket = new WebSocket(url, { headers } as unknown as string[]);
  } catch (cause) {
    // Deno checks the URL and the header values here, before any I/O.
    throw new CodexWireError(
      `Cannot open a realtime websocket to ${url.origin}${url.pathname}: ${messageOf(cause)}`,
      { kind: "usage", cause },
    );
  }
  return await openConnection(socket, dialect, url, options, sessionMessage, timeoutMs, headers);
}

// Set in RealtimeConnection's static block, which may use its private constructor and members.
let openConnection: (
  socket: WebSocket,
  dialect: RealtimeDialect,
  url: URL,
  options: ConnectRealtimeOptions,
  sessionMessage: RealtimeClientMessage,
  timeoutMs: number,
  handshakeHeaders: Headers,
) => Promise<RealtimeConnection>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function connectTimeout(value: number | undefined): number {
  if (value === undefined) return DEFAULT_CONNECT_TIMEOUT_MS;
  try {
    return checkTimeoutMs("a realtime connection", "connectTimeoutMs", value);
  } catch (cause) {
    throw new CodexWireError((cause as Error).message, { kind: "usage", cause });
  }
}

function socketUrl(value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new CodexWireError(
      `Cannot connect to the realtime websocket "${
        redactUrl(String(value))
      }": it is not a URL; use one such as wss://api.openai.com/v1/realtime`,
      { kind: "usage", cause },
    );
  }
  if (!["ws:", "wss:", "http:", "https:"].includes(url.protocol)) {
    throw new CodexWireError(
      `Unsupported realtime websocket scheme "${
        url.protocol.replace(/:$/, "")
      }": use ws or wss (http and https are taken as ws and wss)`,
      { kind: "usage" },
    );
  }
  return url;
}

function withModel(model: string | undefined): { model?: string } {
  return model === undefined ? {} : { model };
}

/**
 * An open realtime WebSocket. Sending never waits on reading; events are read with
 * `for await` (or {@linkcode RealtimeConnection.next}) and the iteration ends once the
 * server closes the socket, and stays ended. A binary frame becomes an `error` event. On v3
 * a close other than 1000 (or a stream that just ends) is an `error` event too; v1, v2 and
 * the legacy dialect end quietly. `close()` is idempotent; `await using` closes it.
 *
 * @example Usage
 * ```ts ignore
 * import { connectRealtime } from "./realtime_connection.ts";
 *
 * await using connection = await connectRealtime({ dialect: "v2", apiKey: "sk-..." });
 * await connection.sendText("Hello");
 * for await (const event of connection) {
 *   if (event.type === "outputTranscriptDone") break;
 * }
 * ```
 */
export class RealtimeConnection implements AsyncIterable<RealtimeEvent>, AsyncDisposable {
  /** The dialect spoken. */
  readonly dialect: RealtimeDialect;
  /** The WebSocket URL. */
  readonly url: URL;
  #socket: WebSocket;
  /** Where sends and closes go: the socket, or its recorded sending side. */
  #out: Pick<RecordedWebSocket, "send" | "close">;
  #parser: RealtimeEventParser;
  #options: ConnectRealtimeOptions;
  #queue: RealtimeEvent[] = [];
  #head = 0;
  #waiters: ((event: RealtimeEvent | undefined) => void)[] = [];
  #ended = false;
  #closing = false;
  #closedPromise: Promise<void>;
  #closeCode: number | undefined;
  #maxBuffered: number;
  #onAbort: (() => void) | undefined;
  #sessionWaiter: ((event: RealtimeEvent | undefined) => void) | undefined;

  static {
    openConnection = async (socket, dialect, url, options, sessionMessage, timeoutMs, headers) => {
      const connection = new RealtimeConnection(socket, dialect, url, options, headers);
      await connection.#open(timeoutMs, options.signal);
      try {
        await connection.send(sessionMessage);
        if (dialect === "v3") await connection.#awaitSessionStarted(timeoutMs, options.signal);
      } catch (error) {
        await connection.close();
        throw error;
      }
      return connection;
    };
  }

  // Wraps a WebSocket that is not yet open; connectRealtime is the way in.
  private constructor(
    socket: WebSocket,
    dialect: RealtimeDialect,
    url: URL,
    options: ConnectRealtimeOptions,
    handshakeHeaders?: Headers,
  ) {
    this.#socket = socket;
    this.#out = options.record === undefined ? socket : recordWebSocket(socket, options.record, {
      ...(handshakeHeaders === undefined ? {} : { requestHeaders: handshakeHeaders }),
    });
    this.dialect = dialect;
    this.url = url;
    this.#options = options;
    this.#maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#parser = new RealtimeEventParser(dialect);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (message) => this.#onMessage(message.data);
    this.#closedPromise = new Promise((resolve) => {
      socket.addEventListener("close", (event) => {
        this.#closeCode = event.code;
        this.#onClose(event.code, event.reason);
        resolve();
      });
    });
  }

  /** Whether the socket is closed (or closing): sends fail, and no new events arrive. */
  get closed(): boolean {
    return this.#ended || this.#closing;
  }

  /** The close code the socket ended with, once it ended. */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  // Waits for the handshake.
  async #open(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const socket = this.#socket;
    let errorMessage = "";
    socket.onerror = (event) => {
      errorMessage = (event as ErrorEvent).message ?? "";
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        socket.onopen = () => resolve();
        socket.addEventListener("close", () => reject(this.#handshakeError(errorMessage)));
        timer = timeoutMs === Infinity ? undefined : setTimeout(
          () =>
            reject(
              new CodexWireError(
                `Realtime websocket handshake with ${this.url.origin} took longer than ${timeoutMs} ms`,
                { kind: "idleTimeout", retryable: true },
              ),
            ),
          timeoutMs,
        );
        onAbort = () =>
          reject(
            new CodexWireError("Realtime connect was aborted", {
              kind: "aborted",
              cause: signal?.reason,
            }),
          );
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    } catch (error) {
      socket.onopen = null;
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await this.#waitClosed();
      throw error;
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    }
    socket.onerror = null;
    if (signal !== undefined) {
      this.#onAbort = () => void this.close();
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  // v3: waits for the first event, which must be `sessionUpdated` (from `session.started` or
  // `session.updated`); it stays queued for the reader.
  async #awaitSessionStarted(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    let first: RealtimeEvent | undefined = this.#queue[this.#head];
    if (first === undefined && !this.#ended) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      try {
        first = await new Promise<RealtimeEvent | undefined>((resolve, reject) => {
          this.#sessionWaiter = resolve;
          timer = timeoutMs === Infinity ? undefined : setTimeout(
            () =>
              reject(
                new CodexWireError(
                  `Realtime v3 session did not start within ${timeoutMs} ms`,
                  { kind: "idleTimeout", retryable: true },
                ),
              ),
            timeoutMs,
          );
          onAbort = () =>
            reject(new CodexWireError("Realtime connect was aborted", { kind: "aborted" }));
          signal?.addEventListener("abort", onAbort, { once: true });
        });
      } finally {
        this.#sessionWaiter = undefined;
        clearTimeout(timer);
        if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
      }
    }
    if (first?.type !== "sessionUpdated") {
      const got = first === undefined
        ? "the connection closed"
        : first.type === "error"
        ? `error "${first.message}"`
        : `"${first.type}"`;
      throw new CodexWireError(
        `Realtime v3 session did not start: expected session.started, got ${got}`,
        { kind: "stream" },
      );
    }
  }

  /**
   * Sends one client message as a JSON text frame. It waits only when too many bytes are
   * buffered unsent (never on reading).
   *
   * @param message The message.
   * @throws {CodexWireError} With kind `stream` when the connection is closed.
   */
  send(message: RealtimeClientMessage): Promise<void> {
    return this.sendRaw(JSON.stringify(message));
  }

  /**
   * Sends a text frame as it is (for tests of servers, and pre-encoded messages).
   *
   * @param text The frame.
   * @throws {CodexWireError} With kind `stream` when the connection is closed.
   */
  sendRaw(text: string): Promise<void> {
    if (this.closed || this.#socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new CodexWireError(CONNECTION_CLOSED_MESSAGE, { kind: "stream" }));
    }
    this.#out.send(text);
    if (this.#socket.bufferedAmount <= this.#maxBuffered) return RESOLVED;
    return this.#drain();
  }

  // Backs off while the socket holds a lot unsent, so memory stays flat.
  async #drain(): Promise<void> {
    while (this.#socket.bufferedAmount > this.#maxBuffered && this.#socket.readyState === 1) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /**
   * Sends one microphone frame: PCM16 little-endian mono at 24 kHz (20 ms is 960 bytes),
   * or base64 of it.
   *
   * @param pcm16 The samples, or their base64.
   * @param format The legacy dialect's format fields.
   * @throws {CodexWireError} With kind `audio` for an odd number of bytes (also when given
   * as base64), `stream` when closed.
   */
  appendAudio(pcm16: Uint8Array | string, format: RealtimeAudioFormat = {}): Promise<void> {
    try {
      checkPcm16Length(typeof pcm16 === "string" ? base64ByteLength(pcm16) : pcm16.byteLength);
    } catch (error) {
      return Promise.reject(error);
    }
    const audio = typeof pcm16 === "string" ? pcm16 : encodeBase64(pcm16);
    return this.send(audioAppendMessage(this.dialect, audio, format));
  }

  /**
   * Adds a text item in the dialect's shape (v2 prefixes user text with `[USER] `).
   *
   * @param text The text.
   * @param options Who speaks (`user`, `developer` or `assistant`).
   */
  async sendText(text: string, options: { role?: RealtimeTextRole } = {}): Promise<void> {
    await this.send(textItemMessage(this.dialect, text, options.role ?? "user"));
  }

  /**
   * Sends `session.update` with a partial session (for `codex-session-create`, the fields
   * `backend_prompt` and `conversation_id`).
   *
   * @param patch The session fields to change.
   */
  async updateSession(patch: Record<string, unknown>): Promise<void> {
    await this.send({ type: "session.update", session: patch });
  }

  /**
   * The next event, or `undefined` once the connection has ended (every time after that).
   *
   * @returns The event.
   */
  next(): Promise<RealtimeEvent | undefined> {
    if (this.#head < this.#queue.length) {
      const event = this.#queue[this.#head++];
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve(event);
    }
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Iterates the events until the connection ends; leaving the loop early does not close
   * the connection.
   *
   * @returns The iterator.
   */
  [Symbol.asyncIterator](): AsyncIterator<RealtimeEvent> {
    // A plain iterator rather than an async generator: one promise per event, not three.
    return {
      next: (): Promise<IteratorResult<RealtimeEvent>> =>
        this.next().then((event) =>
          event === undefined ? { done: true, value: undefined } : { done: false, value: event }
        ),
      return: (): Promise<IteratorResult<RealtimeEvent>> =>
        Promise.resolve({ done: true, value: undefined }),
    };
  }

  /**
   * Closes the connection (v3 sends `session.close` first) and waits for the socket to
   * finish closing. Idempotent.
   *
   * @param options The close code and reason.
   */
  async close(options: RealtimeCloseOptions = {}): Promise<void> {
    this.#releaseSignal();
    if (!this.#closing && !this.#ended) {
      this.#closing = true;
      const socket = this.#socket;
      if (socket.readyState === WebSocket.OPEN) {
        try {
          if (this.dialect === "v3") this.#out.send(JSON.stringify({ type: "session.close" }));
          this.#out.close(options.code ?? 1000, options.reason ?? "");
        } catch {
          // Already closing: nothing more to send.
        }
      } else if (socket.readyState === WebSocket.CONNECTING) {
        socket.close();
      }
    }
    await this.#waitClosed();
  }

  /** Closes the connection. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #waitClosed(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#closedPromise,
      new Promise((resolve) => timer = setTimeout(resolve, CLOSE_WAIT_MS)),
    ]);
    clearTimeout(timer);
  }

  #handshakeError(message: string): CodexWireError {
    const status = STATUS_REGEXP.exec(message)?.[1];
    if (status !== undefined) {
      return new CodexWireError(
        `Realtime websocket handshake failed: the server answered HTTP ${status}`,
        { kind: "http", status: Number(status), retryable: Number(status) >= 500 },
      );
    }
    const detail = message.replace(/^NetworkError: /, "");
    return new CodexWireError(
      `Cannot connect to the realtime websocket at ${this.url.origin}${this.url.pathname}: ${
        detail === "" ? "the connection closed during the handshake" : detail
      }`,
      { kind: "network", retryable: true },
    );
  }

  #onMessage(data: unknown): void {
    if (this.#ended) return;
    if (typeof data !== "string") {
      this.#push({ type: "error", message: "Unexpected binary realtime websocket event" });
      return;
    }
    const parsed = this.#parser.parse(data);
    if (parsed.wire !== undefined) this.#options.onWireEvent?.(parsed.wire);
    if (parsed.dropped !== undefined) this.#options.onDroppedFrame?.(data, parsed.dropped);
    if (parsed.event !== undefined) this.#push(parsed.event);
  }

  // The caller's signal may outlive this connection: drop our listener once it is not needed.
  #releaseSignal(): void {
    if (this.#onAbort === undefined) return;
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#onAbort = undefined;
  }

  #onClose(code: number, reason: string): void {
    this.#releaseSignal();
    if (this.#ended) return;
    if (this.dialect === "v3" && !this.#closing && code !== 1000) {
      this.#push({
        type: "error",
        message: `Realtime websocket closed abnormally (code ${code}${
          reason === "" ? "" : `: ${reason}`
        })`,
      });
    }
    this.#ended = true;
    const sessionWaiter = this.#sessionWaiter;
    this.#sessionWaiter = undefined;
    sessionWaiter?.(this.#queue[this.#head]);
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  #push(event: RealtimeEvent): void {
    if (this.#sessionWaiter !== undefined) {
      const waiter = this.#sessionWaiter;
      this.#sessionWaiter = undefined;
      this.#queue.push(event);
      waiter(event);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(event);
    else this.#queue.push(event);
  }
}
