/**
 * {@linkcode inspectTape}: a timeline of each connection of a tape — time to first byte
 * and first event, the largest gap, events by type, rate limits, errors, and events the
 * wire schemas do not know (drift).
 *
 * @module
 */

import { parseCodexRateLimitsEvent } from "../ratelimits/parse_codex_rate_limits_event.ts";
import { parseRateLimitHeaders } from "../ratelimits/parse_rate_limit_headers.ts";
import type { RateLimitSnapshot } from "../ratelimits/rate_limit_snapshot.ts";
import { describeIssues, WIRE_EVENT_SCHEMAS } from "../schema/_wire_schemas.ts";
import { SseDecoder } from "../sse/sse_decoder.ts";
import type { HttpInteraction, Tape, WsInteraction } from "./tape.ts";
import { fromTapeData } from "./tape_record.ts";

/** Event types a Responses stream may carry that are known but not mapped to an event. */
const KNOWN_UNMAPPED: ReadonlySet<string> = new Set([
  "codex.rate_limits",
  "error",
  "response.in_progress",
  "response.content_part.added",
  "response.content_part.done",
  "response.output_text.done",
  "response.reasoning_summary_text.done",
  "response.reasoning_summary_part.done",
  "response.reasoning_text.done",
  "response.function_call_arguments.delta",
  "response.function_call_arguments.done",
  "response.custom_tool_call_input.delta",
  "response.custom_tool_call_input.done",
]);

/** An event the wire schemas do not know, or whose shape they reject. */
export interface DriftReport {
  /** The event type. */
  type: string;
  /** How many times it was seen on this connection. */
  count: number;
  /** `unknown type`, or what the schema rejected. */
  reason: string;
}

/** The timeline of one connection of a tape. */
export interface ConnectionReport {
  /** The connection id. */
  conn: string;
  /** An HTTP exchange or a WebSocket session. */
  kind: "http" | "ws";
  /** `POST /v1/responses`, or `WS /v1/realtime`. */
  request: string;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** Milliseconds from the request (or the handshake) to the first byte of the answer. */
  timeToFirstByteMs?: number;
  /** Milliseconds from the request (or the handshake) to the first whole event. */
  timeToFirstEventMs?: number;
  /** The longest silence between two pieces of the answer, in milliseconds. */
  largestGapMs?: number;
  /** Milliseconds from the request to the last record. */
  durationMs: number;
  /** How many events (SSE events, or server messages that are JSON with a `type`). */
  events: number;
  /** Events by `type`. */
  eventsByType: Record<string, number>;
  /** Rate-limit snapshots, from response headers and `codex.rate_limits` events. */
  rateLimits: RateLimitSnapshot[];
  /** HTTP errors, failed responses, `error` events, broken bodies, abnormal closes. */
  errors: string[];
  /** Events the wire schemas do not know. */
  drift: DriftReport[];
  /** How it ended: `end`, `error`, `close <code> by <side>`, or `cut` (the tape stops). */
  ending: string;
}

/** What {@linkcode inspectTape} finds in a tape. */
export interface TapeReport {
  /** The tape's name. */
  tape: string;
  /** When recording started. */
  created: string;
  /** Whether the tape's last line was cut short. */
  truncated: boolean;
  /** One report per connection, in order. */
  connections: ConnectionReport[];
}

/**
 * Builds the timeline of every connection of a tape.
 *
 * @param tape The tape.
 * @returns The report.
 *
 * @example Usage
 * ```ts
 * import { inspectTape } from "./inspect_tape.ts";
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * const tape = Tape.parse([
 *   '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}',
 *   '{"type":"http.request","t":0,"conn":"c1","method":"POST","url":"http://h/v1/responses","headers":[]}',
 *   '{"type":"http.response","t":5,"conn":"c1","status":200,"headers":[]}',
 *   '{"type":"http.chunk","t":6,"conn":"c1","data":{"text":"data: {\\"type\\":\\"response.new_thing\\"}\\n\\n"}}',
 *   '{"type":"http.end","t":7,"conn":"c1"}',
 * ].join("\n"));
 * const [report] = inspectTape(tape).connections;
 * assert.equal(report.timeToFirstByteMs, 6);
 * assert.deepEqual(report.drift, [{ type: "response.new_thing", count: 1, reason: "unknown type" }]);
 * ```
 */
export function inspectTape(tape: Tape): TapeReport {
  return {
    tape: tape.name,
    created: tape.header.created,
    truncated: tape.truncated,
    connections: tape.interactions.map((interaction) =>
      interaction.kind === "http" ? inspectHttp(interaction) : inspectWs(interaction)
    ),
  };
}

class EventTally {
  count = 0;
  byType: Record<string, number> = {};
  rateLimits: RateLimitSnapshot[] = [];
  errors: string[] = [];
  #drift = new Map<string, DriftReport>();

  add(data: string): boolean {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return false;
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (typeof type !== "string") return false;
    this.count++;
    this.byType[type] = (this.byType[type] ?? 0) + 1;
    const schema = WIRE_EVENT_SCHEMAS.get(type);
    if (schema !== undefined) {
      const parsed = schema.safeParse(json);
      if (!parsed.success) this.#addDrift(type, describeIssues(parsed.error));
    } else if (!KNOWN_UNMAPPED.has(type)) {
      this.#addDrift(type, "unknown type");
    }
    if (type === "codex.rate_limits") {
      const snapshot = parseCodexRateLimitsEvent(json);
      if (snapshot !== undefined) this.rateLimits.push(snapshot);
    }
    if (type === "error" || type === "response.failed" || type === "response.incomplete") {
      this.errors.push(`${type}: ${errorText(json)}`);
    }
    return true;
  }

  get drift(): DriftReport[] {
    return [...this.#drift.values()];
  }

  #addDrift(type: string, reason: string): void {
    const known = this.#drift.get(type);
    if (known === undefined) this.#drift.set(type, { type, count: 1, reason });
    else known.count++;
  }
}

function inspectHttp(exchange: HttpInteraction): ConnectionReport {
  const start = exchange.request.t;
  const tally = new EventTally();
  const decoder = new SseDecoder();
  let firstEvent: number | undefined;
  let largestGap: number | undefined;
  let previous = exchange.response?.t;
  for (const chunk of exchange.chunks) {
    if (previous !== undefined) largestGap = Math.max(largestGap ?? 0, chunk.t - previous);
    previous = chunk.t;
    let messages;
    try {
      messages = decoder.push(fromTapeData(chunk.data));
    } catch (error) {
      tally.errors.push(`the body is not a readable event stream: ${messageOf(error)}`);
      break;
    }
    for (const message of messages) {
      if (tally.add(message.data) && firstEvent === undefined) firstEvent = chunk.t - start;
    }
  }
  const status = exchange.response?.status;
  if (status !== undefined && status >= 400) {
    const body = exchange.chunks.map((c) => new TextDecoder().decode(fromTapeData(c.data))).join(
      "",
    );
    tally.errors.push(`HTTP ${status}: ${body.slice(0, 200)}`);
  }
  if (exchange.error !== undefined && exchange.error.by !== "client") {
    tally.errors.push(exchange.error.message);
  }
  const rateLimits = exchange.response === undefined
    ? []
    : parseRateLimitHeaders(new Headers(exchange.response.headers)).filter((snapshot) =>
      snapshot.primary !== null || snapshot.secondary !== null || snapshot.credits !== null
    );
  const last = exchange.end?.t ?? exchange.error?.t ?? exchange.chunks.at(-1)?.t ??
    exchange.response?.t ?? start;
  return {
    conn: exchange.conn,
    kind: "http",
    request: `${exchange.request.method} ${pathOf(exchange.request.url)}`,
    ...(status === undefined ? {} : { status }),
    ...optional("timeToFirstByteMs", exchange.chunks[0]?.t, start),
    ...optional("timeToFirstEventMs", firstEvent, 0),
    ...(largestGap === undefined ? {} : { largestGapMs: round(largestGap) }),
    durationMs: round(last - start),
    events: tally.count,
    eventsByType: tally.byType,
    rateLimits: [...rateLimits, ...tally.rateLimits],
    errors: tally.errors,
    drift: tally.drift,
    ending: exchange.end !== undefined
      ? "end"
      : exchange.error?.by === "client"
      ? "cancelled by the client"
      : exchange.error !== undefined
      ? "error"
      : "cut",
  };
}

function inspectWs(session: WsInteraction): ConnectionReport {
  const start = session.open.t;
  const tally = new EventTally();
  const server = session.frames.filter((frame) => frame.from === "server");
  let firstEvent: number | undefined;
  let largestGap: number | undefined;
  for (let index = 0; index < server.length; index++) {
    const frame = server[index];
    if (index > 0) largestGap = Math.max(largestGap ?? 0, frame.t - server[index - 1].t);
    if (frame.opcode !== "text") continue;
    const text = new TextDecoder().decode(fromTapeData(frame.data));
    if (tally.add(text) && firstEvent === undefined) firstEvent = frame.t - start;
  }
  const { close } = session;
  if (close !== undefined && close.code !== 1000 && close.code !== 1005) {
    tally.errors.push(`closed by the ${close.by} with code ${close.code}: ${close.reason}`);
  }
  const last = close?.t ?? session.frames.at(-1)?.t ?? start;
  return {
    conn: session.conn,
    kind: "ws",
    request: `WS ${pathOf(session.open.url)}`,
    ...optional("timeToFirstByteMs", server[0]?.t, start),
    ...optional("timeToFirstEventMs", firstEvent, 0),
    ...(largestGap === undefined ? {} : { largestGapMs: round(largestGap) }),
    durationMs: round(last - start),
    events: tally.count,
    eventsByType: tally.byType,
    rateLimits: tally.rateLimits,
    errors: tally.errors,
    drift: tally.drift,
    ending: close === undefined ? "cut" : `close ${close.code} by ${close.by}`,
  };
}

function optional<K extends string>(
  key: K,
  at: number | undefined,
  start: number,
): Partial<Record<K, number>> {
  return at === undefined ? {} : { [key]: round(at - start) } as Record<K, number>;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function errorText(json: unknown): string {
  const record = json as {
    error?: { message?: unknown; code?: unknown };
    response?: { error?: { message?: unknown; code?: unknown } };
  };
  const error = record.error ?? record.response?.error;
  if (error === undefined) return "(no error details)";
  return [error.code, error.message].filter((part) => typeof part === "string").join(": ");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
