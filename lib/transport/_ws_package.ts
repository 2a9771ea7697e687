/**
 * The part of the npm `ws` client this library uses, typed here so that no `@types`
 * package (and the Node type tree it pulls in) enters the published type graph.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import type { ClientRequest, IncomingMessage } from "node:http";

/** The `ws` client socket, as far as the connector uses it. */
export interface WsSocket {
  readonly readyState: number;
  /** The subprotocol the server chose (empty for none). */
  readonly protocol: string;
  send(
    data: string | Uint8Array,
    options: { binary: boolean },
    callback: (error?: Error | null) => void,
  ): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  removeAllListeners(): void;
  on(event: "upgrade", listener: (response: IncomingMessage) => void): void;
  on(
    event: "unexpected-response",
    listener: (request: ClientRequest, response: IncomingMessage) => void,
  ): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "open", listener: () => void): void;
  on(event: "close", listener: (code: number, reason: Buffer) => void): void;
  on(
    event: "message",
    listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void,
  ): void;
}

/** The constructor options the connector passes. */
export interface WsClientOptions {
  headers: Record<string, string>;
  perMessageDeflate: boolean;
  maxPayload: number;
  followRedirects: boolean;
  /** Called with the handshake request before it is sent; must end it. */
  finishRequest?: (request: ClientRequest) => void;
}

/** The ready states of a `ws` socket (the WebSocket standard's). */
export const WS_READY_STATE = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** The `ws` client class, as far as the connector uses it. */
export type WsWebSocketClass = new (
  url: string,
  protocols: string[],
  options: WsClientOptions,
) => WsSocket;

let loading: Promise<WsWebSocketClass> | undefined;

/**
 * The `ws` client class, loaded on the first connection: it pulls in Node's `http`,
 * `net` and `tls` (about 70 ms), which a program that never opens a WebSocket does not
 * pay when it imports the library.
 *
 * @returns The class.
 */
export function loadWsWebSocket(): Promise<WsWebSocketClass> {
  return loading ??= import("ws").then((module) => module.default as unknown as WsWebSocketClass);
}
