/**
 * Maps parsed Responses wire events onto {@linkcode ResponseEvent}s,
 * tracking the in-stream server model. Shared by the SSE and WebSocket transports; it
 * does no I/O and decides nothing about when a stream ends.
 *
 * @module
 */

import type { z } from "zod";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import {
  errorFromFailedResponse,
  errorFromIncompleteResponse,
} from "../errors/error_from_failed_response.ts";
import {
  describeIssues,
  WIRE_EVENT_FAST_CHECKS,
  WIRE_EVENT_SCHEMAS,
} from "../schema/_wire_schemas.ts";
import type { FastCheck } from "../schema/_fast_check.ts";
import type { ResponseItem } from "../schema/response_item.ts";
import type { ResponseCompletedWireEvent, WireUsage } from "../schema/wire_events.ts";
import type { ResponseEvent, TokenUsage } from "./response_event.ts";

/**
 * What one wire event amounted to.
 *
 * - `mapped`: zero or more events were appended.
 * - `completed`: a `completed` event was appended; the response is over.
 * - `failed`: `response.failed`, `response.incomplete` or an unparseable
 *   `response.completed`; `error` says which. The caller decides when to raise it.
 * - `ignored`: a valid event of a type that maps to nothing.
 * - `invalid`: not an event (no `type`), or a mapped type missing required fields; skipped.
 */
export type WireEventOutcome =
  | { kind: "mapped" }
  | { kind: "completed" }
  | { kind: "failed"; error: CodexWireError }
  | { kind: "ignored" }
  | { kind: "invalid"; reason: string };

// Each mapped type's schema and its fast check, found with one lookup per event.
interface Validator {
  schema: z.ZodType;
  fast: FastCheck | undefined;
}
const VALIDATORS: ReadonlyMap<string, Validator> = new Map(
  [...WIRE_EVENT_SCHEMAS].map(([type, schema]) => [
    type,
    { schema, fast: WIRE_EVENT_FAST_CHECKS.get(type) },
  ]),
);

const MAPPED: WireEventOutcome = { kind: "mapped" };
const COMPLETED: WireEventOutcome = { kind: "completed" };
const IGNORED: WireEventOutcome = { kind: "ignored" };

/** Options of {@linkcode WireEventMapper}. */
export interface WireEventMapperOptions {
  /**
   * Append events that map to nothing as `{ type: "wire", event }`.
   * @default false
   */
  passthrough?: boolean;
  /**
   * The HTTP answer's headers, for the safety-buffering fallbacks
   * (`x-codex-safety-buffering-enabled`, `x-codex-safety-buffering-faster-model`).
   */
  responseHeaders?: Headers;
}

/**
 * Maps one response's wire events, in order, onto normalised events. Create one per
 * response stream: it remembers the last server model seen in the stream.
 *
 * @example Mapping a text delta
 * ```ts
 * import { WireEventMapper } from "./wire_event_mapper.ts";
 * import type { ResponseEvent } from "./response_event.ts";
 * import assert from "node:assert/strict";
 *
 * const mapper = new WireEventMapper();
 * const out: ResponseEvent[] = [];
 * const outcome = mapper.map({ type: "response.output_text.delta", delta: "Hel" }, out);
 * assert.equal(outcome.kind, "mapped");
 * assert.deepEqual(out, [{ type: "outputTextDelta", delta: "Hel" }]);
 * ```
 */
export class WireEventMapper {
  #lastServerModel: string | undefined;
  #passthrough: boolean;
  #showBufferingUi: boolean;
  #fasterModel: string | undefined;
  // The last type looked up and its validator: a stream sends long runs of one type, and
  // comparing two strings is cheaper than hashing a freshly parsed one for the map lookup.
  #lastType = "";
  #lastValidator: Validator | undefined;

  /**
   * Creates a mapper for one response stream.
   *
   * @param options Whether to pass unmapped events through.
   */
  constructor(options: WireEventMapperOptions = {}) {
    this.#passthrough = options.passthrough ?? false;
    const headers = options.responseHeaders;
    this.#showBufferingUi =
      headers?.get("x-codex-safety-buffering-enabled")?.trim().toLowerCase() === "true";
    this.#fasterModel = nonBlank(headers?.get("x-codex-safety-buffering-faster-model"));
  }

  /**
   * Maps one parsed wire event, appending the resulting events to `out`.
   *
   * @param value The event as parsed from JSON.
   * @param out Where mapped events are appended.
   * @returns What the event amounted to.
   */
  map(value: unknown, out: ResponseEvent[]): WireEventOutcome {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { kind: "invalid", reason: "the event is not a JSON object" };
    }
    const event = value as { type?: unknown; [key: string]: unknown };
    // Each field is read once: events of several shapes pass here, so every read is costly.
    const type = event.type;
    if (typeof type !== "string") {
      return { kind: "invalid", reason: "the event has no string `type`" };
    }
    const model = serverModelOf(event);
    if (model !== undefined && model !== this.#lastServerModel) {
      this.#lastServerModel = model;
      out.push({ type: "serverModel", model });
    }
    // A buffering notice may ride on any event; it comes out before the event's own.
    const buffering = event.safety_buffering;
    if (typeof buffering === "object" && buffering !== null && !Array.isArray(buffering)) {
      out.push(this.#safetyBuffering(buffering as Record<string, unknown>));
    }
    let validator = this.#lastValidator;
    if (type !== this.#lastType) {
      validator = this.#lastValidator = VALIDATORS.get(type);
      this.#lastType = type;
    }
    if (validator === undefined) return this.#ignore(event as { type: string }, out);
    // Most events pass a check derived from their schema that builds nothing; the rest
    // (and every invalid one, for its issues) go through zod itself.
    if (validator.fast !== undefined && validator.fast(event)) {
      return this.#mapValid(type, event, event, out);
    }
    const parsed = validator.schema.safeParse(event);
    if (!parsed.success) return this.#invalid(event as { type: string }, parsed.error, out);
    return this.#mapValid(type, parsed.data, event, out);
  }

  #mapValid(
    type: string,
    // deno-lint-ignore no-explicit-any
    data: any,
    raw: Record<string, unknown>,
    out: ResponseEvent[],
  ): WireEventOutcome {
    switch (type) {
      case "response.output_text.delta":
        out.push({ type: "outputTextDelta", delta: data.delta });
        return MAPPED;
      case "response.created": {
        const id = data.response.id;
        out.push(
          typeof id === "string" ? { type: "created", responseId: id } : { type: "created" },
        );
        return MAPPED;
      }
      // Items are validated by the schema but passed on exactly as the server sent them,
      // so replaying them as input keeps their fields and key order.
      case "response.output_item.added":
        out.push({ type: "outputItemAdded", item: raw.item as ResponseItem });
        return MAPPED;
      case "response.output_item.done":
        out.push({ type: "outputItemDone", item: raw.item as ResponseItem });
        return MAPPED;
      case "response.reasoning_summary_text.delta":
        out.push({
          type: "reasoningSummaryDelta",
          delta: data.delta,
          summaryIndex: data.summary_index,
        });
        return MAPPED;
      case "response.reasoning_summary_part.added":
        out.push({ type: "reasoningSummaryPartAdded", summaryIndex: data.summary_index });
        return MAPPED;
      case "response.reasoning_text.delta":
        out.push({
          type: "reasoningContentDelta",
          delta: data.delta,
          contentIndex: data.content_index,
        });
        return MAPPED;
      case "response.completed": {
        const response = (data as ResponseCompletedWireEvent).response;
        out.push({
          type: "completed",
          responseId: response.id,
          tokenUsage: toTokenUsage(response.usage),
          ...(typeof response.end_turn === "boolean" ? { endTurn: response.end_turn } : {}),
        });
        return COMPLETED;
      }
      case "response.failed":
        return { kind: "failed", error: errorFromFailedResponse(data.response) };
      case "response.incomplete":
        return { kind: "failed", error: errorFromIncompleteResponse(data.response) };
      case "response.reasoning_summary_text.done":
        out.push({
          type: "reasoningSummaryDone",
          itemId: data.item_id,
          text: data.text,
          summaryIndex: data.summary_index,
        });
        return MAPPED;
      case "response.custom_tool_call_input.delta": {
        const callId = nonBlank(data.call_id);
        const itemId = nonBlank(data.item_id) ?? callId;
        if (itemId === undefined) {
          return this.#ignore(raw as { type: string }, out, `${type}: no item_id or call_id`);
        }
        out.push({
          type: "toolCallInputDelta",
          itemId,
          ...(callId === undefined ? {} : { callId }),
          delta: data.delta,
        });
        return MAPPED;
      }
      case "response.metadata": {
        const before = out.length;
        const metadata = data.metadata ?? {};
        const verifications = verificationsOf(metadata.openai_verification_recommendation);
        if (verifications.length > 0) out.push({ type: "modelVerifications", verifications });
        if (metadata.type === "safety_buffering") out.push(this.#safetyBuffering(metadata));
        return out.length > before ? MAPPED : this.#ignore(raw as { type: string }, out);
      }
    }
    return this.#ignore(raw as { type: string }, out);
  }

  #safetyBuffering(notice: Record<string, unknown>): ResponseEvent {
    const fasterModel = nonBlank(notice.retry_model) ?? this.#fasterModel;
    return {
      type: "safetyBuffering",
      useCases: stringsOf(notice.use_cases),
      reasons: stringsOf(notice.reasons),
      showBufferingUi: this.#showBufferingUi,
      ...(fasterModel === undefined ? {} : { fasterModel }),
    };
  }

  #invalid(
    event: { type: string },
    error: z.ZodError,
    out: ResponseEvent[],
  ): WireEventOutcome {
    const reason = `${event.type}: ${describeIssues(error)}`;
    if (event.type === "response.completed" && hasObjectResponse(error)) {
      return {
        kind: "failed",
        error: new CodexWireError(`failed to parse ResponseCompleted: ${describeIssues(error)}`, {
          kind: "stream",
          retryable: true,
        }),
      };
    }
    return this.#ignore(event, out, reason);
  }

  #ignore(
    event: { type: string },
    out: ResponseEvent[],
    reason?: string,
  ): WireEventOutcome {
    if (this.#passthrough) out.push({ type: "wire", event });
    return reason === undefined ? IGNORED : { kind: "invalid", reason };
  }
}

// A `response.completed` whose `response` object is present but malformed is an error
// ("failed to parse ResponseCompleted"); one with no `response` at all is just skipped.
function hasObjectResponse(error: z.ZodError): boolean {
  return !error.issues.some((issue) => issue.path.length === 1 && issue.path[0] === "response");
}

/**
 * Maps wire usage onto {@linkcode TokenUsage}; `null` when the server sent none.
 *
 * @param usage The wire `usage`.
 * @returns The token usage, or `null`.
 *
 * @example Usage
 * ```ts
 * import { toTokenUsage } from "./wire_event_mapper.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   toTokenUsage({ input_tokens: 10, input_tokens_details: { cached_tokens: 6 },
 *     output_tokens: 4, output_tokens_details: null, total_tokens: 14 }),
 *   { inputTokens: 10, cachedInputTokens: 6, outputTokens: 4, reasoningOutputTokens: 0,
 *     totalTokens: 14 },
 * );
 * ```
 */
export function toTokenUsage(usage: WireUsage | null | undefined): TokenUsage | null {
  if (usage === null || usage === undefined) return null;
  const cacheWriteTokens = usage.input_tokens_details?.cache_write_tokens;
  return {
    inputTokens: usage.input_tokens,
    cachedInputTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.output_tokens,
    reasoningOutputTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: usage.total_tokens,
    ...(typeof cacheWriteTokens === "number" ? { cacheWriteTokens } : {}),
  };
}

/** The verifications codexwire knows; others are dropped, as Codex drops them. */
const KNOWN_VERIFICATIONS: ReadonlySet<string> = new Set(["trusted_access_for_cyber"]);

function verificationsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((entry) => KNOWN_VERIFICATIONS.has(entry)))];
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry) => typeof entry === "string") : [];
}

function nonBlank(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/**
 * Finds the serving model in an event's `response.headers` (first) or top-level
 * `headers` object: `openai-model` or `x-openai-model`, any case; a string, or the first
 * element of an array. The `response.model` body field is deliberately not read.
 *
 * @param event The parsed wire event.
 * @returns The model slug, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { serverModelOf } from "./wire_event_mapper.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   serverModelOf({ type: "response.created", response: { headers: { "OpenAI-Model": "gpt-5" } } }),
 *   "gpt-5",
 * );
 * assert.equal(serverModelOf({ type: "response.created", response: { model: "gpt-5" } }), undefined);
 * ```
 */
export function serverModelOf(event: Record<string, unknown>): string | undefined {
  const response = event.response;
  if (typeof response === "object" && response !== null) {
    const fromResponse = modelFromHeaders((response as Record<string, unknown>).headers);
    if (fromResponse !== undefined) return fromResponse;
  }
  return modelFromHeaders(event.headers);
}

function modelFromHeaders(headers: unknown): string | undefined {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== "openai-model" && lower !== "x-openai-model") continue;
    const model = Array.isArray(value) ? value[0] : value;
    if (typeof model === "string") return model;
  }
  return undefined;
}
