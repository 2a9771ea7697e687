/**
 * codexwire speaks the wire protocols of the Codex client: the OpenAI Responses API
 * streamed over SSE with Codex's completion, error, retry, turn-state and rate-limit
 * semantics, with typed events and one error class; and Realtime conversations over
 * WebSocket in every Codex dialect (`connectRealtime`, `RealtimeConversationManager`) with
 * PCM16/WAV audio helpers.
 *
 * Test doubles (a scripted SSE server, a scripted realtime WebSocket server, event builders)
 * live in `@codexwire/codexwire/testing`;
 * zstd streams in `@codexwire/codexwire/zstd`.
 *
 * @example Streaming a response from a scripted local server
 * ```ts
 * import { ResponsesClient } from "@codexwire/codexwire";
 * import {
 *   assistantMessageEvent, completedEvent, createdEvent, outputTextDeltaEvent,
 *   startMockResponsesServer,
 * } from "@codexwire/codexwire/testing";
 * import assert from "node:assert/strict";
 *
 * await using server = await startMockResponsesServer({
 *   responses: [{
 *     events: [
 *       createdEvent("resp-1"),
 *       outputTextDeltaEvent("Hello"),
 *       assistantMessageEvent("msg-1", "Hello", { phase: "final_answer" }),
 *       completedEvent("resp-1"),
 *     ],
 *   }],
 * });
 * const client = new ResponsesClient({ baseUrl: server.url, apiKey: "sk-test" });
 * const response = await client.stream({ model: "gpt-5.2-codex", input: "Say hello" }).finalResponse();
 * assert.equal(response.text, "Hello");
 * assert.equal(server.requests[0].headers.get("authorization"), "Bearer sk-test");
 * ```
 *
 * @module
 */

export * from "./lib/errors/mod.ts";
export * from "./lib/ratelimits/mod.ts";
export * from "./lib/realtime/mod.ts";
export * from "./lib/audio/mod.ts";
export * from "./lib/responses/mod.ts";
export * from "./lib/schema/response_item.ts";
export * from "./lib/schema/wire_events.ts";
export * from "./lib/sse/sse_decoder.ts";
export * from "./lib/telemetry/telemetry.ts";
export * from "./lib/telemetry/websocket_telemetry.ts";
export { abortableSleep, backoffDelayMs, type BackoffOptions } from "./lib/transport/backoff.ts";
export * from "./lib/transport/retry_after.ts";
export { VERSION } from "./lib/version.ts";
export {
  TapeRecorder,
  type TapeRecorderOptions,
  type WsOpenInfo,
} from "./lib/tape/tape_recorder.ts";
export type { RedactionOptions } from "./lib/tape/redaction.ts";
