// The zod schemas behind the wire event types. They are private so no zod type reaches
// the public API (JSR slow types); each is annotated with the public interface it checks,
// so the two cannot drift apart.

import { z } from "zod";
import { type FastCheck, fastCheckOf } from "./_fast_check.ts";
import type {
  CompactionItem,
  CustomToolCallItem,
  CustomToolCallOutputItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  ImageGenerationCallItem,
  KnownResponseItem,
  LocalShellCallItem,
  MessageItem,
  ReasoningItem,
  ResponseItem,
  ToolSearchCallItem,
  UnknownResponseItem,
  WebSearchCallItem,
} from "./response_item.ts";
import type {
  CustomToolCallInputDeltaWireEvent,
  OutputItemWireEvent,
  OutputTextDeltaWireEvent,
  ReasoningSummaryPartAddedWireEvent,
  ReasoningSummaryTextDeltaWireEvent,
  ReasoningSummaryTextDoneWireEvent,
  ReasoningTextDeltaWireEvent,
  ResponseCompletedWireEvent,
  ResponseCreatedWireEvent,
  ResponseFailedWireEvent,
  ResponseIncompleteWireEvent,
  ResponseMetadataWireEvent,
  WireUsage,
} from "./wire_events.ts";

const contentPart = z.looseObject({ type: z.string() });

const messageItem: z.ZodType<MessageItem> = z.looseObject({
  type: z.literal("message"),
  role: z.string(),
  content: z.array(contentPart),
  id: z.string().nullish(),
  phase: z.enum(["commentary", "final_answer"]).nullish(),
  end_turn: z.boolean().nullish(),
});

const reasoningItem: z.ZodType<ReasoningItem> = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string().nullish(),
  summary: z.array(contentPart),
  content: z.array(contentPart).nullable().optional(),
  encrypted_content: z.string().nullable().optional(),
});

const functionCallItem: z.ZodType<FunctionCallItem> = z.looseObject({
  type: z.literal("function_call"),
  id: z.string().nullish(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
});

const toolOutput = z.union([z.string(), z.array(contentPart)]);

const functionCallOutputItem: z.ZodType<FunctionCallOutputItem> = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: toolOutput,
});

const customToolCallItem: z.ZodType<CustomToolCallItem> = z.looseObject({
  type: z.literal("custom_tool_call"),
  id: z.string().nullish(),
  status: z.string().nullish(),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
});

const customToolCallOutputItem: z.ZodType<CustomToolCallOutputItem> = z.looseObject({
  type: z.literal("custom_tool_call_output"),
  call_id: z.string(),
  output: toolOutput,
});

const localShellCallItem: z.ZodType<LocalShellCallItem> = z.looseObject({
  type: z.literal("local_shell_call"),
  id: z.string().nullish(),
  call_id: z.string().nullish(),
  status: z.string(),
  action: z.looseObject({
    type: z.string(),
    command: z.array(z.string()).optional(),
    timeout_ms: z.number().nullish(),
    working_directory: z.string().nullish(),
    env: z.record(z.string(), z.string()).nullish(),
  }),
});

const webSearchCallItem: z.ZodType<WebSearchCallItem> = z.looseObject({
  type: z.literal("web_search_call"),
  id: z.string().nullish(),
  status: z.string().nullish(),
  action: z.looseObject({ type: z.string(), query: z.string().nullish() }).nullish(),
});

const toolSearchCallItem: z.ZodType<ToolSearchCallItem> = z.looseObject({
  type: z.literal("tool_search_call"),
  id: z.string().nullish(),
  call_id: z.string().nullish(),
  status: z.string().nullish(),
});

const imageGenerationCallItem: z.ZodType<ImageGenerationCallItem> = z.looseObject({
  type: z.literal("image_generation_call"),
  id: z.string().nullish(),
  status: z.string().nullish(),
  revised_prompt: z.string().nullish(),
  result: z.string().nullish(),
});

const compactionItem: z.ZodType<CompactionItem> = z.looseObject({
  type: z.literal("compaction"),
  id: z.string().nullish(),
  encrypted_content: z.string(),
});

// Keyed by every `KnownResponseItem` tag: a tag added to the union without a schema
// here fails the type check.
const KNOWN_ITEM_SCHEMAS_BY_TYPE: {
  [T in KnownResponseItem["type"]]: z.ZodType<Extract<KnownResponseItem, { type: T }>>;
} = {
  message: messageItem,
  reasoning: reasoningItem,
  function_call: functionCallItem,
  function_call_output: functionCallOutputItem,
  custom_tool_call: customToolCallItem,
  custom_tool_call_output: customToolCallOutputItem,
  local_shell_call: localShellCallItem,
  web_search_call: webSearchCallItem,
  tool_search_call: toolSearchCallItem,
  image_generation_call: imageGenerationCallItem,
  compaction: compactionItem,
};

const KNOWN_ITEM_SCHEMAS: ReadonlyMap<string, z.ZodType<KnownResponseItem>> = new Map(
  Object.entries(KNOWN_ITEM_SCHEMAS_BY_TYPE) as [string, z.ZodType<KnownResponseItem>][],
);

const otherItem = z.looseObject({ type: z.string(), id: z.string().nullish() });

// Known item types must have their required fields; any other type parses as an
// "other" item, as Codex's `#[serde(other)]` does.
const responseItem: z.ZodType<ResponseItem> = otherItem.transform((value, ctx) => {
  const known = KNOWN_ITEM_SCHEMAS.get(value.type);
  // The opaque `UnknownItemType` brand is a type-level marker only: the value is as sent.
  if (known === undefined) return value as unknown as UnknownResponseItem;
  const result = known.safeParse(value);
  if (result.success) return result.data as ResponseItem;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: "custom" });
  return z.NEVER;
});

const usage: z.ZodType<WireUsage> = z.object({
  input_tokens: z.number(),
  input_tokens_details: z.object({
    cached_tokens: z.number(),
    cache_write_tokens: z.number().nullish(),
  }).nullable().optional(),
  output_tokens: z.number(),
  output_tokens_details: z.object({ reasoning_tokens: z.number() }).nullable().optional(),
  total_tokens: z.number(),
});

// Any object: a loose object with no fields accepts what a record of unknowns does for
// JSON, and it has a fast check.
const created: z.ZodType<ResponseCreatedWireEvent> = z.object({
  type: z.literal("response.created"),
  response: z.looseObject({}),
});

const OUTPUT_ITEM_TYPES = ["response.output_item.added", "response.output_item.done"] as const;

const outputItem: z.ZodType<OutputItemWireEvent> = z.object({
  type: z.enum(OUTPUT_ITEM_TYPES),
  item: responseItem,
});

// `outputItem` has a transform (the item's schema depends on its type), so its fast check
// is put together here: the frame with any item, then the known type's own check (zod's,
// for a type without one).
const outputItemFrame = fastCheckOf(z.object({ type: z.enum(OUTPUT_ITEM_TYPES), item: otherItem }));
// Each known item type's check: its compiled one, or zod's where it has none.
const KNOWN_ITEM_CHECKS: ReadonlyMap<string, FastCheck> = new Map(
  [...KNOWN_ITEM_SCHEMAS].map(([type, schema]) => [
    type,
    fastCheckOf(schema) ?? ((item: unknown) => schema.safeParse(item).success),
  ]),
);
const outputItemFastCheck: FastCheck | undefined = outputItemFrame && ((value) => {
  if (!outputItemFrame(value)) return false;
  const item = (value as { item: { type: string } }).item;
  return KNOWN_ITEM_CHECKS.get(item.type)?.(item) ?? true;
});

const outputTextDelta: z.ZodType<OutputTextDeltaWireEvent> = z.object({
  type: z.literal("response.output_text.delta"),
  delta: z.string(),
});

const reasoningSummaryTextDelta: z.ZodType<ReasoningSummaryTextDeltaWireEvent> = z.object({
  type: z.literal("response.reasoning_summary_text.delta"),
  delta: z.string(),
  summary_index: z.number(),
});

const reasoningSummaryPartAdded: z.ZodType<ReasoningSummaryPartAddedWireEvent> = z.object({
  type: z.literal("response.reasoning_summary_part.added"),
  summary_index: z.number(),
});

const reasoningTextDelta: z.ZodType<ReasoningTextDeltaWireEvent> = z.object({
  type: z.literal("response.reasoning_text.delta"),
  delta: z.string(),
  content_index: z.number(),
});

const completed: z.ZodType<ResponseCompletedWireEvent> = z.object({
  type: z.literal("response.completed"),
  response: z.object({
    id: z.string(),
    usage: usage.nullable().optional(),
    end_turn: z.boolean().nullable().optional(),
  }),
});

// Without a `response` object these still fail the stream, as Codex does: a `response`
// that is `null` or not an object at all counts as missing.
const responseObjectOrNull = z.unknown().transform((value) =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : null
).optional();

const failed: z.ZodType<ResponseFailedWireEvent> = z.object({
  type: z.literal("response.failed"),
  response: responseObjectOrNull,
});

const incomplete: z.ZodType<ResponseIncompleteWireEvent> = z.object({
  type: z.literal("response.incomplete"),
  response: responseObjectOrNull,
});

const reasoningSummaryTextDone: z.ZodType<ReasoningSummaryTextDoneWireEvent> = z.object({
  type: z.literal("response.reasoning_summary_text.done"),
  item_id: z.string(),
  text: z.string(),
  summary_index: z.number(),
});

const customToolCallInputDelta: z.ZodType<CustomToolCallInputDeltaWireEvent> = z.object({
  type: z.literal("response.custom_tool_call_input.delta"),
  item_id: z.string().nullish(),
  call_id: z.string().nullish(),
  delta: z.string(),
});

const responseMetadata: z.ZodType<ResponseMetadataWireEvent> = z.object({
  type: z.literal("response.metadata"),
  headers: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** The schema of each mapped wire event type, looked up by the JSON `type`. */
export const WIRE_EVENT_SCHEMAS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ["response.created", created],
  ["response.output_item.added", outputItem],
  ["response.output_item.done", outputItem],
  ["response.output_text.delta", outputTextDelta],
  ["response.reasoning_summary_text.delta", reasoningSummaryTextDelta],
  ["response.reasoning_summary_part.added", reasoningSummaryPartAdded],
  ["response.reasoning_text.delta", reasoningTextDelta],
  ["response.completed", completed],
  ["response.failed", failed],
  ["response.incomplete", incomplete],
  ["response.reasoning_summary_text.done", reasoningSummaryTextDone],
  ["response.custom_tool_call_input.delta", customToolCallInputDelta],
  ["response.metadata", responseMetadata],
]);

/**
 * Checks derived from {@linkcode WIRE_EVENT_SCHEMAS}, for the types whose schema allows
 * one: each accepts exactly what its schema accepts, without building a parse result.
 */
export const WIRE_EVENT_FAST_CHECKS: ReadonlyMap<string, FastCheck> = new Map(
  [...WIRE_EVENT_SCHEMAS].flatMap(([type, schema]) => {
    const check = schema === outputItem ? outputItemFastCheck : fastCheckOf(schema);
    return check === undefined ? [] : [[type, check] as const];
  }),
);

/** Formats a zod error as one short line for telemetry and error messages. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
