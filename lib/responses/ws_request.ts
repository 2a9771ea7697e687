/**
 * `response.create` frames and incremental requests over one WebSocket connection: when
 * a request only adds input to the previous one on the same connection, it is sent as
 * `previous_response_id` plus the new items.
 *
 * @module
 */

import { isDeepStrictEqual } from "node:util";

/** Options of {@linkcode IncrementalRequestPlanner.plan}. */
export interface PlanOptions {
  /** WebSocket-only metadata, merged into the body's `client_metadata`. */
  clientMetadata?: Record<string, string>;
  /** `false` for a warm-up that generates nothing (prewarm). */
  generate?: false;
}

/** One planned `response.create`. */
export interface PlannedRequest {
  /** The frame object, ready for `JSON.stringify`. */
  frame: Record<string, unknown>;
  /** Whether it continues the previous response (`previous_response_id` is set). */
  incremental: boolean;
}

/** Options of {@linkcode IncrementalRequestPlanner}. */
export interface IncrementalRequestPlannerOptions {
  /**
   * Turns a completed response's output item into the input item a client would send
   * back for it (the same serializer the request bodies use), so the two compare equal.
   * @default {(item) => item}
   */
  toInputItem?: (item: unknown) => unknown;
}

// Fields that do not decide whether two requests are "the same request with more input":
// the input itself, and per-request metadata (so per-turn metadata does not defeat reuse).
const NOT_COMPARED: ReadonlySet<string> = new Set(["input", "client_metadata", "stream_options"]);
// Per-item metadata the comparison ignores.
const ITEM_PASSTHROUGH_KEY = "internal_chat_message_metadata_passthrough";

/**
 * Decides, request by request on one connection, between a full `response.create` and an
 * incremental one, as the Codex client does:
 *
 * - incremental when the previous request on this connection completed with a response
 *   id, every body field but `input` (and `client_metadata`, `stream_options`) is equal,
 *   and the new input starts with the previous input followed by that response's output
 *   items: then `previous_response_id` is that id and `input` holds only what follows
 *   (possibly nothing);
 * - full otherwise, and always after {@linkcode IncrementalRequestPlanner.reset} (a new
 *   connection, or a server that no longer knows the previous response).
 *
 * What a completed response left is used by the next request only, whether or not it
 * could continue it.
 *
 * @example A follow-up sends only the new item
 * ```ts
 * import { IncrementalRequestPlanner } from "./ws_request.ts";
 * import assert from "node:assert/strict";
 *
 * const planner = new IncrementalRequestPlanner();
 * const user = { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] };
 * const answer = { type: "message", role: "assistant", content: [{ type: "output_text", text: "hello" }] };
 * const next = { type: "message", role: "user", content: [{ type: "input_text", text: "more" }] };
 *
 * assert.equal(planner.plan({ model: "m", input: [user] }).incremental, false);
 * planner.complete("resp-1", [answer]);
 * const { frame, incremental } = planner.plan({ model: "m", input: [user, answer, next] });
 * assert.equal(incremental, true);
 * assert.deepEqual(frame, { type: "response.create", model: "m", input: [next], previous_response_id: "resp-1" });
 * ```
 */
export class IncrementalRequestPlanner {
  #toInputItem: (item: unknown) => unknown;
  #lastRequest: Record<string, unknown> | undefined;
  #lastResponse: { responseId: string; items: unknown[] } | undefined;

  /**
   * Creates a planner for one connection.
   *
   * @param options How output items become input items.
   */
  constructor(options: IncrementalRequestPlannerOptions = {}) {
    this.#toInputItem = options.toInputItem ?? ((item) => item);
  }

  /**
   * Plans the next request on this connection and remembers it.
   *
   * @param body The full HTTP request body (with the whole `input`).
   * @param options WebSocket-only metadata, and `generate: false` for a warm-up.
   * @returns The frame and whether it is incremental.
   */
  plan(body: Record<string, unknown>, options: PlanOptions = {}): PlannedRequest {
    const previous = this.#lastRequest;
    const response = this.#lastResponse;
    this.#lastRequest = body;
    this.#lastResponse = undefined;
    const delta = previous !== undefined && response !== undefined
      ? incrementalInput(previous, response.items, body)
      : undefined;
    const frame: Record<string, unknown> = { type: "response.create", ...body };
    if (delta !== undefined) {
      frame.input = delta;
      frame.previous_response_id = response!.responseId;
    }
    if (options.generate === false) frame.generate = false;
    const metadata = {
      ...(isRecord(body.client_metadata) ? body.client_metadata : {}),
      ...options.clientMetadata,
    };
    if (Object.keys(metadata).length > 0) frame.client_metadata = metadata;
    return { frame, incremental: delta !== undefined };
  }

  /**
   * Records that the last planned request completed.
   *
   * @param responseId The completed response's id (an empty id allows no continuation).
   * @param outputItems Its `response.output_item.done` items, in order.
   */
  complete(responseId: string, outputItems: readonly unknown[]): void {
    if (responseId === "") return;
    this.#lastResponse = { responseId, items: outputItems.map(this.#toInputItem) };
  }

  /** Forgets everything: the next request is a full one. */
  reset(): void {
    this.#lastRequest = undefined;
    this.#lastResponse = undefined;
  }

  /**
   * Whether the next request could continue the last response (for tests and telemetry).
   *
   * @returns `true` when a completed response is remembered.
   */
  get canContinue(): boolean {
    return this.#lastResponse !== undefined;
  }
}

// The new items when `next` only adds input after previous input + output; else undefined.
function incrementalInput(
  previous: Record<string, unknown>,
  outputItems: readonly unknown[],
  next: Record<string, unknown>,
): unknown[] | undefined {
  if (!sameRequestFields(previous, next)) return undefined;
  const previousInput = previous.input;
  const nextInput = next.input;
  if (!Array.isArray(previousInput) || !Array.isArray(nextInput)) return undefined;
  const baseline = [...previousInput, ...outputItems];
  if (nextInput.length < baseline.length) return undefined;
  for (let i = 0; i < baseline.length; i++) {
    if (!sameItem(baseline[i], nextInput[i])) return undefined;
  }
  return nextInput.slice(baseline.length);
}

function sameRequestFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (NOT_COMPARED.has(key)) continue;
    if (!isDeepStrictEqual(a[key], b[key])) return false;
  }
  return true;
}

function sameItem(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(withoutPassthrough(a), withoutPassthrough(b));
}

function withoutPassthrough(item: unknown): unknown {
  if (!isRecord(item) || !(ITEM_PASSTHROUGH_KEY in item)) return item;
  const { [ITEM_PASSTHROUGH_KEY]: _ignored, ...rest } = item;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
