/**
 * Builders for Responses wire events, for writing scripted SSE scenarios by hand.
 *
 * Each builder returns the plain JSON object the server sends (spec §1.7), mirroring the
 * `ev_*` helpers of Codex's `core/tests/common/responses.rs` (spec §11.1). Pass them to
 * {@linkcode encodeSseEvents} or to a mock server's `events`.
 *
 * @module
 */

/** A wire event as a plain JSON object with a `type`. */
export interface WireEventJson extends Record<string, unknown> {
  /** The wire event type, such as `"response.created"`. */
  type: string;
}

/** An `output_text` content part of a message item. */
export interface OutputTextPartJson extends Record<string, unknown> {
  /** Always `"output_text"`. */
  type: "output_text";
  /** The text. */
  text: string;
}

/** An assistant message item, as in `response.output_item.added` / `.done`. */
export interface MessageItemJson extends Record<string, unknown> {
  /** Always `"message"`. */
  type: "message";
  /** Always `"assistant"`. */
  role: "assistant";
  /** The item id. */
  id: string;
  /** One `output_text` part. */
  content: OutputTextPartJson[];
  /** The message phase (spec §9), present only when set. */
  phase?: string;
}

/** A `summary_text` part of a reasoning item. */
export interface SummaryTextPartJson extends Record<string, unknown> {
  /** Always `"summary_text"`. */
  type: "summary_text";
  /** The summary text. */
  text: string;
}

/** A `reasoning_text` part of a reasoning item's raw `content`. */
export interface ReasoningTextPartJson extends Record<string, unknown> {
  /** Always `"reasoning_text"`. */
  type: "reasoning_text";
  /** The raw reasoning text. */
  text: string;
}

/** A reasoning item, as in `response.output_item.added` / `.done`. */
export interface ReasoningItemJson extends Record<string, unknown> {
  /** Always `"reasoning"`. */
  type: "reasoning";
  /** The item id. */
  id: string;
  /** The summary parts. */
  summary: SummaryTextPartJson[];
  /** The opaque, base64 reasoning state, when present. */
  encrypted_content?: string;
  /** The raw reasoning parts, when present. */
  content?: ReasoningTextPartJson[];
}

/** A function call item, as in `response.output_item.done`. */
export interface FunctionCallItemJson extends Record<string, unknown> {
  /** Always `"function_call"`. */
  type: "function_call";
  /** The item id, present only when set. */
  id?: string;
  /** The call id that the tool output must echo. */
  call_id: string;
  /** The function name. */
  name: string;
  /** The arguments as a JSON string. */
  arguments: string;
}

/** A `response.output_item.added` event. */
export interface OutputItemAddedEventJson<
  TItem extends Record<string, unknown> = Record<string, unknown>,
> extends WireEventJson {
  /** Always `"response.output_item.added"`. */
  type: "response.output_item.added";
  /** The output item. */
  item: TItem;
}

/** A `response.output_item.done` event. */
export interface OutputItemDoneEventJson<
  TItem extends Record<string, unknown> = Record<string, unknown>,
> extends WireEventJson {
  /** Always `"response.output_item.done"`. */
  type: "response.output_item.done";
  /** The output item. */
  item: TItem;
}

/** A `response.created` event. */
export interface CreatedEventJson extends WireEventJson {
  /** Always `"response.created"`. */
  type: "response.created";
  /** The response, with its id. */
  response: { id: string };
}

/** A `response.output_text.delta` event. */
export interface OutputTextDeltaEventJson extends WireEventJson {
  /** Always `"response.output_text.delta"`. */
  type: "response.output_text.delta";
  /** The text piece. */
  delta: string;
}

/** A `response.reasoning_summary_text.delta` event. */
export interface ReasoningSummaryTextDeltaEventJson extends WireEventJson {
  /** Always `"response.reasoning_summary_text.delta"`. */
  type: "response.reasoning_summary_text.delta";
  /** The summary text piece. */
  delta: string;
  /** Which summary part the piece belongs to. */
  summary_index: number;
}

/** A `response.reasoning_summary_part.added` event. */
export interface ReasoningSummaryPartAddedEventJson extends WireEventJson {
  /** Always `"response.reasoning_summary_part.added"`. */
  type: "response.reasoning_summary_part.added";
  /** The index of the new summary part. */
  summary_index: number;
}

/** A `response.reasoning_text.delta` event. */
export interface ReasoningTextDeltaEventJson extends WireEventJson {
  /** Always `"response.reasoning_text.delta"`. */
  type: "response.reasoning_text.delta";
  /** The raw reasoning text piece. */
  delta: string;
  /** Which content part the piece belongs to. */
  content_index: number;
}

/** The `usage` object of `response.completed`. */
export interface UsageJson extends Record<string, unknown> {
  /** Input tokens. */
  input_tokens: number;
  /** Input token details. */
  input_tokens_details: { cached_tokens: number };
  /** Output tokens. */
  output_tokens: number;
  /** Output token details. */
  output_tokens_details: { reasoning_tokens: number };
  /** All tokens. */
  total_tokens: number;
}

/** A `response.completed` event. */
export interface CompletedEventJson extends WireEventJson {
  /** Always `"response.completed"`. */
  type: "response.completed";
  /** The response id and its token usage (`null` when the builder was given `null`). */
  response: { id: string; usage: UsageJson | null };
}

/** A `response.failed` event. */
export interface FailedEventJson extends WireEventJson {
  /** Always `"response.failed"`. */
  type: "response.failed";
  /** The response id and its error. */
  response: { id: string; error: FailedEventError };
}

/** A `response.incomplete` event. */
export interface IncompleteEventJson extends WireEventJson {
  /** Always `"response.incomplete"`. */
  type: "response.incomplete";
  /** The response id and why it stopped. */
  response: { id: string; incomplete_details: { reason: string } };
}

/** Options of {@linkcode assistantMessageEvent}. */
export interface AssistantMessageEventOptions {
  /**
   * The message `phase` (spec §9), normally `"commentary"` or `"final_answer"` (any
   * string is written as given); omitted from the item when not set, as legacy models do.
   */
  phase?: string;
}

/** Options of {@linkcode reasoningItemEvent}. */
export interface ReasoningItemEventOptions {
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
export interface FunctionCallEventOptions {
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

/** The `error` object of a `response.failed` event (spec §1.8). */
export interface FailedEventError extends Record<string, unknown> {
  /** The error code, such as `"rate_limit_exceeded"` or `"context_length_exceeded"`. */
  code: string;
  /** The error message. */
  message: string;
  /** The error type, written only when set. */
  type?: string;
}

/**
 * Builds `response.created`.
 *
 * @param id The response id.
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
export function createdEvent(id = "resp-1"): CreatedEventJson {
  return { type: "response.created", response: { id } };
}

/**
 * Builds `response.output_text.delta`.
 *
 * @param delta The text piece.
 * @returns `{"type":"response.output_text.delta","delta":…}`.
 *
 * @example Usage
 * ```ts
 * import { outputTextDeltaEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(outputTextDeltaEvent("Hel"), { type: "response.output_text.delta", delta: "Hel" });
 * ```
 */
export function outputTextDeltaEvent(delta: string): OutputTextDeltaEventJson {
  return { type: "response.output_text.delta", delta };
}

/**
 * Builds `response.output_item.added` for any item.
 *
 * @param item The output item, written as given.
 * @returns `{"type":"response.output_item.added","item":…}`.
 *
 * @example Usage
 * ```ts
 * import { outputItemAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * const event = outputItemAddedEvent({ type: "web_search_call", id: "ws-1", status: "in_progress" });
 * assert.equal(event.type, "response.output_item.added");
 * assert.equal(event.item.id, "ws-1");
 * ```
 */
export function outputItemAddedEvent<TItem extends Record<string, unknown>>(
  item: TItem,
): OutputItemAddedEventJson<TItem> {
  return { type: "response.output_item.added", item };
}

/**
 * Builds `response.output_item.done` for any item.
 *
 * @param item The output item, written as given.
 * @returns `{"type":"response.output_item.done","item":…}`.
 *
 * @example Usage
 * ```ts
 * import { outputItemDoneEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * const event = outputItemDoneEvent({ type: "custom_tool_call", call_id: "c-1", name: "x", input: "" });
 * assert.equal(event.type, "response.output_item.done");
 * assert.equal(event.item.call_id, "c-1");
 * ```
 */
export function outputItemDoneEvent<TItem extends Record<string, unknown>>(
  item: TItem,
): OutputItemDoneEventJson<TItem> {
  return { type: "response.output_item.done", item };
}

/**
 * Builds `response.output_item.added` for an assistant message (Codex's
 * `ev_message_item_added`).
 *
 * @param id The message item id.
 * @param text The text of the message so far.
 * @returns The event, with one `output_text` part.
 *
 * @example Usage
 * ```ts
 * import { messageItemAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(messageItemAddedEvent("msg-1"), {
 *   type: "response.output_item.added",
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
): OutputItemAddedEventJson<MessageItemJson> {
  return outputItemAddedEvent(messageItem(id, text, undefined));
}

/**
 * Builds `response.output_item.done` for a finished assistant message (Codex's
 * `ev_assistant_message`).
 *
 * @param id The message item id.
 * @param text The full message text.
 * @param options The optional `phase`.
 * @returns The event, with one `output_text` part and `phase` when set.
 *
 * @example Usage
 * ```ts
 * import { assistantMessageEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(assistantMessageEvent("msg-1", "Hello", { phase: "final_answer" }), {
 *   type: "response.output_item.done",
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
): OutputItemDoneEventJson<MessageItemJson> {
  return outputItemDoneEvent(messageItem(id, text, options.phase));
}

/**
 * Builds `response.output_item.added` for a reasoning item (Codex's
 * `ev_reasoning_item_added`).
 *
 * @param id The reasoning item id.
 * @param summary Summary texts so far, written as `summary_text` parts.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningItemAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningItemAddedEvent("rs-1"), {
 *   type: "response.output_item.added",
 *   item: { type: "reasoning", id: "rs-1", summary: [] },
 * });
 * ```
 */
export function reasoningItemAddedEvent(
  id: string,
  summary: readonly string[] = [],
): OutputItemAddedEventJson<ReasoningItemJson> {
  return outputItemAddedEvent({ type: "reasoning", id, summary: summaryParts(summary) });
}

/**
 * Builds `response.output_item.done` for a finished reasoning item (Codex's
 * `ev_reasoning_item`): summary parts, a base64 `encrypted_content`, and raw
 * `reasoning_text` content when given.
 *
 * @param id The reasoning item id.
 * @param summary Summary texts, written as `summary_text` parts.
 * @param options The encrypted content and raw content.
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
): OutputItemDoneEventJson<ReasoningItemJson> {
  const item: ReasoningItemJson = { type: "reasoning", id, summary: summaryParts(summary) };
  const encrypted = options.encryptedContent === undefined
    ? btoa(`encrypted:${id}`)
    : options.encryptedContent;
  if (encrypted !== null) item.encrypted_content = encrypted;
  if (options.content !== undefined) {
    item.content = options.content.map((text): ReasoningTextPartJson => ({
      type: "reasoning_text",
      text,
    }));
  }
  return outputItemDoneEvent(item);
}

/**
 * Builds `response.reasoning_summary_text.delta`.
 *
 * @param delta The summary text piece.
 * @param summaryIndex Which summary part it belongs to.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningSummaryTextDeltaEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningSummaryTextDeltaEvent("**Plan**"), {
 *   type: "response.reasoning_summary_text.delta",
 *   delta: "**Plan**",
 *   summary_index: 0,
 * });
 * ```
 */
export function reasoningSummaryTextDeltaEvent(
  delta: string,
  summaryIndex = 0,
): ReasoningSummaryTextDeltaEventJson {
  return { type: "response.reasoning_summary_text.delta", delta, summary_index: summaryIndex };
}

/**
 * Builds `response.reasoning_summary_part.added` (a section break).
 *
 * @param summaryIndex The index of the new summary part.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningSummaryPartAddedEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningSummaryPartAddedEvent(1), {
 *   type: "response.reasoning_summary_part.added",
 *   summary_index: 1,
 * });
 * ```
 */
export function reasoningSummaryPartAddedEvent(
  summaryIndex: number,
): ReasoningSummaryPartAddedEventJson {
  return { type: "response.reasoning_summary_part.added", summary_index: summaryIndex };
}

/**
 * Builds `response.reasoning_text.delta` (raw reasoning content).
 *
 * @param delta The raw reasoning text piece.
 * @param contentIndex Which content part it belongs to.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { reasoningTextDeltaEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(reasoningTextDeltaEvent("raw cot"), {
 *   type: "response.reasoning_text.delta",
 *   delta: "raw cot",
 *   content_index: 0,
 * });
 * ```
 */
export function reasoningTextDeltaEvent(
  delta: string,
  contentIndex = 0,
): ReasoningTextDeltaEventJson {
  return { type: "response.reasoning_text.delta", delta, content_index: contentIndex };
}

/**
 * Builds `response.output_item.done` for a function call (Codex's `ev_function_call`).
 *
 * @param callId The call id.
 * @param name The function name.
 * @param options The arguments JSON string and an optional item id.
 * @returns The event.
 *
 * @example Usage
 * ```ts
 * import { functionCallEvent } from "./response_event_builders.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(functionCallEvent("call-1", "shell", { arguments: '{"command":["ls"]}' }), {
 *   type: "response.output_item.done",
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
): OutputItemDoneEventJson<FunctionCallItemJson> {
  const item: FunctionCallItemJson = {
    type: "function_call",
    ...(options.id === undefined ? {} : { id: options.id }),
    call_id: callId,
    name,
    arguments: options.arguments ?? "{}",
  };
  return outputItemDoneEvent(item);
}

/**
 * Builds `response.completed` with token usage (all zero unless given), or with
 * `usage: null` when `usage` is `null`.
 *
 * @param id The response id.
 * @param usage The token counts, or `null` for `"usage": null`.
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
): CompletedEventJson {
  return { type: "response.completed", response: { id, usage: usageJson(usage) } };
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
export function completedEventWithTokens(id: string, totalTokens: number): CompletedEventJson {
  return completedEvent(id, { inputTokens: totalTokens, totalTokens });
}

/**
 * Builds `response.failed` (Codex's `sse_failed`).
 *
 * @param id The response id.
 * @param error The error `code` and `message` (and optional `type`).
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
export function failedEvent(id: string, error: FailedEventError): FailedEventJson {
  return { type: "response.failed", response: { id, error: { ...error } } };
}

/**
 * Builds `response.incomplete`.
 *
 * @param id The response id.
 * @param reason Written as `incomplete_details.reason`, such as `"max_output_tokens"`.
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
export function incompleteEvent(id: string, reason: string): IncompleteEventJson {
  return { type: "response.incomplete", response: { id, incomplete_details: { reason } } };
}

function messageItem(id: string, text: string, phase: string | undefined): MessageItemJson {
  const item: MessageItemJson = {
    type: "message",
    role: "assistant",
    id,
    content: [{ type: "output_text", text }],
  };
  if (phase !== undefined) item.phase = phase;
  return item;
}

function summaryParts(summary: readonly string[]): SummaryTextPartJson[] {
  return summary.map((text): SummaryTextPartJson => ({ type: "summary_text", text }));
}

function usageJson(usage: CompletedEventUsage | null): UsageJson | null {
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
