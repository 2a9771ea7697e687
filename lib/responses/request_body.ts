/**
 * The `POST /responses` body with Codex's fields and defaults.
 *
 * @module
 */

import { type InputItem, serializeInputItem, userMessage } from "../schema/response_item.ts";
import type { Tool } from "../schema/tool.ts";

/** Reasoning settings. */
export interface ReasoningOptions {
  /** `minimal`, `low`, `medium`, `high`, … (`ultra` is sent as `max`, as Codex does). */
  effort?: string;
  /** `auto`, `concise`, `detailed`, or `none` (which omits the field). */
  summary?: string;
}

/** A structured-output schema for `text.format`. */
export interface OutputSchema {
  /** The JSON schema the answer must follow. */
  schema: Record<string, unknown>;
  /** The schema's name. @default {"codex_output_schema"} */
  name?: string;
}

/** What to ask the model for. Field names are camelCase; items keep their wire shape. */
export interface ResponsesRequest {
  /** The model slug. */
  model: string;
  /** System instructions; omitted from the body when empty. */
  instructions?: string;
  /** The conversation: a user prompt, or items (history plus new input). */
  input: string | readonly InputItem[];
  /** Tool specs in Responses format. @default {[]} */
  tools?: readonly Tool[];
  /** Whether the model may call tools in parallel. @default true */
  parallelToolCalls?: boolean;
  /**
   * Reasoning settings. The body always carries a `reasoning` object, as Codex sends it
   * today: `null` or leaving this out sends `{}`.
   */
  reasoning?: ReasoningOptions | null;
  /** Whether the server stores the response. Codex always sends `false`. @default false */
  store?: boolean;
  /** What to include. @default {["reasoning.encrypted_content"]} */
  include?: readonly string[];
  /** `priority` for Fast, or another tier name; omitted when unset. */
  serviceTier?: string;
  /** The prompt cache key; defaults to the client's session id. */
  promptCacheKey?: string;
  /** Output verbosity: `low`, `medium` or `high`. */
  verbosity?: "low" | "medium" | "high";
  /** A JSON schema the answer must follow. */
  outputSchema?: OutputSchema;
  /** More body fields, written as given (they win over the computed ones). */
  extra?: Record<string, unknown>;
}

/** Options of {@linkcode buildResponsesBody}. */
export interface BuildResponsesBodyOptions {
  /** The default prompt cache key (the session id). */
  promptCacheKey: string;
  /** String pairs sent as `client_metadata` (left out when absent). */
  clientMetadata?: Record<string, string>;
}

/**
 * Builds the JSON body of a streaming `POST /responses` as Codex sends it today:
 * `tool_choice: "auto"`, `stream: true`, `reasoning` always an object, `include` always
 * `["reasoning.encrypted_content"]`, `store: false`, replayed items with `<prefix>_<suffix>`
 * ids kept (other ids dropped) and their `phase` kept, and `client_metadata` when given.
 *
 * @param request What to ask for.
 * @param options The conversation-wide defaults.
 * @returns The body object, ready for `JSON.stringify`.
 *
 * @example A prompt with reasoning
 * ```ts
 * import { buildResponsesBody } from "./request_body.ts";
 * import assert from "node:assert/strict";
 *
 * const body = buildResponsesBody(
 *   { model: "gpt-5.2-codex", input: "hello", reasoning: { effort: "medium", summary: "auto" } },
 *   { promptCacheKey: "thread-1" },
 * );
 * assert.deepEqual(body, {
 *   model: "gpt-5.2-codex",
 *   input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hello" }] }],
 *   tools: [], tool_choice: "auto", parallel_tool_calls: true,
 *   reasoning: { effort: "medium", summary: "auto" }, store: false, stream: true,
 *   include: ["reasoning.encrypted_content"], prompt_cache_key: "thread-1",
 * });
 * ```
 */
export function buildResponsesBody(
  request: ResponsesRequest,
  options: BuildResponsesBodyOptions,
): Record<string, unknown> {
  const input = typeof request.input === "string"
    ? [userMessage(request.input)]
    : request.input.map((item) => serializeInputItem(item));
  const reasoning = toReasoning(request.reasoning);
  const body: Record<string, unknown> = { model: request.model };
  if (request.instructions !== undefined && request.instructions !== "") {
    body.instructions = request.instructions;
  }
  body.input = input;
  body.tools = request.tools ?? [];
  body.tool_choice = "auto";
  body.parallel_tool_calls = request.parallelToolCalls ?? true;
  body.reasoning = reasoning;
  body.store = request.store ?? false;
  body.stream = true;
  body.include = request.include ?? ["reasoning.encrypted_content"];
  if (request.serviceTier !== undefined) body.service_tier = request.serviceTier;
  body.prompt_cache_key = request.promptCacheKey ?? options.promptCacheKey;
  const text = toText(request);
  if (text !== undefined) body.text = text;
  if (options.clientMetadata !== undefined) body.client_metadata = options.clientMetadata;
  return request.extra === undefined ? body : { ...body, ...request.extra };
}

function toReasoning(reasoning: ReasoningOptions | null | undefined): ReasoningOptions {
  const out: ReasoningOptions = {};
  if (reasoning === undefined || reasoning === null) return out;
  if (reasoning.effort !== undefined) {
    out.effort = reasoning.effort === "ultra" ? "max" : reasoning.effort;
  }
  if (reasoning.summary !== undefined && reasoning.summary !== "none") {
    out.summary = reasoning.summary;
  }
  return out;
}

function toText(request: ResponsesRequest): Record<string, unknown> | undefined {
  if (request.verbosity === undefined && request.outputSchema === undefined) return undefined;
  const text: Record<string, unknown> = {};
  if (request.verbosity !== undefined) text.verbosity = request.verbosity;
  if (request.outputSchema !== undefined) {
    text.format = {
      type: "json_schema",
      strict: true,
      schema: request.outputSchema.schema,
      name: request.outputSchema.name ?? "codex_output_schema",
    };
  }
  return text;
}

const AZURE_URL_MARKERS: readonly string[] = [
  "openai.azure.",
  "cognitiveservices.azure.",
  "aoai.azure.",
  "azure-api.",
  "azurefd.",
  "windows.net/openai",
];

/**
 * Whether a base URL is an Azure Responses endpoint. Codex no longer treats them apart
 * (`store` is false and ids follow the same rule everywhere); kept for callers that do.
 *
 * @param baseUrl The provider's base URL.
 * @returns `true` for Azure.
 *
 * @example Usage
 * ```ts
 * import { isAzureBaseUrl } from "./request_body.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isAzureBaseUrl("https://foo.openai.azure.com/openai"), true);
 * assert.equal(isAzureBaseUrl("https://api.openai.com/v1"), false);
 * ```
 */
export function isAzureBaseUrl(baseUrl: string): boolean {
  const lower = baseUrl.toLowerCase();
  return AZURE_URL_MARKERS.some((marker) => lower.includes(marker));
}
