/**
 * The normalised Responses event union, discriminated by `type` (spec §1.9).
 *
 * @module
 */

import type { CodexWireError } from "../errors/codex_wire_error.ts";
import type { RateLimitSnapshot } from "../ratelimits/rate_limit_snapshot.ts";
import type { ResponseItem } from "../schema/response_item.ts";

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
  /** `request` for a retry before any answer, `stream` for a retry of the whole response. */
  layer: "request" | "stream";
  /** Which retry this is, from 1. */
  attempt: number;
  /** How many retries this layer allows. */
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

/** A normalised Responses event. */
export type ResponseEvent =
  | CreatedEvent
  | OutputItemAddedEvent
  | OutputItemDoneEvent
  | OutputTextDeltaEvent
  | ReasoningSummaryDeltaEvent
  | ReasoningSummaryPartAddedEvent
  | ReasoningContentDeltaEvent
  | CompletedEvent
  | ServerModelEvent
  | RateLimitsEvent
  | ModelsEtagEvent
  | ServerReasoningIncludedEvent
  | ReconnectingEvent
  | WireEvent;
