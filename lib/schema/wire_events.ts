/**
 * The Responses wire events that codexwire maps, typed exactly as the server sends them
 * (`type` names verbatim, snake_case fields). Events of other types are valid too and
 * arrive as {@linkcode UnknownWireEvent}.
 *
 * @module
 */

import type { ResponseItem } from "./response_item.ts";

/**
 * Fields the API sends with every event. Optional: Codex's own test servers and older
 * servers leave them out, and codexwire does not need them.
 */
export interface WireEventSequence {
  /** The event's position in the stream, from 0. */
  sequence_number?: number;
}

/** Where an item event belongs in the response's output. */
export interface WireOutputPosition extends WireEventSequence {
  /** The index of the item in the response's `output`. */
  output_index?: number;
}

/** Where a delta belongs: its item, and the content (or summary) part within it. */
export interface WireDeltaPosition extends WireOutputPosition {
  /** The id of the item the delta belongs to. */
  item_id?: string;
}

/** Token usage as the wire's `response.usage` writes it. */
export interface WireUsage {
  /** Input tokens. */
  input_tokens: number;
  /** Details of the input tokens. */
  input_tokens_details?: {
    /** Input tokens served from the prompt cache. */
    cached_tokens: number;
    /** Input tokens written to the prompt cache, when reported. */
    cache_write_tokens?: number | null;
  } | null;
  /** Output tokens. */
  output_tokens: number;
  /** Details of the output tokens. */
  output_tokens_details?: { reasoning_tokens: number } | null;
  /** All tokens. */
  total_tokens: number;
}

/** `response.created`. */
export interface ResponseCreatedWireEvent extends WireEventSequence {
  /** The event type. */
  type: "response.created";
  /** The response object (at least its `id` in practice). */
  response: Record<string, unknown>;
}

/** `response.output_item.added` / `response.output_item.done`. */
export interface OutputItemWireEvent extends WireOutputPosition {
  /** The event type. */
  type: "response.output_item.added" | "response.output_item.done";
  /** The item. */
  item: ResponseItem;
}

/** `response.output_text.delta`. */
export interface OutputTextDeltaWireEvent extends WireDeltaPosition {
  /** The event type. */
  type: "response.output_text.delta";
  /** The text added. */
  delta: string;
  /** The index of the content part in the message. */
  content_index?: number;
}

/** `response.reasoning_summary_text.delta`. */
export interface ReasoningSummaryTextDeltaWireEvent extends WireDeltaPosition {
  /** The event type. */
  type: "response.reasoning_summary_text.delta";
  /** The text added. */
  delta: string;
  /** Which summary part it belongs to. */
  summary_index: number;
}

/** `response.reasoning_summary_part.added`. */
export interface ReasoningSummaryPartAddedWireEvent extends WireDeltaPosition {
  /** The event type. */
  type: "response.reasoning_summary_part.added";
  /** The new part's index. */
  summary_index: number;
  /** The new part, `{ type: "summary_text", text: "" }`. */
  part?: { type: string; text?: string };
}

/** `response.reasoning_text.delta`. */
export interface ReasoningTextDeltaWireEvent extends WireDeltaPosition {
  /** The event type. */
  type: "response.reasoning_text.delta";
  /** The text added. */
  delta: string;
  /** Which content part it belongs to. */
  content_index: number;
}

/** `response.completed`. */
export interface ResponseCompletedWireEvent extends WireEventSequence {
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
export interface ResponseFailedWireEvent extends WireEventSequence {
  /** The event type. */
  type: "response.failed";
  /** The failed response, with its `error` (the event still fails the stream without it). */
  response?: Record<string, unknown> | null;
}

/** `response.incomplete`. */
export interface ResponseIncompleteWireEvent extends WireEventSequence {
  /** The event type. */
  type: "response.incomplete";
  /** The response, with `incomplete_details.reason` (the event still fails the stream without it). */
  response?: Record<string, unknown> | null;
}

/** `response.reasoning_summary_text.done`: one reasoning summary part is complete. */
export interface ReasoningSummaryTextDoneWireEvent {
  /** The event type. */
  type: "response.reasoning_summary_text.done";
  /** The reasoning item's id. */
  item_id: string;
  /** The whole text of the part. */
  text: string;
  /** Which summary part. */
  summary_index: number;
}

/** `response.custom_tool_call_input.delta`: input streamed into a custom tool call. */
export interface CustomToolCallInputDeltaWireEvent {
  /** The event type. */
  type: "response.custom_tool_call_input.delta";
  /** The tool-call item's id (the call id stands in when absent). */
  item_id?: string | null;
  /** The call id, when sent. */
  call_id?: string | null;
  /** The input added. */
  delta: string;
}

/** `response.metadata`: server facts about the turn (headers, verification, buffering). */
export interface ResponseMetadataWireEvent {
  /** The event type. */
  type: "response.metadata";
  /** Headers the server relays in-band. */
  headers?: Record<string, unknown> | null;
  /** The metadata object. */
  metadata?: Record<string, unknown> | null;
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
  | ResponseIncompleteWireEvent
  | ReasoningSummaryTextDoneWireEvent
  | CustomToolCallInputDeltaWireEvent
  | ResponseMetadataWireEvent;
