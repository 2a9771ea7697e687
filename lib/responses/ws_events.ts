/**
 * Events only the WebSocket transport produces: steering acknowledgements, a response
 * ended by steering, and the switch to HTTP.
 *
 * @module
 */

import type { CodexWireError } from "../errors/codex_wire_error.ts";

/** The server took a `response.steer` into the active response (`response.steer.accepted`). */
export interface SteerAcceptedEvent {
  /** The tag. */
  type: "steerAccepted";
  /** The wire event as the server sent it. */
  event: { type: string; [key: string]: unknown };
}

/**
 * The server holds a steer until owed tool output arrives (`response.steer.pending`,
 * which comes after `response.completed`).
 */
export interface SteerPendingEvent {
  /** The tag. */
  type: "steerPending";
  /** The inputs the server still needs (`required_input`), as sent; empty when none. */
  requiredInput: unknown[];
  /** The wire event as the server sent it. */
  event: { type: string; [key: string]: unknown };
}

/** The server refused a steer (`response.steer.failed`); the response goes on unchanged. */
export interface SteerFailedEvent {
  /** The tag. */
  type: "steerFailed";
  /** The server's message, or a generic one. */
  message: string;
  /** The wire event as the server sent it. */
  event: { type: string; [key: string]: unknown };
}

/**
 * The active response ended early because it was steered (`response.incomplete` with
 * reason `steered`); the server's next response on the same connection carries on, and
 * its events follow in the same stream.
 */
export interface SteeredEvent {
  /** The tag. */
  type: "steered";
  /** The id of the response that was cut short, when known. */
  responseId?: string;
}

/**
 * The client gave up on WebSocket and sends this request, and (when the fallback is
 * sticky) every later one, over HTTP.
 */
export interface TransportFallbackEvent {
  /** The tag. */
  type: "transportFallback";
  /** The transport left. */
  from: "websocket";
  /** The transport used from now on. */
  to: "sse";
  /** "Falling back from WebSockets to HTTPS transport. <reason>" */
  message: string;
  /** What made the client fall back. */
  error: CodexWireError;
}

/** An event only the WebSocket transport produces. */
export type WebSocketOnlyEvent =
  | SteerAcceptedEvent
  | SteerPendingEvent
  | SteerFailedEvent
  | SteeredEvent
  | TransportFallbackEvent;
