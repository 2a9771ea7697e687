/**
 * A WebSocket client connection that shows what the Responses transport needs and Deno's
 * native `WebSocket` hides: the handshake's response headers, and the status, headers and
 * body of a refused upgrade. Built on the npm `ws` package (which runs under Deno through
 * its Node compatibility), behind a small promise API: a bounded frame queue read with a
 * per-wait timeout and an abort signal, typed errors, and a close that waits until the
 * socket is released.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { loadWsWebSocket, WS_READY_STATE, type WsSocket } from "./_ws_package.ts";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import { errorFromHttpResponse } from "../errors/error_from_http_response.ts";
import { abortedError } from "./backoff.ts";
import { clampDelayMs } from "./timeout.ts";
import { redactUrl } from "./redact_url.ts";

/** One frame (or the end) read from a {@linkcode WebSocketConnection}. */
export type WebSocketFrame =
  | { type: "text"; data: string }
  | { type: "binary"; data: Uint8Array }
  /** The socket broke (a read error, an oversized frame); a `close` follows. */
  | { type: "error"; message: string }
  /**
   * The connection ended. `clean` is `true` when the peer sent a close frame, `false`
   * when the socket ended without one (code 1006).
   */
  | { type: "close"; code: number; reason: string; clean: boolean };

/** Hooks that see a connection's traffic (for recording); each is called synchronously. */
export interface WebSocketObserver {
  /** The handshake succeeded with these response headers. */
  open?(responseHeaders: Headers): void;
  /** A data frame went out (`client`) or came in (`server`). */
  frame?(from: "client" | "server", data: string | Uint8Array): void;
  /** The connection closed, at whose initiative. */
  close?(code: number, reason: string, by: "client" | "server"): void;
}

/** Options of {@linkcode connectWebSocket}. */
export interface ConnectWebSocketOptions {
  /** Handshake request headers. */
  headers?: HeadersInit;
  /** How long the handshake may take, in milliseconds. @default {15000} */
  connectTimeoutMs?: number;
  /** Cancels the handshake. */
  signal?: AbortSignal;
  /** The largest frame accepted, in bytes; a larger one breaks the connection. @default {64 * 1024 * 1024} */
  maxFrameBytes?: number;
  /** Offer `permessage-deflate`. @default {true} */
  perMessageDeflate?: boolean;
  /**
   * Stop reading from the socket while this many frames wait to be received, so a fast
   * server cannot grow memory without bound.
   * @default {4096}
   */
  maxQueuedFrames?: number;
  /** Sees the traffic (a tape recorder, for one). */
  observer?: WebSocketObserver;
  /**
   * The subprotocols to offer, sent as one `Sec-WebSocket-Protocol` header joined by
   * `", "` (the form every server splits). The chosen one is
   * {@linkcode WebSocketConnection.protocol}.
   */
  protocols?: readonly string[];
}

/** Options of {@linkcode WebSocketConnection.receive}. */
export interface ReceiveOptions {
  /** Fail with `idleTimeout` when no frame arrives within this many milliseconds (`Infinity`: never). */
  timeoutMs?: number;
  /** The message of that `idleTimeout` error. @default {"idle timeout waiting for websocket"} */
  timeoutMessage?: string;
  /** Cancels the wait with an `aborted` error (the connection stays as it is). */
  signal?: AbortSignal;
}

/** An open client WebSocket; see {@linkcode connectWebSocket}. */
export interface WebSocketConnection extends AsyncDisposable {
  /** The URL connected to. */
  readonly url: string;
  /** The headers of the server's `101 Switching Protocols` answer. */
  readonly responseHeaders: Headers;
  /** The subprotocol the server chose (empty for none). */
  readonly protocol: string;
  /** Whether frames can still be sent (no close seen or started). */
  readonly isOpen: boolean;
  /**
   * Sends one frame: a string as a text frame, bytes as a binary frame.
   *
   * @param text The frame.
   * @returns A promise that settles when the frame was handed to the socket.
   * @throws {CodexWireError} `stream` when the connection is closed or the write fails.
   */
  send(text: string | Uint8Array): Promise<void>;
  /**
   * Waits for frames and returns every frame queued so far, in order (at least one).
   * After the connection ended, returns its final `close` frame again on every call.
   *
   * @param options A timeout and a signal for this wait.
   * @returns The frames.
   * @throws {CodexWireError} `idleTimeout` or `aborted`; `usage` when two waits overlap.
   */
  receive(options?: ReceiveOptions): Promise<WebSocketFrame[]>;
  /**
   * Puts frames back at the front of the queue, for a reader that stopped part-way
   * through a batch (the rest belongs to whoever reads next).
   *
   * @param frames The frames, in their original order.
   */
  requeue(frames: readonly WebSocketFrame[]): void;
  /**
   * Starts the close handshake and waits for the socket to be released; after
   * `timeoutMs` without the peer's answer the socket is dropped. A code that cannot be
   * sent (1005, 1006, …) closes without a code.
   *
   * @param code The close code. @default {1000}
   * @param reason The close reason.
   * @returns A promise that resolves when the socket is released.
   */
  close(code?: number, reason?: string): Promise<void>;
  /**
   * Drops the connection at once, without a close handshake, and waits for the socket to
   * be released.
   *
   * @returns A promise that resolves when the socket is released.
   */
  terminate(): Promise<void>;
}

/** The default of {@linkcode ConnectWebSocketOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_QUEUED_FRAMES = 4096;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const CLOSE_WAIT_MS = 2_000;

/**
 * Opens a client WebSocket and resolves once the handshake succeeded.
 *
 * Failures are {@linkcode CodexWireError}s: an HTTP answer instead of the upgrade (426,
 * 404, 401, 5xx, …) is classified like any HTTP error and carries `status`, `headers`
 * and `body`; a refused connection, a DNS or TLS failure or a connection closed during
 * the handshake is a retryable `network` error; the connect timeout is a retryable
 * `network` error that says so; a fired signal is `aborted`. No socket outlives a failure.
 *
 * @param url A `ws:` or `wss:` URL.
 * @param options Headers, timeouts, limits and a signal.
 * @returns The open connection.
 *
 * @example Echo one frame through a loopback server
 * ```ts
 * import { connectWebSocket } from "./websocket_connector.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   socket.onmessage = (event) => socket.send(`echo ${event.data}`);
 *   response.headers.set("openai-model", "gpt-5");
 *   return response;
 * });
 * await using connection = await connectWebSocket(`ws://127.0.0.1:${server.addr.port}/v1/responses`);
 * assert.equal(connection.responseHeaders.get("openai-model"), "gpt-5");
 * await connection.send("hi");
 * assert.deepEqual(await connection.receive({ timeoutMs: 5000 }), [{ type: "text", data: "echo hi" }]);
 * ```
 */
export async function connectWebSocket(
  url: string,
  options: ConnectWebSocketOptions = {},
): Promise<WebSocketConnection> {
  const { signal } = options;
  if (signal?.aborted) throw abortedError(signal);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!(connectTimeoutMs > 0)) {
    throw new RangeError(
      `Cannot connect a WebSocket: connectTimeoutMs must be a positive number, got ${connectTimeoutMs}`,
    );
  }
  const WsWebSocket = await loadWsWebSocket();
  if (signal?.aborted) throw abortedError(signal);
  const where = redactUrl(url);
  const headers: Record<string, string> = {};
  new Headers(options.headers).forEach((value, name) => headers[name] = value);
  const protocols = [...options.protocols ?? []];
  let socket: WsSocket;
  try {
    socket = new WsWebSocket(url, protocols, {
      headers,
      perMessageDeflate: options.perMessageDeflate ?? true,
      maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      followRedirects: false,
      // `ws` joins the offer with "," alone, which some servers (Deno's among them) do not
      // split: send it joined with ", ".
      ...(protocols.length === 0 ? {} : {
        finishRequest(request) {
          request.setHeader("Sec-WebSocket-Protocol", protocols.join(", "));
          request.end();
        },
      }),
    });
  } catch (cause) {
    throw new CodexWireError(`Cannot connect to ${where}: ${messageOf(cause)}`, {
      kind: "network",
      cause,
    });
  }

  return await new Promise<WebSocketConnection>((resolve, reject) => {
    let failure: CodexWireError | undefined;
    let responseHeaders = new Headers();
    // Only the first failure counts; the socket is always dropped and its `close` awaited
    // before the promise rejects, so nothing outlives a failed connect.
    const fail = (error: CodexWireError) => {
      if (failure !== undefined) return;
      failure = error;
      if (socket.readyState !== WS_READY_STATE.CLOSED) socket.terminate();
    };
    const timer = setTimeout(
      () =>
        fail(
          new CodexWireError(
            `Cannot connect to ${where}: no handshake answer within ${connectTimeoutMs} ms`,
            { kind: "network", retryable: true },
          ),
        ),
      clampDelayMs(connectTimeoutMs),
    );
    const onAbort = () => fail(abortedError(signal!));
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.removeAllListeners();
    };

    socket.on("upgrade", (response) => {
      responseHeaders = headersOf(response.headers);
    });
    // Dropping the socket (in `fail`) also aborts the request of this answer.
    socket.on("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      const answerHeaders = headersOf(response.headers);
      readBody(response).then((body) => {
        fail(errorFromHttpResponse({ status, headers: answerHeaders, body, url }));
      });
    });
    socket.on("error", (cause) => {
      fail(
        new CodexWireError(`Cannot connect to ${where}: ${messageOf(cause)}`, {
          kind: "network",
          retryable: true,
          cause,
        }),
      );
    });
    socket.on("close", () => {
      settle();
      reject(
        failure ??
          new CodexWireError(`Cannot connect to ${where}: websocket closed`, {
            kind: "network",
            retryable: true,
          }),
      );
    });
    socket.on("open", () => {
      if (failure !== undefined) return;
      settle();
      resolve(
        new WsConnection(url, socket, responseHeaders, options.maxQueuedFrames, options.observer),
      );
    });
  });
}

class WsConnection implements WebSocketConnection {
  readonly url: string;
  readonly responseHeaders: Headers;
  #socket: WsSocket;
  #queue: WebSocketFrame[] = [];
  #end: WebSocketFrame | undefined;
  #waiter: ((frames: WebSocketFrame[] | Error) => void) | undefined;
  #released: Promise<void>;
  #maxQueued: number;
  #paused = false;
  #observer: WebSocketObserver | undefined;
  #closedBy: "client" | undefined;

  constructor(
    url: string,
    socket: WsSocket,
    headers: Headers,
    maxQueued: number | undefined,
    observer: WebSocketObserver | undefined,
  ) {
    this.url = url;
    this.responseHeaders = headers;
    this.#socket = socket;
    this.#maxQueued = maxQueued ?? DEFAULT_MAX_QUEUED_FRAMES;
    this.#observer = observer;
    observer?.open?.(headers);
    const released = Promise.withResolvers<void>();
    this.#released = released.promise;
    socket.on("message", (data, isBinary) => {
      const frame: WebSocketFrame = isBinary
        ? { type: "binary", data: new Uint8Array(toBuffer(data)) }
        : { type: "text", data: toBuffer(data).toString("utf8") };
      this.#observer?.frame?.("server", frame.data);
      this.#push(frame);
    });
    socket.on("error", (error) => this.#push({ type: "error", message: messageOf(error) }));
    socket.on("close", (code, reason) => {
      this.#end = { type: "close", code, reason: reason.toString("utf8"), clean: code !== 1006 };
      this.#observer?.close?.(code, this.#end.reason, this.#closedBy ?? "server");
      this.#push(this.#end);
      socket.removeAllListeners();
      released.resolve();
    });
  }

  get protocol(): string {
    return this.#socket.protocol;
  }

  get isOpen(): boolean {
    return this.#socket.readyState === WS_READY_STATE.OPEN;
  }

  send(text: string | Uint8Array): Promise<void> {
    if (this.#socket.readyState !== WS_READY_STATE.OPEN) {
      return Promise.reject(
        new CodexWireError("Cannot send on a closed websocket: open a new connection", {
          kind: "stream",
          retryable: true,
        }),
      );
    }
    this.#observer?.frame?.("client", text);
    return new Promise((resolve, reject) => {
      this.#socket.send(text, { binary: typeof text !== "string" }, (error) => {
        if (error === undefined || error === null) return resolve();
        reject(
          new CodexWireError(`Cannot send on the websocket: ${messageOf(error)}`, {
            kind: "stream",
            retryable: true,
            cause: error,
          }),
        );
      });
    });
  }

  receive(options: ReceiveOptions = {}): Promise<WebSocketFrame[]> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    if (this.#queue.length > 0) return Promise.resolve(this.#take());
    if (this.#end !== undefined) return Promise.resolve([this.#end]);
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new CodexWireError("Cannot wait twice at once on one websocket: await the first wait", {
          kind: "usage",
        }),
      );
    }
    return new Promise<WebSocketFrame[]>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (outcome: WebSocketFrame[] | Error) => {
        this.#waiter = undefined;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onAbort = () => finish(abortedError(signal!));
      this.#waiter = finish;
      signal?.addEventListener("abort", onAbort, { once: true });
      if (options.timeoutMs !== undefined && options.timeoutMs !== Infinity) {
        timer = setTimeout(
          () =>
            finish(
              new CodexWireError(options.timeoutMessage ?? "idle timeout waiting for websocket", {
                kind: "idleTimeout",
                retryable: true,
              }),
            ),
          clampDelayMs(options.timeoutMs),
        );
      }
    });
  }

  requeue(frames: readonly WebSocketFrame[]): void {
    if (frames.length === 0) return;
    // The final close frame is kept separately and returned again anyway.
    this.#queue = [...frames.filter((frame) => frame !== this.#end), ...this.#queue];
  }

  async close(code = 1000, reason = ""): Promise<void> {
    const socket = this.#socket;
    if (socket.readyState === WS_READY_STATE.OPEN) {
      this.#closedBy ??= "client";
      try {
        socket.close(code, reason);
      } catch {
        // A code that may not be sent (1005, 1006): close without one.
        socket.close();
      }
    }
    if (socket.readyState === WS_READY_STATE.CLOSED) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) =>
      timer = setTimeout(resolve, CLOSE_WAIT_MS, "late")
    );
    try {
      if (await Promise.race([this.#released, late]) === "late") await this.terminate();
    } finally {
      clearTimeout(timer);
    }
  }

  async terminate(): Promise<void> {
    if (this.#socket.readyState !== WS_READY_STATE.CLOSED) {
      this.#closedBy ??= "client";
      this.#socket.terminate();
    }
    await this.#released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #push(frame: WebSocketFrame): void {
    this.#queue.push(frame);
    if (this.#waiter !== undefined) {
      this.#waiter(this.#take());
      return;
    }
    if (!this.#paused && this.#queue.length >= this.#maxQueued && this.#end === undefined) {
      // Backpressure: stop reading the socket until the consumer catches up.
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #take(): WebSocketFrame[] {
    const frames = this.#queue;
    this.#queue = [];
    if (this.#paused) {
      this.#paused = false;
      if (this.#end === undefined) this.#socket.resume();
    }
    return frames;
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

// Node's incoming header object → Headers; repeated headers arrive as arrays.
function headersOf(values: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    try {
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
    } catch {
      // A value Headers rejects cannot be shown faithfully; the rest still is.
    }
  }
  return headers;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
    response.on("data", (chunk: Buffer) => {
      // Bounded: an error page is quoted, not stored whole.
      if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_ERROR_BODY_BYTES - size));
      size += chunk.length;
    });
    response.on("end", done);
    response.on("error", done);
    response.on("close", done);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
