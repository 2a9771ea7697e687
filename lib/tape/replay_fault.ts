/**
 * Faults the replay server can add to a tape: a dropped connection, a WebSocket closed
 * with a code, a delayed chunk, a 429 or 5xx answer, an injected error event, a refused
 * upgrade.
 *
 * @module
 */

/** One fault. `times` limits it to the first so many requests or sockets it fits. */
export type ReplayFault =
  & (
    /** Break the connection (HTTP) or close with 1011 (WebSocket) after `events` events. */
    | { kind: "dropAfter"; events: number }
    /** Close the WebSocket with `code` after `afterEvents` server messages. */
    | { kind: "wsClose"; code: number; afterEvents?: number; reason?: string }
    /** Hold the piece at `index` (after re-chunking) `ms` milliseconds longer. */
    | { kind: "delayChunk"; index: number; ms: number }
    /** Answer with this status (429 or 5xx) and a JSON error, without the tape. */
    | { kind: "status"; status: number; retryAfterSeconds?: number }
    /** Send an `error` event (an SSE event, or a WebSocket text message) after `afterEvents`. */
    | { kind: "errorFrame"; afterEvents?: number }
    /** Refuse WebSocket upgrades with 426 Upgrade Required. */
    | { kind: "refuseUpgrade" }
  )
  & {
    /** Apply to this many requests or sockets, then stop. @default {Infinity} */
    times?: number;
  };

/**
 * Reads a fault from its command-line form:
 * `drop-after:N`, `ws-close:CODE[@N]`, `delay:INDEX:MS`, `429[:SECONDS]`, `500`–`599`,
 * `error-frame[@N]`, `refuse-upgrade`, each optionally followed by `,times=N`.
 *
 * @param spec The text.
 * @returns The fault.
 * @throws {TypeError} If the text is not a fault.
 *
 * @example Usage
 * ```ts
 * import { parseFault } from "./replay_fault.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseFault("429:2,times=1"), {
 *   kind: "status",
 *   status: 429,
 *   retryAfterSeconds: 2,
 *   times: 1,
 * });
 * assert.deepEqual(parseFault("ws-close:4000@3"), { kind: "wsClose", code: 4000, afterEvents: 3 });
 * ```
 */
export function parseFault(spec: string): ReplayFault {
  const [body, ...options] = spec.trim().split(",");
  let times: number | undefined;
  for (const option of options) {
    const match = /^times=(\d+)$/.exec(option.trim());
    if (match === null) throw badFault(spec, `unknown option "${option}"`);
    times = Number(match[1]);
  }
  const fault = parseBody(body, spec);
  return times === undefined ? fault : { ...fault, times };
}

function parseBody(body: string, spec: string): ReplayFault {
  let match: RegExpExecArray | null;
  if ((match = /^drop-after:(\d+)$/.exec(body)) !== null) {
    return { kind: "dropAfter", events: Number(match[1]) };
  }
  if ((match = /^ws-close:(\d{4})(?:@(\d+))?$/.exec(body)) !== null) {
    const code = Number(match[1]);
    if (code !== 1000 && (code < 3000 || code > 4999)) {
      throw badFault(spec, `close code ${code} cannot be sent: use 1000 or 3000–4999`);
    }
    return match[2] === undefined
      ? { kind: "wsClose", code }
      : { kind: "wsClose", code, afterEvents: Number(match[2]) };
  }
  if ((match = /^delay:(\d+):(\d+)$/.exec(body)) !== null) {
    return { kind: "delayChunk", index: Number(match[1]), ms: Number(match[2]) };
  }
  if ((match = /^429(?::(\d+))?$/.exec(body)) !== null) {
    return match[1] === undefined
      ? { kind: "status", status: 429 }
      : { kind: "status", status: 429, retryAfterSeconds: Number(match[1]) };
  }
  if (/^5\d\d$/.test(body)) return { kind: "status", status: Number(body) };
  if ((match = /^error-frame(?:@(\d+))?$/.exec(body)) !== null) {
    return match[1] === undefined
      ? { kind: "errorFrame" }
      : { kind: "errorFrame", afterEvents: Number(match[1]) };
  }
  if (body === "refuse-upgrade") return { kind: "refuseUpgrade" };
  throw badFault(
    spec,
    "use drop-after:N, ws-close:CODE[@N], delay:INDEX:MS, 429[:SECONDS], 5xx, error-frame[@N] or refuse-upgrade",
  );
}

function badFault(spec: string, why: string): TypeError {
  return new TypeError(`Unknown fault "${spec}": ${why}`);
}

/** The faults of one server, each used up after its `times`. */
export class FaultBook {
  #faults: { fault: ReplayFault; left: number }[];

  /**
   * Takes the faults.
   *
   * @param faults The faults.
   */
  constructor(faults: readonly ReplayFault[]) {
    this.#faults = faults.map((fault) => ({ fault, left: fault.times ?? Infinity }));
  }

  /**
   * Takes the faults that fit a request or a socket, counting one use of each.
   *
   * @param transport Which kind of exchange.
   * @returns The faults to apply to it.
   */
  take(transport: "http" | "ws"): ReplayFault[] {
    const taken: ReplayFault[] = [];
    for (const entry of this.#faults) {
      if (entry.left <= 0 || !fits(entry.fault, transport)) continue;
      entry.left--;
      taken.push(entry.fault);
    }
    return taken;
  }
}

function fits(fault: ReplayFault, transport: "http" | "ws"): boolean {
  if (fault.kind === "wsClose" || fault.kind === "refuseUpgrade") return transport === "ws";
  return true;
}

/** The JSON of an injected `error` event. */
export const INJECTED_ERROR_EVENT: {
  type: "error";
  error: { type: string; code: string; message: string };
} = {
  type: "error",
  error: {
    type: "server_error",
    code: "replay_injected_fault",
    message: "An error injected by the replay server",
  },
};
