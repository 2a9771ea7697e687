/**
 * The Responses wire events that codexwire maps, typed exactly as the server sends them
 * (`type` names verbatim, snake_case fields). Events of other types are valid too and
 * arrive as {@linkcode UnknownWireEvent}.
 *
 * @module
 */

import type { ResponseItem } from "./response_item.ts";

/** Token usage as the wire's `response.usage` writes it. */
export interface WireUsage {
  /** Input tokens. */
  input_tokens: number;
  /** Details of the input tokens. */
  input_tokens_details?: { cached_tokens: number } | null;
  /** Output tokens. */
  output_tokens: number;
  /** Details of the output tokens. */
  output_tokens_details?: { reasoning_tokens: number } | null;
  /** All tokens. */
  total_tokens: number;
}

/** `response.created`. */
export interface ResponseCreatedWireEvent {
  /** The event type. */
  type: "response.created";
  /** The response object (at least its `id` in practice). */
  response: Record<string, unknown>;
}

/** `response.output_item.added` / `response.output_item.done`. */
export interface OutputItemWireEvent {
  /** The event type. */
  type: "response.output_item.added" | "response.output_item.done";
  /** The item. */
  item: ResponseItem;
}

/** `response.output_text.delta`. */
export interface OutputTextDeltaWireEvent {
  /** The event type. */
  type: "response.output_text.delta";
  /** The text added. */
  delta: string;
}

/** `response.reasoning_summary_text.delta`. */
export interface ReasoningSummaryTextDeltaWireEvent {
  /** The event type. */
  type: "response.reasoning_summary_text.delta";
  /** The text added. */
  delta: string;
  /** Which summary part it belongs to. */
  summary_index: number;
}

/** `response.reasoning_summary_part.added`. */
export interface ReasoningSummaryPartAddedWireEvent {
  /** The event type. */
  type: "response.reasoning_summary_part.added";
  /** The new part's index. */
  summary_index: number;
}

/** `response.reasoning_text.delta`. */
export interface ReasoningTextDeltaWireEvent {
  /** The event type. */
  type: "response.reasoning_text.delta";
  /** The text added. */
  delta: string;
  /** Which content part it belongs to. */
  content_index: number;
}

/** `response.completed`. */
export interface ResponseCompletedWireEvent {
  /** The event type. */
  type: "response.completed";
  /** The finished response. */
  response: {
    /** The response id. */
    id: string;
    /** Token usage, when reported. */
    usage?: WireUsage | null;
    /** Whether the turn ends here, when the server says. */
    end_turn?: boolean | null;
  };
}

/** `response.failed`. */
export interface ResponseFailedWireEvent {
  /** The event type. */
  type: "response.failed";
  /** The failed response, with its `error`. */
  response: Record<string, unknown>;
}

/** `response.incomplete`. */
export interface ResponseIncompleteWireEvent {
  /** The event type. */
  type: "response.incomplete";
  /** The response, with `incomplete_details.reason`. */
  response: Record<string, unknown>;
}

/** Any event type this library does not map, kept as sent. */
export interface UnknownWireEvent {
  /** The event type. */
  type: string;
  /** The other fields. */
  [key: string]: unknown;
}

/** A Responses wire event. */
export type ResponsesWireEvent =
  | ResponseCreatedWireEvent
  | OutputItemWireEvent
  | OutputTextDeltaWireEvent
  | ReasoningSummaryTextDeltaWireEvent
  | ReasoningSummaryPartAddedWireEvent
  | ReasoningTextDeltaWireEvent
  | ResponseCompletedWireEvent
  | ResponseFailedWireEvent
  | ResponseIncompleteWireEvent;
