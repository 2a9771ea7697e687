/**
 * The part of the npm `ws` client this library uses, typed here so that no `@types`
 * package (and the Node type tree it pulls in) enters the published type graph.
 *
 * @module
 */

import WsWebSocket from "ws";
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

/** The `ws` class with its state constants. */
export const WsWebSocketClass: {
  new (url: string, protocols: string[], options: WsClientOptions): WsSocket;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSING: number;
  readonly CLOSED: number;
} = WsWebSocket;
