/**
 * {@linkcode TraceContext}: the W3C trace context a request carries, and its check.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";

/**
 * A W3C trace context (the `traceparent` and `tracestate` of the current span), as Codex
 * sends it: over HTTP as the `traceparent` / `tracestate` headers of each request; over
 * WebSocket in the `response.create` body's `client_metadata`, as
 * `ws_request_header_traceparent` / `ws_request_header_tracestate` (never on the
 * handshake, which a connection's later requests share).
 */
export interface TraceContext {
  /**
   * `00-<trace id: 32 hex digits>-<parent id: 16 hex digits>-<flags: 2 hex digits>`, in
   * lower case; neither id may be all zeros.
   */
  traceparent: string;
  /** The vendor entries (`key=value,…`), passed on as they are; empty means none. */
  tracestate?: string;
}

const TRACEPARENT_REGEXP = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const ALL_ZEROS_REGEXP = /^0+$/;
// Visible ASCII and spaces: what a header value may hold without surprises.
const TRACESTATE_REGEXP = /^[\x20-\x7e]*$/;

/**
 * Checks a trace context before it goes out.
 *
 * @param trace The trace context.
 * @returns The trace context to send: `tracestate` trimmed, and left out when empty.
 * @throws {CodexWireError} `usage` when it is not an object, `traceparent` is not a
 * version-00 W3C `traceparent` with non-zero ids, or `tracestate` holds characters a
 * header cannot.
 *
 * @example Usage
 * ```ts
 * import { checkTraceContext } from "./trace_context.ts";
 * import assert from "node:assert/strict";
 *
 * const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
 * assert.deepEqual(checkTraceContext({ traceparent, tracestate: " " }), { traceparent });
 * assert.throws(() => checkTraceContext({ traceparent: "00-abc-01" }), { kind: "usage" });
 * ```
 */
export function checkTraceContext(trace: TraceContext): TraceContext {
  if (typeof trace !== "object" || trace === null) {
    throw new CodexWireError(
      `Cannot send trace context: trace must be an object { traceparent, tracestate? }, got ${
        JSON.stringify(trace)
      }`,
      { kind: "usage" },
    );
  }
  const { traceparent, tracestate } = trace;
  const match = typeof traceparent === "string" ? TRACEPARENT_REGEXP.exec(traceparent) : null;
  if (match === null) {
    throw new CodexWireError(
      `Cannot send trace context: traceparent must be "00-<32 hex digits>-<16 hex digits>-<2 hex digits>" in lower case, got ${
        JSON.stringify(traceparent)
      }`,
      { kind: "usage" },
    );
  }
  if (ALL_ZEROS_REGEXP.test(match[1]) || ALL_ZEROS_REGEXP.test(match[2])) {
    throw new CodexWireError(
      `Cannot send trace context: the trace id and parent id of traceparent must not be all zeros, got ${
        JSON.stringify(traceparent)
      }`,
      { kind: "usage" },
    );
  }
  if (
    tracestate !== undefined &&
    (typeof tracestate !== "string" || !TRACESTATE_REGEXP.test(tracestate))
  ) {
    throw new CodexWireError(
      `Cannot send trace context: tracestate must be printable ASCII text, got ${
        JSON.stringify(tracestate)
      }`,
      { kind: "usage" },
    );
  }
  // Sent the same over HTTP (where a header value is trimmed) and over WebSocket.
  const state = tracestate?.trim();
  return state === undefined || state === "" ? { traceparent } : { traceparent, tracestate: state };
}
