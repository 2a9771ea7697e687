/**
 * Realtime conversations over WebSocket in every Codex dialect (v2 GA, v1 quicksilver, v3
 * frameless `/v1/live`, and the original `session.create` transport): URL and header
 * building, the session and client messages, inbound events normalised to
 * {@linkcode RealtimeEvent}, the connection, and the conversation manager.
 *
 * @example Usage
 * ```ts
 * import { realtimeWebSocketUrl } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   realtimeWebSocketUrl("https://api.openai.com/v1", { dialect: "v3", model: "gpt-live-1-codex" }).href,
 *   "wss://api.openai.com/v1/live?model=gpt-live-1-codex",
 * );
 * ```
 *
 * @module
 */

export * from "./active_transcript.ts";
export * from "./realtime_client_messages.ts";
export * from "./realtime_connection.ts";
export * from "./realtime_conversation_manager.ts";
export * from "./realtime_dialect.ts";
export * from "./realtime_event.ts";
export * from "./realtime_event_parser.ts";
export * from "./realtime_headers.ts";
export * from "./realtime_url.ts";
