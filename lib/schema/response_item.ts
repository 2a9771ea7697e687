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
  /** The item id; sent back only when it has the `<prefix>_<suffix>` shape. */
  id?: string | null;
  /** `commentary`, `final_answer`, or absent (or `null`) for models that do not say. */
  phase?: MessagePhase | null;
  /** Whether this message ends the turn, when the server says. */
  end_turn?: boolean | null;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `reasoning` item. */
export interface ReasoningItem {
  /** Always `reasoning`. */
  type: "reasoning";
  /** The item id; sent back only when it has the `<prefix>_<suffix>` shape. */
  id?: string | null;
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
  /** The item id; sent back only when it has the `<prefix>_<suffix>` shape. */
  id?: string | null;
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
  /** The item id; sent back only when it has the `<prefix>_<suffix>` shape. */
  id?: string | null;
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

// `<prefix>_<suffix>`: a non-empty prefix of letters and digits, `_`, a non-empty suffix
// without blanks (`msg_…`, `rs_…`, `fc_…` and the client's `<type-prefix>_<uuidv7>`).
const PREFIXED_ID_REGEXP = /^[A-Za-z0-9]+_[^\s]+$/;

/**
 * Whether an item id has the `<prefix>_<suffix>` shape that Codex sends back (`msg_1`,
 * `rs_0198…`); other ids (empty, unprefixed such as `msg-1`) are stripped from requests.
 *
 * @param id The candidate id.
 * @returns `true` when the id is sent.
 *
 * @example Usage
 * ```ts
 * import { isPrefixedItemId } from "./response_item.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isPrefixedItemId("msg_0198f2a4"), true);
 * assert.equal(isPrefixedItemId("msg-1"), false);
 * assert.equal(isPrefixedItemId(""), false);
 * ```
 */
export function isPrefixedItemId(id: unknown): id is string {
  return typeof id === "string" && PREFIXED_ID_REGEXP.test(id);
}

/**
 * Turns an item received from the server into the form it takes when replayed as input,
 * as Codex sends it today: an `id` is kept when it has the `<prefix>_<suffix>` shape and
 * dropped otherwise; `phase` and `end_turn` are kept when set (dropped when `null`); a
 * reasoning item's `encrypted_content` is sent as `null` when absent, and its `content`
 * is kept when it is `null`, absent (sent as `null`), or holds at least one
 * `reasoning_text` part, and dropped otherwise.
 *
 * @param item The item as received.
 * @returns A new object to put in a request's `input`.
 *
 * @example Replaying an assistant message keeps its phase and its prefixed id
 * ```ts
 * import { serializeInputItem } from "./response_item.ts";
 * import assert from "node:assert/strict";
 *
 * const input = serializeInputItem({
 *   type: "message", role: "assistant", id: "msg_1", phase: "final_answer",
 *   content: [{ type: "output_text", text: "Hello" }],
 * });
 * assert.deepEqual(input, {
 *   type: "message", role: "assistant", id: "msg_1", phase: "final_answer",
 *   content: [{ type: "output_text", text: "Hello" }],
 * });
 * ```
 */
export function serializeInputItem(item: ResponseItem): ResponseItem {
  const out: ResponseItem = { ...item };
  if (!isPrefixedItemId(item.id)) delete out.id;
  if (out.phase === null) delete out.phase;
  if (out.end_turn === null) delete out.end_turn;
  if (item.type === "reasoning") {
    const reasoning = item as ReasoningItem;
    const content = reasoning.content;
    if (
      Array.isArray(content) && !content.some((part) => part.type === "reasoning_text")
    ) {
      delete out.content;
    } else if (content === undefined) {
      out.content = null;
    }
    if (reasoning.encrypted_content === undefined) out.encrypted_content = null;
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
