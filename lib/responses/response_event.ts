/**
 * The normalised Responses event union, discriminated by `type`.
 *
 * @module
 */

import type { CodexWireError } from "../errors/codex_wire_error.ts";
import type { RateLimitSnapshot } from "../ratelimits/rate_limit_snapshot.ts";
import type { ResponseItem } from "../schema/response_item.ts";
import type { WebSocketOnlyEvent } from "./ws_events.ts";

/** Token usage of a completed response. */
export interface TokenUsage {
  /** Input tokens. */
  inputTokens: number;
  /** Input tokens served from the prompt cache (0 when not reported). */
  cachedInputTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** Output tokens spent on reasoning (0 when not reported). */
  reasoningOutputTokens: number;
  /** All tokens. */
  totalTokens: number;
  /** Input tokens written to the prompt cache; present only when the server reported it. */
  cacheWriteTokens?: number;
}

/** The server created the response. */
export interface CreatedEvent {
  /** The tag. */
  type: "created";
  /** The response id, when the server sent one. */
  responseId?: string;
}

/** An output item started. */
export interface OutputItemAddedEvent {
  /** The tag. */
  type: "outputItemAdded";
  /** The item as it starts. */
  item: ResponseItem;
}

/** An output item is complete. */
export interface OutputItemDoneEvent {
  /** The tag. */
  type: "outputItemDone";
  /** The finished item. */
  item: ResponseItem;
}

/** Text was added to the current assistant message. */
export interface OutputTextDeltaEvent {
  /** The tag. */
  type: "outputTextDelta";
  /** The text added. */
  delta: string;
}

/** Text was added to a reasoning summary part. */
export interface ReasoningSummaryDeltaEvent {
  /** The tag. */
  type: "reasoningSummaryDelta";
  /** The text added. */
  delta: string;
  /** Which summary part. */
  summaryIndex: number;
}

/** A new reasoning summary part started (a section break). */
export interface ReasoningSummaryPartAddedEvent {
  /** The tag. */
  type: "reasoningSummaryPartAdded";
  /** The new part's index. */
  summaryIndex: number;
}

/** Raw reasoning text was added. */
export interface ReasoningContentDeltaEvent {
  /** The tag. */
  type: "reasoningContentDelta";
  /** The text added. */
  delta: string;
  /** Which content part. */
  contentIndex: number;
}

/** A reasoning summary part is complete, with its whole text. */
export interface ReasoningSummaryDoneEvent {
  /** The tag. */
  type: "reasoningSummaryDone";
  /** The reasoning item's id. */
  itemId: string;
  /** The whole text of the part. */
  text: string;
  /** Which summary part. */
  summaryIndex: number;
}

/** Input was streamed into a custom tool call. */
export interface ToolCallInputDeltaEvent {
  /** The tag. */
  type: "toolCallInputDelta";
  /** The tool-call item's id (the call id when the server sent no item id). */
  itemId: string;
  /** The call id, when the server sent one. */
  callId?: string;
  /** The input added. */
  delta: string;
}

/**
 * The server recommends verifications for this account (from a `response.metadata`
 * event's `metadata.openai_verification_recommendation`), such as
 * `trusted_access_for_cyber`. Values are deduplicated; unknown ones are dropped.
 */
export interface ModelVerificationsEvent {
  /** The tag. */
  type: "modelVerifications";
  /** The recommended verifications, as the wire names them. */
  verifications: string[];
}

/**
 * The server holds output back for a safety check (a top-level `safety_buffering`
 * object on any event, or a `response.metadata` event whose `metadata.type` is
 * `safety_buffering`); emitted beside the event that carried it.
 */
export interface SafetyBufferingEvent {
  /** The tag. */
  type: "safetyBuffering";
  /** The use cases the server named. */
  useCases: string[];
  /** The reasons the server named. */
  reasons: string[];
  /** Whether the server's `x-codex-safety-buffering-enabled` header said `true`. */
  showBufferingUi: boolean;
  /**
   * A faster model to retry with: the notice's `retry_model`, else the
   * `x-codex-safety-buffering-faster-model` header.
   */
  fasterModel?: string;
}

/**
 * The server served another model than the one asked for (ignoring ASCII case). Emitted
 * at most once per turn (`ResponsesSession`), right after the `serverModel` event that
 * revealed it, whether the model came from the answer's headers or from the stream.
 */
export interface ModelRerouteEvent {
  /** The tag. */
  type: "modelReroute";
  /** The model the request asked for. */
  requestedModel: string;
  /** The model the server reported. */
  serverModel: string;
}

/** The response completed; nothing follows. */
export interface CompletedEvent {
  /** The tag. */
  type: "completed";
  /** The response id. */
  responseId: string;
  /** Token usage, or `null` when the server sent none. */
  tokenUsage: TokenUsage | null;
  /** Whether the turn ends here, when the server says. */
  endTurn?: boolean;
}

/** The model that actually serves the request (from `openai-model`). */
export interface ServerModelEvent {
  /** The tag. */
  type: "serverModel";
  /** The model slug the server reported. */
  model: string;
}

/** A rate-limit family's current state. */
export interface RateLimitsEvent {
  /** The tag. */
  type: "rateLimits";
  /** The snapshot. */
  snapshot: RateLimitSnapshot;
}

/** The server's models catalogue tag (`X-Models-Etag`). */
export interface ModelsEtagEvent {
  /** The tag. */
  type: "modelsEtag";
  /** The ETag value. */
  etag: string;
}

/** The server counts past reasoning tokens itself (`x-reasoning-included`). */
export interface ServerReasoningIncludedEvent {
  /** The tag. */
  type: "serverReasoningIncluded";
  /** Always `true`. */
  included: true;
}

/**
 * The attempt failed with a retryable error and will be made again after `delayMs`.
 * Events of the failed attempt are void: the next attempt starts over from `created`.
 */
export interface ReconnectingEvent {
  /** The tag. */
  type: "reconnecting";
  /**
   * `request` for a retry before any answer, `stream` for a retry of the whole response,
   * `connection` for a retry after a connection failure with
   * `retry.connectionRetries: "unbounded"` (waiting for the network).
   */
  layer: "request" | "stream" | "connection";
  /** Which retry this is, from 1. */
  attempt: number;
  /** How many retries this layer allows (`Infinity` for unbounded connection retries). */
  maxAttempts: number;
  /** Which retry of this response this is, both layers counted, from 1. */
  retry: number;
  /** The most retries this response may make in all (`RetryOptions.maxRetries`). */
  maxRetries: number;
  /** How long the client waits before it, in milliseconds. */
  delayMs: number;
  /** What failed. */
  error: CodexWireError;
}

/**
 * A wire event that maps to no other event (an unknown type, or one this library
 * ignores such as `response.in_progress`), passed through when the caller asks with
 * `passthrough: true`.
 */
export interface WireEvent {
  /** The tag. */
  type: "wire";
  /** The event exactly as parsed from the wire. */
  event: { type: string; [key: string]: unknown };
}

/** A normalised Responses event (those only the WebSocket transport makes included). */
export type ResponseEvent =
  | CreatedEvent
  | OutputItemAddedEvent
  | OutputItemDoneEvent
  | OutputTextDeltaEvent
  | ReasoningSummaryDeltaEvent
  | ReasoningSummaryPartAddedEvent
  | ReasoningContentDeltaEvent
  | ReasoningSummaryDoneEvent
  | ToolCallInputDeltaEvent
  | ModelVerificationsEvent
  | SafetyBufferingEvent
  | ModelRerouteEvent
  | CompletedEvent
  | ServerModelEvent
  | RateLimitsEvent
  | ModelsEtagEvent
  | ServerReasoningIncludedEvent
  | ReconnectingEvent
  | WireEvent
  | WebSocketOnlyEvent;
