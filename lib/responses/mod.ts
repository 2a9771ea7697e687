/**
 * The Responses API client: requests, sessions, streams and the normalised events.
 *
 * @module
 */

export * from "./response_event.ts";
export * from "./response_stream.ts";
export * from "./responses_client.ts";
export * from "./responses_session.ts";
export * from "./request_body.ts";
export * from "./request_headers.ts";
export * from "./header_events.ts";
export * from "./wire_event_mapper.ts";
export * from "./reasoning_header.ts";
export type { RetryOptions } from "./sse_turn.ts";
export * from "./request_compression.ts";
export * from "./ws_events.ts";
export type {
  FallbackDecision,
  TransportFallback,
  WebSocketFallbackPolicy,
} from "./ws_fallback.ts";
export type {
  WebSocketAttempt,
  WebSocketLease,
  WebSocketSendOptions,
  WebSocketTransport,
  WebSocketTransportOptions,
} from "./ws_transport.ts";
export { RESPONSES_WEBSOCKETS_BETA, websocketUrl } from "./ws_handshake.ts";
export * from "./trace_context.ts";
