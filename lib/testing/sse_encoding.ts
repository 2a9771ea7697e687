/**
 * Server-sent event bodies for scripted responses, written the way Codex's test
 * helpers write them.
 *
 * @module
 */

import type { ResponsesWireEvent } from "../schema/wire_events.ts";

/** A wire event as a plain JSON object with a string `type` and any other fields. */
export interface JsonWireEvent {
  /** The wire event type, such as `"response.created"`; used as the SSE `event:` name. */
  readonly type: string;
  /** Any other field of the event, written into the `data:` line as JSON. */
  readonly [key: string]: unknown;
}

/**
 * What the encoders and the mock servers take as an event: a typed Responses wire event
 * (what the builders of `response_event_builders.ts` return), or any plain JSON object
 * with a string `type`.
 */
export type WireEventLike = ResponsesWireEvent | JsonWireEvent;

/**
 * Encodes one wire event as an SSE block: `event: <type>\ndata: <json>\n\n`.
 *
 * An event whose JSON has only a `type` is written without a `data:` line
 * (`event: <type>\n\n`), as Codex's `sse()` test helper does; SSE parsers see such a
 * block as an event with no data and skip it.
 *
 * @param event The event object; its `type` must be a non-empty string without line breaks.
 * @returns The SSE text of the event, ending with a blank line.
 * @throws {TypeError} If `event` is not an object with a usable string `type`.
 *
 * @example Encode one event
 * ```ts
 * import { encodeSseEvent } from "./sse_encoding.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   encodeSseEvent({ type: "response.output_text.delta", delta: "Hi" }),
 *   'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi"}\n\n',
 * );
 * assert.equal(encodeSseEvent({ type: "response.in_progress" }), "event: response.in_progress\n\n");
 * ```
 */
export function encodeSseEvent(event: WireEventLike | { readonly type: string }): string {
  const type = eventTypeOf(event);
  const json = JSON.stringify(event);
  // Compare the serialised form, not the keys: a field set to `undefined` is not
  // written, so `{ type, extra: undefined }` still counts as a type-only event.
  if (json === JSON.stringify({ type })) return `event: ${type}\n\n`;
  return `event: ${type}\ndata: ${json}\n\n`;
}

/**
 * Encodes wire events as one SSE body, each event as {@linkcode encodeSseEvent} writes it.
 *
 * @param events The events, in order.
 * @returns The SSE text of all events (empty for no events).
 * @throws {TypeError} If an event is not an object with a usable string `type`.
 *
 * @example Encode a short response
 * ```ts
 * import { encodeSseEvents } from "./sse_encoding.ts";
 * import assert from "node:assert/strict";
 *
 * const body = encodeSseEvents([
 *   { type: "response.created", response: { id: "resp-1" } },
 *   { type: "response.completed", response: { id: "resp-1" } },
 * ]);
 * assert.equal(
 *   body,
 *   'event: response.created\ndata: {"type":"response.created","response":{"id":"resp-1"}}\n\n' +
 *     'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp-1"}}\n\n',
 * );
 * ```
 */
export function encodeSseEvents(
  events: readonly (WireEventLike | { readonly type: string })[],
): string {
  let out = "";
  for (const event of events) out += encodeSseEvent(event);
  return out;
}

const LINE_BREAK_REGEXP = /[\r\n]/;

function eventTypeOf(event: unknown): string {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new TypeError(
      `Cannot encode SSE event: expected a JSON object with a "type", got ${describe(event)}`,
    );
  }
  const type = (event as { type?: unknown }).type;
  if (typeof type !== "string" || type === "") {
    throw new TypeError(
      `Cannot encode SSE event: "type" must be a non-empty string, got ${describe(type)}`,
    );
  }
  if (LINE_BREAK_REGEXP.test(type)) {
    throw new TypeError(
      `Cannot encode SSE event: "type" ${JSON.stringify(type)} contains a line break`,
    );
  }
  return type;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value) : typeof value;
}
