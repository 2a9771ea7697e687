/**
 * Conversation items as the Responses API sends and receives them (spec §9): messages
 * with their `phase`, reasoning, tool calls and their outputs. Field names are the wire's.
 *
 * @module
 */

/** The `phase` of an assistant message: a mid-turn preamble or the final answer. */
export type MessagePhase = "commentary" | "final_answer";

/** One content part of a message (`input_text`, `output_text`, `input_image`, …). */
export interface ContentPart {
  /** The part's type, for example `input_text` or `output_text`. */
  type: string;
  /** The text of a text part. */
  text?: string;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `message` item. */
export interface MessageItem {
  /** Always `message`. */
  type: "message";
  /** `user`, `assistant`, `system` or `developer`. */
  role: string;
  /** The content parts. */
  content: ContentPart[];
  /** The server's item id (never sent back, except to Azure with `store`). */
  id?: string;
  /** `commentary`, `final_answer`, or absent for models that do not say. */
  phase?: MessagePhase;
  /** Whether this message ends the turn, when the server says. */
  end_turn?: boolean;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `reasoning` item. */
export interface ReasoningItem {
  /** Always `reasoning`. */
  type: "reasoning";
  /** The server's item id. */
  id?: string;
  /** The summary parts (`{ type: "summary_text", text }`). */
  summary: ContentPart[];
  /** Raw reasoning parts (`reasoning_text`), `null`, or absent. */
  content?: ContentPart[] | null;
  /** Opaque encrypted reasoning, re-sent as is. */
  encrypted_content?: string | null;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `function_call` item. */
export interface FunctionCallItem {
  /** Always `function_call`. */
  type: "function_call";
  /** The server's item id. */
  id?: string;
  /** The id that the matching `function_call_output` names. */
  call_id: string;
  /** The function's name. */
  name: string;
  /** The arguments as a JSON string. */
  arguments: string;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `function_call_output` item (sent by the client). */
export interface FunctionCallOutputItem {
  /** Always `function_call_output`. */
  type: "function_call_output";
  /** The call this answers. */
  call_id: string;
  /** The output, as text or content parts. */
  output: unknown;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/**
 * Any other item type (`custom_tool_call`, `local_shell_call`, `web_search_call`,
 * `tool_search_call`, `image_generation_call`, and types this library does not know):
 * kept exactly as the server sent it.
 */
export interface OtherItem {
  /** The item's type. */
  type: string;
  /** The server's item id. */
  id?: string;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A conversation item. */
export type ResponseItem =
  | MessageItem
  | ReasoningItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | OtherItem;

/** Item types whose ids Azure wants back when `store` is on (spec §1.2). */
const AZURE_ID_ITEM_TYPES: ReadonlySet<string> = new Set([
  "reasoning",
  "message",
  "web_search_call",
  "function_call",
  "tool_search_call",
  "local_shell_call",
  "custom_tool_call",
]);

/** Options of {@linkcode serializeInputItem}. */
export interface SerializeInputItemOptions {
  /**
   * Keep non-empty item ids, as Azure Responses endpoints with `store: true` need.
   * @default false
   */
  keepIds?: boolean;
}

/**
 * Turns an item received from the server into the form it takes when replayed as input
 * (spec §9): the `id` is dropped (kept for Azure with `store`), `phase` and `end_turn` are
 * kept when present, and a reasoning item's `content` is kept when it is `null`, absent,
 * or holds at least one `reasoning_text` part, and dropped otherwise.
 *
 * @param item The item as received.
 * @param options Whether to keep ids.
 * @returns A new object to put in a request's `input`.
 *
 * @example Replaying an assistant message keeps its phase and drops its id
 * ```ts
 * import { serializeInputItem } from "./response_item.ts";
 * import assert from "node:assert/strict";
 *
 * const input = serializeInputItem({
 *   type: "message", role: "assistant", id: "msg-1", phase: "final_answer",
 *   content: [{ type: "output_text", text: "Hello" }],
 * });
 * assert.deepEqual(input, {
 *   type: "message", role: "assistant", phase: "final_answer",
 *   content: [{ type: "output_text", text: "Hello" }],
 * });
 * ```
 */
export function serializeInputItem(
  item: ResponseItem,
  options: SerializeInputItemOptions = {},
): ResponseItem {
  const { id, ...rest } = item;
  const out: ResponseItem = rest as ResponseItem;
  if (
    options.keepIds && typeof id === "string" && id !== "" && AZURE_ID_ITEM_TYPES.has(item.type)
  ) {
    out.id = id;
  }
  if (item.type === "reasoning") {
    const content = (item as ReasoningItem).content;
    if (
      Array.isArray(content) && !content.some((part) => part.type === "reasoning_text")
    ) {
      delete out.content;
    } else if (content === undefined) {
      out.content = null;
    }
  }
  return out;
}

/**
 * Builds a user message item from plain text.
 *
 * @param text The message text.
 * @returns A `message` item with one `input_text` part.
 *
 * @example Usage
 * ```ts
 * import { userMessage } from "./response_item.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(userMessage("hi"), {
 *   type: "message", role: "user", content: [{ type: "input_text", text: "hi" }],
 * });
 * ```
 */
export function userMessage(text: string): MessageItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}
