/**
 * Builders for Responses wire events, for writing scripted SSE scenarios by hand.
 *
 * Each builder returns the plain JSON object the server sends, typed with the library's
 * wire event types, mirroring the `ev_*` helpers of Codex's test suite. Item events carry
 * `output_index` and deltas `item_id`, `output_index` and `content_index` (or
 * `summary_index`), as the API sends them, so that a scenario of added item, deltas, done
 * item and `completed` also satisfies the official `openai` SDK's stream accumulator.
 * Pass them to {@linkcode encodeSseEvents} or to a mock server's `events`.
 *
 * @module
 */

import type {
  ContentPart,
  FunctionCallItem,
  MessageItem,
  MessagePhase,
  ReasoningItem,
  ResponseItem,
} from "../schema/response_item.ts";
import type {
  OutputItemWireEvent,
  OutputTextDeltaWireEvent,
  ReasoningSummaryPartAddedWireEvent,
  ReasoningSummaryTextDeltaWireEvent,
  ReasoningTextDeltaWireEvent,
  ResponseCompletedWireEvent,
  ResponseCreatedWireEvent,
  ResponseFailedWireEvent,
  ResponseIncompleteWireEvent,
  WireUsage,
} from "../schema/wire_events.ts";

/** A `response.output_item.added` event carrying an item of type `T`. */
export type OutputItemAddedWireEvent<T extends ResponseItem = ResponseItem> =
  & OutputItemWireEvent
  & { type: "response.output_item.added"; item: T };

/** A `response.output_item.done` event carrying an item of type `T`. */
export type OutputItemDoneWireEvent<T extends ResponseItem = ResponseItem> =
  & OutputItemWireEvent
  & { type: "response.output_item.done"; item: T };

/** Options every builder takes: the event's place in the stream. */
export interface WireEventOptions {
  /**
   * Written as `sequence_number`. Left out when not set; the mock server numbers the
   * events of each response that have none.
   */
  sequenceNumber?: number;
}

/** Options of the builders of item events: where the item sits in the output. */
export interface OutputItemEventOptions extends WireEventOptions {
  /**
   * Written as `output_index`: the item's index in the response's `output`.
   *
   * @default {0}
   */
  outputIndex?: number;
}

/** Options of the builders of deltas: the item and part they belong to. */
export interface DeltaEventOptions extends OutputItemEventOptions {
  /**
   * Written as `item_id`: the id of the item the delta belongs to.
   *
   * @default {"msg-1" for output text, "rs-1" for reasoning}
   */
  itemId?: string;
}

/** Options of {@linkcode assistantMessageEvent} and {@linkcode messageItemAddedEvent}. */
export interface AssistantMessageEventOptions extends OutputItemEventOptions {
  /**
   * The message `phase`, normally `"commentary"` or `"final_answer"` (any string is
   * written as given); omitted from the item when not set, as legacy models do.
   */
  phase?: string;
}

/** Options of {@linkcode reasoningItemEvent}. */
export interface ReasoningItemEventOptions extends OutputItemEventOptions {
  /**
   * The item's `encrypted_content`, written as given (normally base64), or `null` to
   * leave the field out.
   *
   * @default {btoa(`encrypted:${id}`)}
   */
  encryptedContent?: string | null;
  /** Raw reasoning texts, written as `reasoning_text` parts of `content`; omitted when not set. */
  content?: readonly string[];
}

/** Options of {@linkcode functionCallEvent}. */
export interface FunctionCallEventOptions extends OutputItemEventOptions {
  /**
   * The arguments as a JSON string, written as given.
   *
   * @default {"{}"}
   */
  arguments?: string;
  /** The item id; omitted from the item when not set. */
  id?: string;
}

/**
 * Token counts for {@linkcode completedEvent}; every count defaults to 0 except
 * `totalTokens`, which defaults to `inputTokens + outputTokens`.
 */
export interface CompletedEventUsage {
  /**
   * Written as `input_tokens`.
   *
   * @default {0}
   */
  inputTokens?: number;
  /**
   * Written as `input_tokens_details.cached_tokens`.
   *
   * @default {0}
   */
  cachedTokens?: number;
  /**
   * Written as `output_tokens`.
   *
   * @default {0}
   */
  outputTokens?: number;
  /**
   * Written as `output_tokens_details.reasoning_tokens`.
   *
   * @default {0}
   */
  reasoningTokens?: number;
  /**
   * Written as `total_tokens`.
   *
   * @default {inputTokens + outputTokens}
   */
  totalTokens?: number;
}

/** The `error` object of a `response.failed` event. */
export interface FailedEventError {
  /** The error code, such as `"rate_limit_exceeded"` or `"context_length_exceeded"`. */
  code: string;
  /** The error message. */
  message: string;
  /** The error type, written only when set. */
  type?: string;
  /** Other fields, written as given. */
  [key: string]: unknown;
}

/**
 * Builds `response.created`.
 *
 * @param id The response id.
 * @param options The sequence number.
 * @returns `{"type":"response.created","response":{"id":…}}`.
 *
 * @example Usage
 * ```ts
 * import { createdEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(createdEvent(), { type: "response.created", response: { id: "resp-1" } });
 * ```
 */
export function createdEvent(
  id = "resp-1",
  options: WireEventOptions = {},
): ResponseCreatedWireEvent & { response: { id: string } } {
  return withSequence({ type: "response.created", response: { id } }, options);
}

/**
 * Builds `response.output_text.delta` for the first content part of a message.
 *
 * @param delta The text piece.
 * @param options The message's item id (default `msg-1`), output index and content index.
 * @returns The event, with `item_id`, `output_index` and `content_index`.
 *
 * @example Usage
 * ```ts
 * import { outputTextDeltaEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(outputTextDeltaEvent("Hel"), {
 *   type: "response.output_text.delta",
 *   item_id: "msg-1",
 *   output_index: 0,
 *   content_index: 0,
 *   delta: "Hel",
 * });
 * ```
 */
export function outputTextDeltaEvent(
  delta: string,
  options: DeltaEventOptions & { contentIndex?: number } = {},
): OutputTextDeltaWireEvent {
  return withSequence({
    type: "response.output_text.delta",
    item_id: options.itemId ?? "msg-1",
    output_index: options.outputIndex ?? 0,
    content_index: options.contentIndex ?? 0,
    delta,
  }, options);
}

/**
 * Builds `response.output_item.added` for any item.
 *
 * @param item The output item, written as given.
 * @param options The output index and sequence number.
 * @returns `{"type":"response.output_item.added","output_index":…,"item":…}`.
 *
 * @example Usage
 * ```ts
 * import { outputItemAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * const event = outputItemAddedEvent({ type: "web_search_call", id: "ws-1", status: "in_progress" });
 * assert.equal(event.type, "response.output_item.added");
 * assert.equal(event.item.id, "ws-1");
 * assert.equal(event.output_index, 0);
 * ```
 */
export function outputItemAddedEvent<T extends ResponseItem>(
  item: T | ({ type: string; [key: string]: unknown } & Record<string, unknown>),
  options: OutputItemEventOptions = {},
): OutputItemAddedWireEvent<T> {
  return withSequence({
    type: "response.output_item.added",
    output_index: options.outputIndex ?? 0,
    item: item as T,
  }, options);
}

/**
 * Builds `response.output_item.done` for any item.
 *
 * @param item The output item, written as given.
 * @param options The output index and sequence number.
 * @returns `{"type":"response.output_item.done","output_index":…,"item":…}`.
 *
 * @example Usage
 * ```ts
 * import { outputItemDoneEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * const event = outputItemDoneEvent({
 *   type: "custom_tool_call", call_id: "c-1", name: "x", input: "",
 * });
 * assert.equal(event.type, "response.output_item.done");
 * assert.equal(event.item.type === "custom_tool_call" && event.item.call_id, "c-1");
 * ```
 */
export function outputItemDoneEvent<T extends ResponseItem>(
  item: T | ({ type: string; [key: string]: unknown } & Record<string, unknown>),
  options: OutputItemEventOptions = {},
): OutputItemDoneWireEvent<T> {
  return withSequence({
    type: "response.output_item.done",
    output_index: options.outputIndex ?? 0,
    item: item as T,
  }, options);
}

/**
 * Builds `response.output_item.added` for an assistant message (Codex's
 * `ev_message_item_added`). Its one `output_text` part is where
 * {@linkcode outputTextDeltaEvent}s add their text.
 *
 * @param id The message item id.
 * @param text The text of the message so far.
 * @param options The output index and the optional `phase`.
 * @returns The event, with one `output_text` part.
 *
 * @example Usage
 * ```ts
 * import { messageItemAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(messageItemAddedEvent("msg-1"), {
 *   type: "response.output_item.added",
 *   output_index: 0,
 *   item: {
 *     type: "message",
 *     role: "assistant",
 *     id: "msg-1",
 *     content: [{ type: "output_text", text: "" }],
 *   },
 * });
 * ```
 */
export function messageItemAddedEvent(
  id: string,
  text = "",
  options: AssistantMessageEventOptions = {},
): OutputItemAddedWireEvent<MessageItem> {
  return outputItemAddedEvent(messageItem(id, text, options.phase), options);
}

/**
 * Builds `response.output_item.done` for a finished assistant message (Codex's
 * `ev_assistant_message`).
 *
 * @param id The message item id.
 * @param text The full message text.
 * @param options The output index and the optional `phase`.
 * @returns The event, with one `output_text` part and `phase` when set.
 *
 * @example Usage
 * ```ts
 * import { assistantMessageEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(assistantMessageEvent("msg-1", "Hello", { phase: "final_answer" }), {
 *   type: "response.output_item.done",
 *   output_index: 0,
 *   item: {
 *     type: "message",
 *     role: "assistant",
 *     id: "msg-1",
 *     content: [{ type: "output_text", text: "Hello" }],
 *     phase: "final_answer",
 *   },
 * });
 * ```
 */
export function assistantMessageEvent(
  id: string,
  text: string,
  options: AssistantMessageEventOptions = {},
): OutputItemDoneWireEvent<MessageItem> {
  return outputItemDoneEvent(messageItem(id, text, options.phase), options);
}

/**
 * Builds `response.output_item.added` for a reasoning item (Codex's
 * `ev_reasoning_item_added`).
 *
 * @param id The reasoning item id.
 * @param summary Summary texts so far, written as `summary_text` parts.
 * @param options The output index and sequence number.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningItemAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningItemAddedEvent("rs-1"), {
 *   type: "response.output_item.added",
 *   output_index: 0,
 *   item: { type: "reasoning", id: "rs-1", summary: [] },
 * });
 * ```
 */
export function reasoningItemAddedEvent(
  id: string,
  summary: readonly string[] = [],
  options: OutputItemEventOptions = {},
): OutputItemAddedWireEvent<ReasoningItem> {
  const item: ReasoningItem = { type: "reasoning", id, summary: summaryParts(summary) };
  return outputItemAddedEvent(item, options);
}

/**
 * Builds `response.output_item.done` for a finished reasoning item (Codex's
 * `ev_reasoning_item`): summary parts, a base64 `encrypted_content`, and raw
 * `reasoning_text` content when given.
 *
 * @param id The reasoning item id.
 * @param summary Summary texts, written as `summary_text` parts.
 * @param options The encrypted content, raw content and output index.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningItemEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * const event = reasoningItemEvent("rs-1", ["**Planning**"], { content: ["raw"] });
 * assert.deepEqual(event.item, {
 *   type: "reasoning",
 *   id: "rs-1",
 *   summary: [{ type: "summary_text", text: "**Planning**" }],
 *   encrypted_content: btoa("encrypted:rs-1"),
 *   content: [{ type: "reasoning_text", text: "raw" }],
 * });
 * ```
 */
export function reasoningItemEvent(
  id: string,
  summary: readonly string[],
  options: ReasoningItemEventOptions = {},
): OutputItemDoneWireEvent<ReasoningItem> {
  const item: ReasoningItem = { type: "reasoning", id, summary: summaryParts(summary) };
  const encrypted = options.encryptedContent === undefined
    ? btoa(`encrypted:${id}`)
    : options.encryptedContent;
  if (encrypted !== null) item.encrypted_content = encrypted;
  if (options.content !== undefined) {
    item.content = options.content.map((text): ContentPart => ({ type: "reasoning_text", text }));
  }
  return outputItemDoneEvent(item, options);
}

/**
 * Builds `response.reasoning_summary_text.delta`.
 *
 * @param delta The summary text piece.
 * @param summaryIndex Which summary part it belongs to.
 * @param options The reasoning item's id (default `rs-1`) and output index.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningSummaryTextDeltaEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningSummaryTextDeltaEvent("**Plan**"), {
 *   type: "response.reasoning_summary_text.delta",
 *   item_id: "rs-1",
 *   output_index: 0,
 *   summary_index: 0,
 *   delta: "**Plan**",
 * });
 * ```
 */
export function reasoningSummaryTextDeltaEvent(
  delta: string,
  summaryIndex = 0,
  options: DeltaEventOptions = {},
): ReasoningSummaryTextDeltaWireEvent {
  return withSequence({
    type: "response.reasoning_summary_text.delta",
    item_id: options.itemId ?? "rs-1",
    output_index: options.outputIndex ?? 0,
    summary_index: summaryIndex,
    delta,
  }, options);
}

/**
 * Builds `response.reasoning_summary_part.added` (a section break), with its empty
 * `summary_text` part.
 *
 * @param summaryIndex The index of the new summary part.
 * @param options The reasoning item's id (default `rs-1`) and output index.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningSummaryPartAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningSummaryPartAddedEvent(1), {
 *   type: "response.reasoning_summary_part.added",
 *   item_id: "rs-1",
 *   output_index: 0,
 *   summary_index: 1,
 *   part: { type: "summary_text", text: "" },
 * });
 * ```
 */
export function reasoningSummaryPartAddedEvent(
  summaryIndex: number,
  options: DeltaEventOptions = {},
): ReasoningSummaryPartAddedWireEvent {
  return withSequence({
    type: "response.reasoning_summary_part.added",
    item_id: options.itemId ?? "rs-1",
    output_index: options.outputIndex ?? 0,
    summary_index: summaryIndex,
    part: { type: "summary_text", text: "" },
  }, options);
}

/**
 * Builds `response.reasoning_text.delta` (raw reasoning content).
 *
 * @param delta The raw reasoning text piece.
 * @param contentIndex Which content part it belongs to.
 * @param options The reasoning item's id (default `rs-1`) and output index.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningTextDeltaEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningTextDeltaEvent("raw cot"), {
 *   type: "response.reasoning_text.delta",
 *   item_id: "rs-1",
 *   output_index: 0,
 *   content_index: 0,
 *   delta: "raw cot",
 * });
 * ```
 */
export function reasoningTextDeltaEvent(
  delta: string,
  contentIndex = 0,
  options: DeltaEventOptions = {},
): ReasoningTextDeltaWireEvent {
  return withSequence({
    type: "response.reasoning_text.delta",
    item_id: options.itemId ?? "rs-1",
    output_index: options.outputIndex ?? 0,
    content_index: contentIndex,
    delta,
  }, options);
}

/**
 * Builds `response.output_item.done` for a function call (Codex's `ev_function_call`).
 *
 * @param callId The call id.
 * @param name The function name.
 * @param options The arguments JSON string, an optional item id and the output index.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { functionCallEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(functionCallEvent("call-1", "shell", { arguments: '{"command":["ls"]}' }), {
 *   type: "response.output_item.done",
 *   output_index: 0,
 *   item: {
 *     type: "function_call",
 *     call_id: "call-1",
 *     name: "shell",
 *     arguments: '{"command":["ls"]}',
 *   },
 * });
 * ```
 */
export function functionCallEvent(
  callId: string,
  name: string,
  options: FunctionCallEventOptions = {},
): OutputItemDoneWireEvent<FunctionCallItem> {
  const item: FunctionCallItem = {
    type: "function_call",
    ...(options.id === undefined ? {} : { id: options.id }),
    call_id: callId,
    name,
    arguments: options.arguments ?? "{}",
  };
  return outputItemDoneEvent(item, options);
}

/**
 * Builds `response.completed` with token usage (all zero unless given), or with
 * `usage: null` when `usage` is `null`.
 *
 * @param id The response id.
 * @param usage The token counts, or `null` for `"usage": null`.
 * @param options The sequence number.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { completedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   completedEvent("resp-1", { inputTokens: 10, cachedTokens: 6, outputTokens: 4, reasoningTokens: 3 }),
 *   {
 *     type: "response.completed",
 *     response: {
 *       id: "resp-1",
 *       usage: {
 *         input_tokens: 10,
 *         input_tokens_details: { cached_tokens: 6 },
 *         output_tokens: 4,
 *         output_tokens_details: { reasoning_tokens: 3 },
 *         total_tokens: 14,
 *       },
 *     },
 *   },
 * );
 * ```
 */
export function completedEvent(
  id = "resp-1",
  usage: CompletedEventUsage | null = {},
  options: WireEventOptions = {},
): ResponseCompletedWireEvent & { response: { usage: WireUsage | null } } {
  return withSequence(
    { type: "response.completed", response: { id, usage: usageJson(usage) } },
    options,
  );
}

/**
 * Builds `response.completed` whose usage counts `totalTokens` input tokens and no output
 * (Codex's `ev_completed_with_tokens`).
 *
 * @param id The response id.
 * @param totalTokens Written as `input_tokens` and `total_tokens`.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { completedEventWithTokens } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * const event = completedEventWithTokens("resp-1", 1000);
 * assert.equal(event.response.usage?.input_tokens, 1000);
 * assert.equal(event.response.usage?.output_tokens, 0);
 * assert.equal(event.response.usage?.total_tokens, 1000);
 * ```
 */
export function completedEventWithTokens(
  id: string,
  totalTokens: number,
): ResponseCompletedWireEvent & { response: { usage: WireUsage | null } } {
  return completedEvent(id, { inputTokens: totalTokens, totalTokens });
}

/**
 * Builds `response.failed` (Codex's `sse_failed`).
 *
 * @param id The response id.
 * @param error The error `code` and `message` (and optional `type`).
 * @param options The sequence number.
 * @returns `{"type":"response.failed","response":{"id":…,"error":{"code":…,"message":…}}}`.
 *
 * @example Usage
 * ```ts
 * import { failedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   failedEvent("resp-1", { code: "rate_limit_exceeded", message: "Try again in 11.054s." }),
 *   {
 *     type: "response.failed",
 *     response: {
 *       id: "resp-1",
 *       error: { code: "rate_limit_exceeded", message: "Try again in 11.054s." },
 *     },
 *   },
 * );
 * ```
 */
export function failedEvent(
  id: string,
  error: FailedEventError,
  options: WireEventOptions = {},
): ResponseFailedWireEvent & { response: { id: string; error: FailedEventError } } {
  return withSequence({ type: "response.failed", response: { id, error: { ...error } } }, options);
}

/**
 * Builds `response.incomplete`.
 *
 * @param id The response id.
 * @param reason Written as `incomplete_details.reason`, such as `"max_output_tokens"`.
 * @param options The sequence number.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { incompleteEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(incompleteEvent("resp-1", "max_output_tokens"), {
 *   type: "response.incomplete",
 *   response: { id: "resp-1", incomplete_details: { reason: "max_output_tokens" } },
 * });
 * ```
 */
export function incompleteEvent(
  id: string,
  reason: string,
  options: WireEventOptions = {},
): ResponseIncompleteWireEvent & {
  response: { id: string; incomplete_details: { reason: string } };
} {
  return withSequence(
    { type: "response.incomplete", response: { id, incomplete_details: { reason } } },
    options,
  );
}

function withSequence<T extends object>(event: T, options: WireEventOptions): T {
  return options.sequenceNumber === undefined
    ? event
    : { ...event, sequence_number: options.sequenceNumber };
}

function messageItem(id: string, text: string, phase: string | undefined): MessageItem {
  const item: MessageItem = {
    type: "message",
    role: "assistant",
    id,
    content: [{ type: "output_text", text }],
  };
  // Any string is written as given, so tests can send phases the library does not know.
  if (phase !== undefined) item.phase = phase as MessagePhase;
  return item;
}

function summaryParts(summary: readonly string[]): ContentPart[] {
  return summary.map((text): ContentPart => ({ type: "summary_text", text }));
}

function usageJson(usage: CompletedEventUsage | null): WireUsage | null {
  if (usage === null) return null;
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens ?? inputTokens + outputTokens,
  };
}
