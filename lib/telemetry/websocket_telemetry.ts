/**
 * Telemetry hooks of the WebSocket transport: the handshake, each request frame sent,
 * each wait for a frame, and the server's `responsesapi.websocket_timing` metrics.
 *
 * @module
 */

import type { CodexWireError } from "../errors/codex_wire_error.ts";

/** One handshake, reported when it succeeded or failed. */
export interface WebSocketConnectTelemetry {
  /** The WebSocket URL, without its query. */
  url: string;
  /** The HTTP status of a refused upgrade. */
  status?: number;
  /** The error, when the handshake failed. */
  error?: CodexWireError;
  /** How long the handshake took, in milliseconds. */
  durationMs: number;
}

/** One request frame sent. */
export interface WebSocketRequestTelemetry {
  /** How long sending took, in milliseconds. */
  durationMs: number;
  /** The error, when sending failed. */
  error?: CodexWireError;
  /** `false` for the first request on a fresh connection, `true` after that. */
  connectionReused: boolean;
}

/** One wait for a frame and its outcome (pings and pongs are not reported). */
export interface WebSocketEventTelemetry {
  /** The JSON `type`, else `parse_error`, `binary`, `close` or `error`. */
  kind: string;
  /** `false` for bad JSON, an error frame, `response.failed`, binary, close and stream errors. */
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
  /** How long the wait took, in milliseconds. */
  durationMs: number;
}

/** The durations of a `responsesapi.websocket_timing` frame, in milliseconds, by name. */
export interface WebSocketTimingTelemetry {
  /** Each finite number of the frame's `timing_metrics` object, by its wire name. */
  metrics: Record<string, number>;
}

/**
 * Hooks the WebSocket transport calls. Every hook is optional.
 *
 * @example Counting request frames on reused connections
 * ```ts
 * import type { WebSocketTelemetry } from "./websocket_telemetry.ts";
 *
 * let reused = 0;
 * const telemetry: WebSocketTelemetry = {
 *   onWebSocketRequest: (info) => { if (info.connectionReused) reused++; },
 * };
 * telemetry.onWebSocketRequest?.({ durationMs: 1, connectionReused: true });
 * ```
 */
export interface WebSocketTelemetry {
  /** After each handshake. */
  onWebSocketConnect?(info: WebSocketConnectTelemetry): void;
  /** After each request frame. */
  onWebSocketRequest?(info: WebSocketRequestTelemetry): void;
  /** After each wait for a frame. */
  onWebSocketEvent?(info: WebSocketEventTelemetry): void;
  /** For each `responsesapi.websocket_timing` frame. */
  onWebSocketTiming?(info: WebSocketTimingTelemetry): void;
}
