/**
 * codexwire speaks the wire protocols of the Codex client: the OpenAI Responses API
 * streamed over SSE or WebSocket with Codex's completion, error, retry, turn-state and
 * rate-limit semantics, with typed events and one error class; and Realtime conversations
 * over WebSocket in every Codex dialect (`connectRealtime`, `RealtimeConversationManager`)
 * with PCM16/WAV audio helpers. `TapeRecorder` records a client's own traffic to a tape.
 *
 * Test doubles (scripted Responses and realtime servers, event builders) and tapes (capture
 * proxy, replay server, inspection) live in `@codexwire/codexwire/testing`; zstd streams in
 * `@codexwire/codexwire/zstd`.
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

// The client, its requests and its streams.
export {
  CHATGPT_BASE_URL,
  type ChatGptAuth,
  type PreconnectOptions,
  type ResponsesAuth,
  ResponsesClient,
  type ResponsesClientOptions,
  type WebSocketOptions,
} from "./lib/responses/responses_client.ts";
export type {
  SteerAcceptedEvent,
  SteeredEvent,
  SteerFailedEvent,
  SteerPendingEvent,
  TransportFallbackEvent,
  WebSocketOnlyEvent,
} from "./lib/responses/ws_events.ts";
export type { FallbackDecision, WebSocketFallbackPolicy } from "./lib/responses/ws_fallback.ts";
export {
  type RequestIdentity,
  ResponsesSession,
  type SessionOptions,
  type StreamOptions,
  type TurnBodyMetadata,
} from "./lib/responses/responses_session.ts";
export {
  type FinalResponse,
  ResponseStream,
  type ResponseStreamOptions,
} from "./lib/responses/response_stream.ts";
export type {
  OutputSchema,
  ReasoningOptions,
  ResponsesRequest,
} from "./lib/responses/request_body.ts";
export type { RequestCompression } from "./lib/responses/request_compression.ts";
export type { RetryOptions } from "./lib/responses/sse_turn.ts";
export { checkTraceContext, type TraceContext } from "./lib/responses/trace_context.ts";

// The normalised events.
export type {
  CompletedEvent,
  CreatedEvent,
  ModelRerouteEvent,
  ModelsEtagEvent,
  ModelVerificationsEvent,
  OutputItemAddedEvent,
  OutputItemDoneEvent,
  OutputTextDeltaEvent,
  RateLimitsEvent,
  ReasoningContentDeltaEvent,
  ReasoningSummaryDeltaEvent,
  ReasoningSummaryDoneEvent,
  ReasoningSummaryPartAddedEvent,
  ReconnectingEvent,
  ResponseEvent,
  SafetyBufferingEvent,
  ServerModelEvent,
  ServerReasoningIncludedEvent,
  TokenUsage,
  ToolCallInputDeltaEvent,
  WireEvent,
} from "./lib/responses/response_event.ts";
export { reasoningHeader, ReasoningHeaderTracker } from "./lib/responses/reasoning_header.ts";

// Items and tools, as the wire writes them.
export {
  type CompactionItem,
  type ContentPart,
  type CustomToolCallItem,
  type CustomToolCallOutputItem,
  type FunctionCallItem,
  type FunctionCallOutputItem,
  type ImageGenerationCallItem,
  type InputItem,
  itemType,
  type KnownResponseItem,
  type LocalShellAction,
  type LocalShellCallItem,
  type MessageItem,
  type MessagePhase,
  type ReasoningItem,
  type ResponseItem,
  type ToolSearchCallItem,
  type UnknownItemType,
  type UnknownResponseItem,
  userMessage,
  type WebSearchCallItem,
} from "./lib/schema/response_item.ts";
export type {
  CustomTool,
  FunctionTool,
  LocalShellTool,
  Tool,
  WebSearchTool,
} from "./lib/schema/tool.ts";

// The raw wire events.
export type * from "./lib/schema/wire_events.ts";

// Errors.
export {
  CodexWireError,
  type CodexWireErrorKind,
  type CodexWireErrorOptions,
} from "./lib/errors/codex_wire_error.ts";

// Rate limits.
export type {
  PlanType,
  RateLimitCredits,
  RateLimitSnapshot,
  RateLimitWindow,
} from "./lib/ratelimits/rate_limit_snapshot.ts";
export { parseRateLimitHeaders } from "./lib/ratelimits/parse_rate_limit_headers.ts";

// Telemetry.
export {
  combineTelemetry,
  logTelemetry,
  type RequestTelemetry,
  type RetryTelemetry,
  type SseEventTelemetry,
  type Telemetry,
} from "./lib/telemetry/telemetry.ts";
export type * from "./lib/telemetry/websocket_telemetry.ts";

// Realtime conversations over WebSocket.
export {
  connectRealtime,
  type ConnectRealtimeOptions,
  type RealtimeCloseOptions,
  RealtimeConnection,
} from "./lib/realtime/realtime_connection.ts";
export {
  type InsertTextOptions,
  type RealtimeClosedReason,
  type RealtimeConversationEvent,
  RealtimeConversationManager,
  type RealtimeConversationStartOptions,
  type RealtimeConversationStats,
  type SendToolOutputOptions,
} from "./lib/realtime/realtime_conversation_manager.ts";
export type {
  RealtimeAudioFrame,
  RealtimeEvent,
  RealtimeEventType,
  RealtimeTranscriptEntry,
  RealtimeWireEvent,
} from "./lib/realtime/realtime_event.ts";
export { REALTIME_DIALECTS, type RealtimeDialect } from "./lib/realtime/realtime_dialect.ts";
export type { ParsedRealtimeFrame } from "./lib/realtime/realtime_event_parser.ts";
export type {
  RealtimeAudioFormat,
  RealtimeChannel,
  RealtimeClientMessage,
  RealtimeSessionOptions,
  RealtimeTextRole,
} from "./lib/realtime/realtime_client_messages.ts";

// PCM16 and WAV audio.
export {
  decodePcm16Base64,
  PCM16_SAMPLE_RATE,
  pcm16DurationMs,
  Pcm16Framer,
} from "./lib/audio/pcm16.ts";
export { type Pcm16InputFormat, Pcm16Resampler } from "./lib/audio/resample.ts";
export {
  readWav,
  type WavFormat,
  type WavSink,
  type WavStream,
  WavWriter,
} from "./lib/audio/wav.ts";

export { VERSION } from "./lib/version.ts";
export {
  TapeRecorder,
  type TapeRecorderOptions,
  type WsOpenInfo,
} from "./lib/tape/tape_recorder.ts";
export type { RedactionOptions } from "./lib/tape/redaction.ts";
