/**
 * Conversation items as the Responses API sends and receives them: messages
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
  output: string | ContentPart[];
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `custom_tool_call` item: a call of a freeform (`custom`) tool. */
export interface CustomToolCallItem {
  /** Always `custom_tool_call`. */
  type: "custom_tool_call";
  /** The server's item id. */
  id?: string | null;
  /** The call's status, when the server says. */
  status?: string | null;
  /** The id that the matching `custom_tool_call_output` names. */
  call_id: string;
  /** The tool's name. */
  name: string;
  /** The tool's input, as the model wrote it. */
  input: string;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `custom_tool_call_output` item (sent by the client). */
export interface CustomToolCallOutputItem {
  /** Always `custom_tool_call_output`. */
  type: "custom_tool_call_output";
  /** The call this answers. */
  call_id: string;
  /** The output, as text or content parts. */
  output: string | ContentPart[];
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** What a `local_shell_call` asks to run. */
export interface LocalShellAction {
  /** `exec`. */
  type: string;
  /** The command and its arguments. */
  command?: string[];
  /** How long the command may run, in milliseconds. */
  timeout_ms?: number | null;
  /** The directory to run it in. */
  working_directory?: string | null;
  /** Environment variables to set. */
  env?: Record<string, string> | null;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `local_shell_call` item: the model asks to run a command. */
export interface LocalShellCallItem {
  /** Always `local_shell_call`. */
  type: "local_shell_call";
  /** The server's item id. */
  id?: string | null;
  /** The id a `function_call_output` names, when the server sends one. */
  call_id?: string | null;
  /** `in_progress`, `completed` or `incomplete`. */
  status: string;
  /** What to run. */
  action: LocalShellAction;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `web_search_call` item: a search the server ran. */
export interface WebSearchCallItem {
  /** Always `web_search_call`. */
  type: "web_search_call";
  /** The server's item id. */
  id?: string | null;
  /** The search's status, when the server says. */
  status?: string | null;
  /** What was searched or opened (`{ type: "search", query }`, …), when the server says. */
  action?: { type: string; query?: string | null; [key: string]: unknown } | null;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `tool_search_call` item: the model looked for more tools. */
export interface ToolSearchCallItem {
  /** Always `tool_search_call`. */
  type: "tool_search_call";
  /** The server's item id. */
  id?: string | null;
  /** The call id, when the server sends one. */
  call_id?: string | null;
  /** The search's status, when the server says. */
  status?: string | null;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** An `image_generation_call` item: an image the server generated. */
export interface ImageGenerationCallItem {
  /** Always `image_generation_call`. */
  type: "image_generation_call";
  /** The server's item id. */
  id?: string | null;
  /** The generation's status, when the server says. */
  status?: string | null;
  /** The prompt the server actually used. */
  revised_prompt?: string | null;
  /** The image, base64-encoded. */
  result?: string | null;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** A `compaction` item: earlier history, compacted by the server into opaque state. */
export interface CompactionItem {
  /** Always `compaction`. */
  type: "compaction";
  /** The server's item id. */
  id?: string | null;
  /** The opaque state, re-sent as is. */
  encrypted_content: string;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/**
 * The `type` of an {@linkcode UnknownResponseItem}, as the type system sees it.
 *
 * At run time it is the wire's string. It is typed as this opaque brand, not as
 * `string`, so that comparing `item.type` with a known tag narrows the item to that
 * tag's interface: a plain `string` member would match every tag and leave each field
 * `unknown`. Read it with {@linkcode itemType}.
 */
export interface UnknownItemType {
  /** Never present at run time: only marks the type. */
  readonly __codexwireUnknownItemType: true;
}

/**
 * An item of a type this library does not know, kept exactly as the server sent it
 * (Codex parses these as an "other" placeholder). Its `type` is a string at run time;
 * {@linkcode itemType} returns it.
 */
export interface UnknownResponseItem {
  /** The item's wire type (a string at run time; see {@linkcode UnknownItemType}). */
  type: UnknownItemType;
  /** The server's item id. */
  id?: string | null;
  /** Other wire fields, kept as sent. */
  [key: string]: unknown;
}

/** An item of a type this library knows: checking `type` narrows to its interface. */
export type KnownResponseItem =
  | MessageItem
  | ReasoningItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | LocalShellCallItem
  | WebSearchCallItem
  | ToolSearchCallItem
  | ImageGenerationCallItem
  | CompactionItem;

/**
 * A conversation item, discriminated by `type`: after `item.type === "function_call"`,
 * `item.call_id`, `item.name` and `item.arguments` are strings. Items of other types
 * arrive as {@linkcode UnknownResponseItem}.
 *
 * @example Narrowing on `type`
 * ```ts
 * import type { ResponseItem } from "./response_item.ts";
 * import assert from "node:assert/strict";
 *
 * function describe(item: ResponseItem): string {
 *   switch (item.type) {
 *     case "function_call":
 *       return `${item.name}(${item.arguments}) as ${item.call_id}`;
 *     case "message":
 *       return `${item.role}: ${item.content.map((part) => part.text ?? "").join("")}`;
 *     default:
 *       return "something else";
 *   }
 * }
 * assert.equal(
 *   describe({ type: "function_call", call_id: "call-1", name: "shell", arguments: "{}" }),
 *   "shell({}) as call-1",
 * );
 * ```
 */
export type ResponseItem = KnownResponseItem | UnknownResponseItem;

/**
 * An item for a request's `input`: any {@linkcode ResponseItem}, or a plain object for
 * an item type this library does not model (such as `additional_tools`).
 */
export type InputItem = ResponseItem | { type: string; [key: string]: unknown };

/**
 * The wire `type` of any item, as a string (also for an {@linkcode UnknownResponseItem}).
 *
 * @param item The item.
 * @returns Its `type`.
 *
 * @example Usage
 * ```ts
 * import { itemType, type ResponseItem } from "./response_item.ts";
 * import assert from "node:assert/strict";
 *
 * const item = JSON.parse('{"type":"future_call","id":"fc-1"}') as ResponseItem;
 * assert.equal(itemType(item), "future_call");
 * ```
 */
export function itemType(item: InputItem): string {
  return item.type as unknown as string;
}

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
export function serializeInputItem<T extends InputItem>(item: T): T {
  const out: Record<string, unknown> = { ...item };
  if (!isPrefixedItemId(out.id)) delete out.id;
  if (out.phase === null) delete out.phase;
  if (out.end_turn === null) delete out.end_turn;
  if (itemType(item) === "reasoning") {
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
  return out as T;
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
