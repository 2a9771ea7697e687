/**
 * {@linkcode normalizeRequestBody}: a Codex request body with its volatile parts (random
 * ids, turn, session and thread ids, `client_metadata`) replaced by fixed markers, so a
 * re-run of the same client compares equal to its recording.
 *
 * @module
 */

/** Keys whose values change on every run, wherever they appear. */
const VOLATILE_KEYS: ReadonlySet<string> = new Set([
  "turn_id",
  "session_id",
  "thread_id",
  "parent_turn_id",
  "root_turn_id",
  "prompt_cache_key",
  "installation_id",
  "window_id",
  "turn_started_at_unix_ms",
  "x-codex-installation-id",
  "x-codex-window-id",
  "x-codex-turn-metadata",
  "x-codex-turn-state",
  "x-codex-ws-stream-request-start-ms",
  "x-codex-parent-thread-id",
]);

/** Keys left out: per-run metadata the server does not act on. */
const DROPPED_KEYS: ReadonlySet<string> = new Set([
  "internal_chat_message_metadata_passthrough",
]);

/** `client_metadata` keys of a request's W3C trace context, left out with their values. */
const TRACE_METADATA_KEYS: ReadonlySet<string> = new Set([
  "ws_request_header_traceparent",
  "ws_request_header_tracestate",
]);

const PREFIXED_UUID_REGEXP =
  /^([A-Za-z][A-Za-z0-9]*)_[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID_REGEXP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Replaces the volatile parts of a request body (and sorts object keys, so equal bodies
 * give equal JSON text): `<prefix>_<uuid>` ids become
 * `<prefix>_<id>`, bare UUIDs `<uuid>`, turn/session/thread ids and every
 * `client_metadata` value `<volatile>`; `internal_chat_message_metadata_passthrough`
 * is dropped.
 *
 * @param value The parsed JSON body.
 * @returns A normalised copy.
 *
 * @example Usage
 * ```ts
 * import { normalizeRequestBody } from "./normalize_request_body.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   normalizeRequestBody({
 *     input: [{ id: "msg_0190f8a2-3b4c-7d5e-8f60-718293a4b5c6", type: "message" }],
 *     client_metadata: { turn_id: "t-123", session_id: "s-9" },
 *   }),
 *   {
 *     input: [{ id: "msg_<id>", type: "message" }],
 *     client_metadata: { turn_id: "<volatile>", session_id: "<volatile>" },
 *   },
 * );
 * ```
 */
export function normalizeRequestBody(value: unknown): unknown {
  if (typeof value === "string") {
    const prefixed = PREFIXED_UUID_REGEXP.exec(value);
    if (prefixed !== null) return `${prefixed[1]}_<id>`;
    return UUID_REGEXP.test(value) ? "<uuid>" : value;
  }
  if (Array.isArray(value)) return value.map(normalizeRequestBody);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  // Keys sorted, so two normalised bodies compare equal as JSON text whatever their order.
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, field] of entries) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === "client_metadata" && typeof field === "object" && field !== null) {
      // The trace context comes and goes with the caller's tracing: its keys are left out.
      out[key] = Object.fromEntries(
        Object.keys(field).filter((name) => !TRACE_METADATA_KEYS.has(name)).sort().map((
          name,
        ) => [name, "<volatile>"]),
      );
    } else if (VOLATILE_KEYS.has(key)) {
      out[key] = "<volatile>";
    } else {
      out[key] = normalizeRequestBody(field);
    }
  }
  return out;
}

/**
 * Lists where two normalised bodies differ, as `path: recorded ≠ received` lines.
 *
 * @param recorded The recorded body.
 * @param received The received body.
 * @param limit The most differences to list.
 * @returns The differences (empty when equal).
 *
 * @example Usage
 * ```ts
 * import { bodyDifferences } from "./normalize_request_body.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(bodyDifferences({ model: "a" }, { model: "b" }), ['body.model: "a" ≠ "b"']);
 * ```
 */
export function bodyDifferences(recorded: unknown, received: unknown, limit = 5): string[] {
  const out: string[] = [];
  diff(recorded, received, "body", out, limit);
  return out;
}

function diff(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  const bothObjects = typeof a === "object" && a !== null && typeof b === "object" && b !== null;
  if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const sub = Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`;
      diff(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        sub,
        out,
        limit,
      );
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    if (typeof a === "string" && typeof b === "string") {
      // Long texts often share a long start: show them from just before the first difference.
      let at = 0;
      while (at < a.length && at < b.length && a[at] === b[at]) at++;
      const from = Math.max(0, at - 20);
      if (from > 0) {
        out.push(
          `${path} (from character ${from}): ${short(a.slice(from))} ≠ ${short(b.slice(from))}`,
        );
        return;
      }
    }
    out.push(`${path}: ${short(a)} ≠ ${short(b)}`);
  }
}

function short(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
