/**
 * A scripted Responses server over WebSocket on loopback: a queue of connections, each
 * answering the client's frames in order with scripted frames (paced like the SSE mock's
 * chunks), with handshake headers, refusals, accept delays, server-initiated frames and
 * closes, and a record of every handshake and frame.
 *
 * @module
 */

import type { RecordedRequest } from "./mock_responses_server.ts";
import type { WireEventLike } from "./sse_encoding.ts";
import { type Pacing, toPacing, waitForPacing } from "./_pacing.ts";

/**
 * A frame that is not a plain wire event: raw text, binary data or a close, or an event
 * held back by a gate or a delay. Set exactly one of `event`, `text`, `binary`, `close`.
 */
export interface MockWebSocketControlFrame {
  /** A wire event, sent as JSON text. */
  event?: WireEventLike;
  /** A text frame sent exactly as given (it need not be JSON). */
  text?: string;
  /** A binary frame. */
  binary?: Uint8Array;
  /** Close the connection with this code and reason. */
  close?: { code?: number; reason?: string };
  /** Milliseconds to wait before sending, counted after the gate. @default {0} */
  delayMs?: number;
  /** A promise that holds the frame back until it resolves; a rejection closes with 1011. */
  gate?: Promise<unknown>;
}

/** One scripted frame: a wire event (sent as JSON text) or a {@linkcode MockWebSocketControlFrame}. */
export type MockWebSocketFrame = WireEventLike | MockWebSocketControlFrame;

/** One scripted connection. */
export interface MockWebSocketConnection {
  /**
   * Refuse the upgrade with this HTTP status (100–599 but 101) instead of accepting it.
   */
  status?: number;
  /** The body of a refusal. */
  body?: string;
  /** The handshake answer's headers (or the refusal's). */
  headers?: HeadersInit;
  /** Milliseconds to wait before answering the handshake. @default {0} */
  acceptDelayMs?: number;
  /** A promise that holds the handshake answer back until it resolves. */
  acceptGate?: Promise<unknown>;
  /** Frames the server sends on its own right after the handshake. */
  onOpen?: readonly MockWebSocketFrame[];
  /**
   * The answers to the client's frames, in order: the n-th text frame the client sends is
   * answered with `responses[n]`. A frame beyond the script gets a wrapped 500 `error`
   * frame that says so.
   */
  responses?: readonly (readonly MockWebSocketFrame[])[];
  /**
   * Close (code 1000) once this many client frames have been answered.
   * @default {undefined} (keep the connection open)
   */
  closeAfterRequests?: number;
}

/** A client frame the server received. */
export interface RecordedWebSocketFrame {
  /** The frame text (binary frames are decoded as UTF-8). */
  text: string;
  /** The text parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
}

/** One connection as the server saw it. */
export interface RecordedWebSocketConnection {
  /** The handshake request (method `GET`, an empty body). */
  handshake: RecordedRequest;
  /** Whether the upgrade was accepted. */
  accepted: boolean;
  /** The client's frames, in order. */
  frames: RecordedWebSocketFrame[];
  /** How the connection ended, once it did. */
  closed?: { code: number; reason: string };
}

/** Options of {@linkcode startMockResponsesWebSocketServer}. */
export interface MockResponsesWebSocketServerOptions {
  /** The port on 127.0.0.1; 0 picks a free one. @default {0} */
  port?: number;
  /** Connections to queue at once. */
  connections?: readonly MockWebSocketConnection[];
}

/** A running scripted WebSocket server; close it with `close()` or `await using`. */
export interface MockResponsesWebSocketServer extends AsyncDisposable {
  /** The HTTP base URL, such as `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  /** The WebSocket URL of the responses endpoint, such as `ws://127.0.0.1:41234/v1/responses`. */
  readonly websocketUrl: string;
  /** Every connection attempt so far, in order. */
  readonly connections: RecordedWebSocketConnection[];
  /** The parsed JSON of every client frame, across connections, in order. */
  readonly requests: unknown[];
  /** How many queued connections are still waiting for a handshake. */
  readonly pendingConnections: number;
  /**
   * Appends connections to the queue; each handshake on `…/responses` takes the oldest.
   * When the queue is empty a handshake is refused with 500.
   *
   * @param connections The scripted connections.
   * @throws {TypeError} When a frame is malformed.
   * @throws {RangeError} When a status, delay or count is out of range.
   */
  enqueue(...connections: MockWebSocketConnection[]): void;
  /**
   * Closes every open connection (code 1001) and stops the server.
   *
   * @returns A promise that resolves once everything is released.
   */
  close(): Promise<void>;
}

/**
 * Starts a scripted Responses WebSocket server on 127.0.0.1. It upgrades `GET
 * <any prefix>/responses`, answers 404 for other paths and 426 for plain HTTP requests.
 *
 * @param options The port and the connections to queue at once.
 * @returns The running server.
 *
 * @example One connection, one request, one response
 * ```ts
 * import { startMockResponsesWebSocketServer } from "./mock_responses_ws_server.ts";
 * import { completedEvent, createdEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startMockResponsesWebSocketServer({
 *   connections: [{
 *     headers: { "openai-model": "gpt-5" },
 *     responses: [[createdEvent("resp-1"), completedEvent("resp-1")]],
 *   }],
 * });
 * const socket = new WebSocket(server.websocketUrl);
 * const received: string[] = [];
 * const done = Promise.withResolvers<void>();
 * socket.onopen = () => socket.send(JSON.stringify({ type: "response.create", model: "gpt-5" }));
 * socket.onmessage = (event) => {
 *   received.push(JSON.parse(event.data).type);
 *   if (received.length === 2) socket.close();
 * };
 * socket.onclose = () => done.resolve();
 * await done.promise;
 * assert.deepEqual(received, ["response.created", "response.completed"]);
 * assert.deepEqual(server.requests, [{ type: "response.create", model: "gpt-5" }]);
 * ```
 */
export function startMockResponsesWebSocketServer(
  options: MockResponsesWebSocketServerOptions = {},
): Promise<MockResponsesWebSocketServer> {
  try {
    const server = new ScriptedWebSocketServer(options.port ?? 0);
    if (options.connections !== undefined) server.enqueue(...options.connections);
    return Promise.resolve(server);
  } catch (error) {
    return Promise.reject(error);
  }
}

type Step =
  | { kind: "text"; data: string; pacing: Pacing }
  | { kind: "binary"; data: Uint8Array<ArrayBuffer>; pacing: Pacing }
  | { kind: "close"; code: number; reason: string; pacing: Pacing };

interface ConnectionScript {
  status: number | undefined;
  body: string | undefined;
  headers: Headers;
  accept: Pacing;
  onOpen: Step[];
  responses: Step[][];
  closeAfterRequests: number | undefined;
}

class ScriptedWebSocketServer implements MockResponsesWebSocketServer {
  readonly url: string;
  readonly websocketUrl: string;
  readonly connections: RecordedWebSocketConnection[] = [];
  #queue: ConnectionScript[] = [];
  #server: Deno.HttpServer<Deno.NetAddr>;
  #closing = new AbortController();
  #sockets = new Set<{ socket: WebSocket; closed: Promise<void> }>();
  #closed: Promise<void> | undefined;

  constructor(port: number) {
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port,
      onListen() {},
      onError: (error) => {
        // deno-lint-ignore no-console
        console.error("The mock responses WebSocket server failed:", error);
        return new Response("mock failure", { status: 500 });
      },
    }, (request) => this.#handle(request));
    const host = `127.0.0.1:${this.#server.addr.port}`;
    this.url = `http://${host}/v1`;
    this.websocketUrl = `ws://${host}/v1/responses`;
  }

  get requests(): unknown[] {
    return this.connections.flatMap((connection) => connection.frames.map((frame) => frame.json));
  }

  get pendingConnections(): number {
    return this.#queue.length;
  }

  enqueue(...connections: MockWebSocketConnection[]): void {
    const scripts = connections.map((connection, index) => toScript(connection, index));
    this.#queue.push(...scripts);
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    this.#closing.abort();
    for (const { socket } of this.#sockets) {
      if (socket.readyState === WebSocket.OPEN) socket.close(1001, "mock server closing");
    }
    await Promise.all([...this.#sockets].map(({ closed }) => closed));
    await this.#server.shutdown();
    await this.#server.finished;
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const record: RecordedWebSocketConnection = {
      handshake: {
        method: request.method,
        url: request.url,
        path: url.pathname,
        headers: new Headers(request.headers),
        body: new Uint8Array(),
        bodyText: "",
        json: undefined,
        contentEncoding: request.headers.get("content-encoding"),
      },
      accepted: false,
      frames: [],
    };
    this.connections.push(record);
    if (!url.pathname.endsWith("/responses")) {
      return jsonError(404, "mock_not_found", `The mock has no route for ${url.pathname}`);
    }
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return jsonError(
        426,
        "mock_upgrade_required",
        `The mock responses WebSocket server only upgrades: connect to ${this.websocketUrl}`,
      );
    }
    const script = this.#queue.shift();
    if (script === undefined) {
      return jsonError(
        500,
        "mock_queue_empty",
        `No scripted connection is left (handshake ${this.connections.length}): enqueue one more with server.enqueue()`,
      );
    }
    const signal = this.#closing.signal;
    if (!await waitForPacing(script.accept, signal).catch(() => false)) {
      return jsonError(503, "mock_closing", "The mock server is closing");
    }
    if (script.status !== undefined) {
      return new Response(script.body ?? null, { status: script.status, headers: script.headers });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    script.headers.forEach((value, name) => response.headers.set(name, value));
    record.accepted = true;
    this.#serve(socket, script, record);
    return response;
  }

  #serve(socket: WebSocket, script: ConnectionScript, record: RecordedWebSocketConnection): void {
    const gone = new AbortController();
    const signal = AbortSignal.any([this.#closing.signal, gone.signal]);
    const closed = Promise.withResolvers<void>();
    const entry = { socket, closed: closed.promise };
    this.#sockets.add(entry);
    let answered = 0;
    let chain = Promise.resolve();
    const run = (steps: readonly Step[]) => {
      chain = chain.then(() => play(socket, steps, signal));
    };
    socket.onopen = () => run(script.onOpen);
    socket.onmessage = (event) => {
      const text = typeof event.data === "string"
        ? event.data
        : new TextDecoder().decode(event.data as ArrayBuffer);
      record.frames.push({ text, json: parseJson(text) });
      const index = answered++;
      run(script.responses[index] ?? queueEmptySteps(index));
      if (script.closeAfterRequests !== undefined && answered === script.closeAfterRequests) {
        run([{ kind: "close", code: 1000, reason: "", pacing: { delayMs: 0, gate: undefined } }]);
      }
    };
    socket.onclose = (event) => {
      record.closed = { code: event.code, reason: event.reason };
      gone.abort();
      this.#sockets.delete(entry);
      closed.resolve();
    };
    socket.onerror = () => {};
  }
}

async function play(socket: WebSocket, steps: readonly Step[], signal: AbortSignal): Promise<void> {
  for (const step of steps) {
    try {
      if (!await waitForPacing(step.pacing, signal)) return;
    } catch {
      // A rejected gate breaks the connection off, as it breaks an SSE body off.
      if (socket.readyState === WebSocket.OPEN) socket.close(1011, "mock gate rejected");
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    if (step.kind === "close") {
      socket.close(step.code, step.reason);
      return;
    }
    socket.send(step.data);
  }
}

function queueEmptySteps(index: number): Step[] {
  return [{
    kind: "text",
    data: JSON.stringify({
      type: "error",
      status: 500,
      error: {
        type: "mock_server_error",
        code: "mock_queue_empty",
        message:
          `No scripted response is left for client frame ${index} on this connection: add one to responses`,
      },
    }),
    pacing: { delayMs: 0, gate: undefined },
  }];
}

function toScript(connection: MockWebSocketConnection, index: number): ConnectionScript {
  const where = `Cannot enqueue mock WebSocket connection ${index}`;
  const { status } = connection;
  if (
    status !== undefined &&
    (!Number.isInteger(status) || status < 100 || status > 599 || status === 101)
  ) {
    throw new RangeError(
      `${where}: status must be an integer from 100 to 599 other than 101, got ${status}`,
    );
  }
  const { closeAfterRequests } = connection;
  if (
    closeAfterRequests !== undefined &&
    (!Number.isInteger(closeAfterRequests) || closeAfterRequests < 1)
  ) {
    throw new RangeError(
      `${where}: closeAfterRequests must be a positive integer, got ${closeAfterRequests}`,
    );
  }
  return {
    status,
    body: connection.body,
    headers: new Headers(connection.headers),
    accept: toPacing(
      { delayMs: connection.acceptDelayMs, gate: connection.acceptGate },
      `${where}, accept`,
    ),
    onOpen: (connection.onOpen ?? []).map((frame, i) => toStep(frame, `${where}, onOpen ${i}`)),
    responses: (connection.responses ?? []).map((frames, r) =>
      frames.map((frame, i) => toStep(frame, `${where}, response ${r} frame ${i}`))
    ),
    closeAfterRequests,
  };
}

function toStep(frame: MockWebSocketFrame, where: string): Step {
  if (typeof frame !== "object" || frame === null) {
    throw new TypeError(`${where}: a frame must be a wire event or a control frame object`);
  }
  if (typeof (frame as { type?: unknown }).type === "string") {
    return { kind: "text", data: JSON.stringify(frame), pacing: { delayMs: 0, gate: undefined } };
  }
  const control = frame as MockWebSocketControlFrame;
  const set = [control.event, control.text, control.binary, control.close]
    .filter((value) => value !== undefined).length;
  if (set !== 1) {
    throw new TypeError(
      `${where}: a frame without a string type must set exactly one of event, text, binary, close`,
    );
  }
  const pacing = toPacing(control, where);
  if (control.event !== undefined) {
    if (typeof control.event.type !== "string") {
      throw new TypeError(`${where}: event must have a string type`);
    }
    return { kind: "text", data: JSON.stringify(control.event), pacing };
  }
  if (control.text !== undefined) return { kind: "text", data: control.text, pacing };
  if (control.binary !== undefined) {
    return { kind: "binary", data: control.binary.slice(), pacing };
  }
  const code = control.close!.code ?? 1000;
  if (code !== 1000 && (code < 3000 || code > 4999)) {
    throw new RangeError(`${where}: a close code must be 1000 or 3000–4999, got ${code}`);
  }
  return { kind: "close", code, reason: control.close!.reason ?? "", pacing };
}

function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: { message, type: "mock_server_error", code } }, { status });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
