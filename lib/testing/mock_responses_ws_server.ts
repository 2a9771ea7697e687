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
import { WebSocketScripts } from "./_websocket_scripts.ts";
import { LoopbackServer } from "../tape/_loopback_server.ts";
import { mockJsonError } from "./_mock_error.ts";

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

/** The scripted WebSocket connections of a mock server and what they recorded. */
export interface MockWebSocketScripts {
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
}

/** A running scripted WebSocket server; close it with `close()` or `await using`. */
export interface MockResponsesWebSocketServer extends MockWebSocketScripts, AsyncDisposable {
  /** The HTTP base URL, such as `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  /** The WebSocket URL of the responses endpoint, such as `ws://127.0.0.1:41234/v1/responses`. */
  readonly websocketUrl: string;
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

class ScriptedWebSocketServer implements MockResponsesWebSocketServer {
  readonly url: string;
  readonly websocketUrl: string;
  #scripts: WebSocketScripts;
  #server: LoopbackServer;

  constructor(port: number) {
    this.#scripts = new WebSocketScripts(() => this.websocketUrl);
    this.#server = new LoopbackServer({
      port,
      beforeShutdown: () => this.#scripts.close(),
      onError: (error) => {
        // deno-lint-ignore no-console
        console.error("The mock responses WebSocket server failed:", error);
        return new Response("mock failure", { status: 500 });
      },
    }, (request) => {
      const path = new URL(request.url).pathname;
      if (!path.endsWith("/responses")) {
        return mockJsonError(404, "mock_not_found", `The mock has no route for ${path}`);
      }
      return this.#scripts.handle(request);
    });
    const host = `127.0.0.1:${this.#server.port}`;
    this.url = `http://${host}/v1`;
    this.websocketUrl = `ws://${host}/v1/responses`;
  }

  get connections(): RecordedWebSocketConnection[] {
    return this.#scripts.connections;
  }

  get requests(): unknown[] {
    return this.#scripts.requests;
  }

  get pendingConnections(): number {
    return this.#scripts.pendingConnections;
  }

  enqueue(...connections: MockWebSocketConnection[]): void {
    this.#scripts.enqueue(...connections);
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
