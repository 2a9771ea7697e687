/**
 * {@linkcode startRealtimeMockServer}: a scripted realtime WebSocket server on loopback
 * (`Deno.serve` + `Deno.upgradeWebSocket`). Each connection runs its own script (frames to
 * send, client frames to wait for, delays, a close with a code, or a refused upgrade), and
 * the server records every handshake (URL, headers) and every client frame.
 *
 * @module
 */

import { LoopbackServer, settleWithin } from "../tape/_loopback_server.ts";

/** A client frame the mock server received. */
export interface RealtimeMockFrame {
  /** The frame's text (binary frames are recorded as `undefined` text). */
  text: string | undefined;
  /** The parsed JSON, when the text was JSON. */
  json: unknown;
  /** The JSON's `type`, when it had a string one. */
  type: string | undefined;
}

/** One step of a connection's script. */
export type RealtimeMockStep =
  | { send: unknown }
  | { sendBinary: Uint8Array }
  | { waitFor: string; count?: number }
  | { delayMs: number }
  | { close: number; reason?: string };

/** What the mock server does with one connection. */
export interface RealtimeMockScript {
  /** Refuse the upgrade with this HTTP status (the steps do not run). */
  rejectStatus?: number;
  /** The body of a refused upgrade. */
  rejectBody?: string;
  /** The steps, in order, once the socket is open. A JSON value is sent as JSON text. */
  steps?: readonly RealtimeMockStep[];
  /** Called with each client frame after it is recorded; may send replies. */
  onFrame?: (frame: RealtimeMockFrame, connection: RealtimeMockConnection) => void;
}

/** Options of {@linkcode startRealtimeMockServer}. */
export interface RealtimeMockServerOptions {
  /** Scripts for successive connections; later connections use `defaultScript`. */
  scripts?: readonly RealtimeMockScript[];
  /** The script of connections beyond `scripts`. @default {{}} (accept, then only record) */
  defaultScript?: RealtimeMockScript;
  /** How long a `waitFor` step (or a test's `waitForFrame`) may wait. @default {10000} */
  waitTimeoutMs?: number;
  /** Parse client frames as JSON (turn off for raw-throughput benchmarks). @default {true} */
  parseFrames?: boolean;
  /**
   * Keep every client frame in `frames` (turn off for long benchmarks, so memory stays
   * flat; `frameCount` still counts them).
   *
   * @default {true}
   */
  recordFrames?: boolean;
}

/**
 * One accepted (or refused) connection of the mock server.
 */
export interface RealtimeMockConnection {
  /** The connection's index, from 0. */
  readonly index: number;
  /** The request path and query, such as `/v1/realtime?model=gpt-realtime-1.5`. */
  readonly path: string;
  /** The handshake request headers. */
  readonly headers: Headers;
  /** The client frames so far. */
  readonly frames: readonly RealtimeMockFrame[];
  /** How many client frames arrived (also when they are not recorded). */
  readonly frameCount: number;
  /** The close code once the socket closed (1005 when none was given). */
  readonly closeCode: number | undefined;
  /** Whether the upgrade was refused. */
  readonly rejected: boolean;
  /**
   * Sends a frame: a JSON value as JSON text, a string as it is.
   *
   * @param frame The frame.
   */
  send(frame: unknown): void;
  /**
   * Sends a binary frame.
   *
   * @param bytes The bytes.
   */
  sendBinary(bytes: Uint8Array): void;
  /**
   * Closes the socket from the server's side.
   *
   * @param code The close code.
   * @param reason The reason.
   */
  close(code?: number, reason?: string): void;
  /**
   * Waits until `count` client frames of this type arrived.
   *
   * @param type The frame type.
   * @param count How many. @default {1}
   * @returns The matching frames.
   */
  waitForFrame(type: string, count?: number): Promise<RealtimeMockFrame[]>;
  /**
   * Waits until the socket is closed.
   *
   * @returns The close code.
   */
  waitClosed(): Promise<number>;
}

/** A running mock server. */
export interface RealtimeMockServer extends AsyncDisposable {
  /** The base URL, such as `http://127.0.0.1:PORT/v1` (give it to `connectRealtime`). */
  readonly url: string;
  /** The port. */
  readonly port: number;
  /** The connections so far, in order. */
  readonly connections: readonly RealtimeMockConnection[];
  /**
   * Waits until connection `index` exists.
   *
   * @param index The connection's index.
   * @returns The connection.
   */
  waitForConnection(index: number): Promise<RealtimeMockConnection>;
  /** Closes every socket and stops the server. */
  close(): Promise<void>;
}

class MockConnection implements RealtimeMockConnection {
  readonly index: number;
  readonly path: string;
  readonly headers: Headers;
  readonly frames: RealtimeMockFrame[] = [];
  frameCount = 0;
  record = true;
  closeCode: number | undefined;
  rejected = false;
  socket: WebSocket | undefined;
  #listeners = new Set<() => void>();
  #timeoutMs: number;
  #closed: Promise<number>;
  #resolveClosed!: (code: number) => void;

  constructor(index: number, path: string, headers: Headers, timeoutMs: number) {
    this.index = index;
    this.path = path;
    this.headers = headers;
    this.#timeoutMs = timeoutMs;
    this.#closed = new Promise((resolve) => this.#resolveClosed = resolve);
  }

  markClosed(code: number): void {
    this.closeCode = code;
    this.#resolveClosed(code);
    this.#notify();
  }

  add(frame: RealtimeMockFrame): void {
    this.frameCount++;
    if (!this.record) return;
    this.frames.push(frame);
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  send(frame: unknown): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  sendBinary(bytes: Uint8Array): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(bytes);
  }

  close(code = 1000, reason = ""): void {
    if (this.socket === undefined) return;
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === 0) {
      this.socket.close(code, reason);
    }
  }

  waitForFrame(type: string, count = 1): Promise<RealtimeMockFrame[]> {
    const matching = () => this.frames.filter((frame) => frame.type === type);
    return this.#until(
      () => matching().length >= count ? matching() : undefined,
      `${count} "${type}" frame(s)`,
    );
  }

  waitClosed(): Promise<number> {
    return this.#until(() => this.closeCode, "the socket to close");
  }

  get closed(): Promise<number> {
    return this.#closed;
  }

  #until<T>(check: () => T | undefined, what: string): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    if (this.closeCode !== undefined) {
      // Nothing more can arrive on a closed socket.
      return Promise.reject(
        new Error(`Mock connection ${this.index} closed while waiting for ${what}`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.closeCode !== undefined) {
          done();
          reject(new Error(`Mock connection ${this.index} closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Mock connection ${this.index} waited ${this.#timeoutMs} ms for ${what}`));
      }, this.#timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
    });
  }
}

/**
 * Starts a scripted realtime WebSocket server on 127.0.0.1 (a free port).
 *
 * @param options The per-connection scripts and timeouts.
 * @returns The running server; close it (or use `await using`).
 *
 * @example Usage
 * ```ts
 * import { startRealtimeMockServer } from "./realtime_mock_server.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startRealtimeMockServer({
 *   scripts: [{ steps: [{ send: { type: "session.updated", session: { id: "sess_1" } } }] }],
 * });
 * const socket = new WebSocket(server.url.replace("http", "ws") + "/realtime");
 * const first = await new Promise((resolve) => socket.onmessage = (event) => resolve(event.data));
 * assert.equal(JSON.parse(first as string).session.id, "sess_1");
 * socket.close();
 * await (await server.waitForConnection(0)).waitClosed();
 * ```
 */
export function startRealtimeMockServer(
  options: RealtimeMockServerOptions = {},
): Promise<RealtimeMockServer> {
  const timeoutMs = options.waitTimeoutMs ?? 10_000;
  const parseFrames = options.parseFrames ?? true;
  const connections: MockConnection[] = [];
  const connectionListeners = new Set<() => void>();
  const tasks = new Set<Promise<void>>();

  function scriptFor(index: number): RealtimeMockScript {
    return options.scripts?.[index] ?? options.defaultScript ?? {};
  }

  async function runSteps(connection: MockConnection, steps: readonly RealtimeMockStep[]) {
    for (const step of steps) {
      if (connection.closeCode !== undefined) return;
      if ("send" in step) connection.send(step.send);
      else if ("sendBinary" in step) connection.sendBinary(step.sendBinary);
      else if ("waitFor" in step) await connection.waitForFrame(step.waitFor, step.count ?? 1);
      else if ("delayMs" in step) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
      else if ("close" in step) connection.close(step.close, step.reason ?? "");
    }
  }

  const server = new LoopbackServer({
    beforeShutdown: async () => {
      for (const connection of connections) connection.close(1001, "server shutting down");
      await Promise.all(connections.map((connection) => settleWithin(connection.closed, 2_000)));
      await Promise.allSettled([...tasks]);
    },
  }, (request) => {
    const url = new URL(request.url);
    const index = connections.length;
    const connection = new MockConnection(
      index,
      `${url.pathname}${url.search}`,
      new Headers(request.headers),
      timeoutMs,
    );
    connection.record = options.recordFrames ?? true;
    connections.push(connection);
    for (const listener of [...connectionListeners]) listener();
    const script = scriptFor(index);
    if (script.rejectStatus !== undefined || request.headers.get("upgrade") !== "websocket") {
      connection.rejected = true;
      connection.markClosed(1006);
      return new Response(script.rejectBody ?? "upgrade refused", {
        status: script.rejectStatus ?? 426,
      });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    connection.socket = socket;
    socket.onmessage = (event) => {
      const text = typeof event.data === "string" ? event.data : undefined;
      let json: unknown;
      let type: string | undefined;
      if (text !== undefined && parseFrames) {
        try {
          json = JSON.parse(text);
          const tag = (json as { type?: unknown } | null)?.type;
          if (typeof tag === "string") type = tag;
        } catch {
          // Recorded as text only.
        }
      }
      const frame = { text, json, type };
      connection.add(frame);
      script.onFrame?.(frame, connection);
    };
    socket.onclose = (event) => connection.markClosed(event.code);
    socket.onerror = () => {};
    socket.onopen = () => {
      const task = runSteps(connection, script.steps ?? []).catch(() => {
        // A step that waited in vain: the test sees the missing frames in `frames`.
      });
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    };
    return response;
  });

  const port = server.port;
  const mock: RealtimeMockServer = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    connections,
    waitForConnection(index: number): Promise<RealtimeMockConnection> {
      if (connections[index] !== undefined) return Promise.resolve(connections[index]);
      return new Promise((resolve, reject) => {
        const listener = () => {
          if (connections[index] === undefined) return;
          clearTimeout(timer);
          connectionListeners.delete(listener);
          resolve(connections[index]);
        };
        const timer = setTimeout(() => {
          connectionListeners.delete(listener);
          reject(new Error(`No mock connection ${index} within ${timeoutMs} ms`));
        }, timeoutMs);
        connectionListeners.add(listener);
      });
    },
    close(): Promise<void> {
      return server.close();
    },
    [Symbol.asyncDispose](): Promise<void> {
      return mock.close();
    },
  };
  return Promise.resolve(mock);
}
