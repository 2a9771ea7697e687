/**
 * Telemetry hooks: one call per HTTP attempt, one per SSE event, one per retry, and the
 * WebSocket ones (handshake, request frame, frame, timing); and a default that logs them
 * through LogTape under the `codexwire` category.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { CodexWireError } from "../errors/codex_wire_error.ts";
import type { WebSocketTelemetry } from "./websocket_telemetry.ts";

/** One HTTP attempt, reported when its headers arrived or it failed. */
export interface RequestTelemetry {
  /** The attempt number, from 1 (transport retries count up). */
  attempt: number;
  /** The URL requested, with secrets in its query and userinfo redacted. */
  url: string;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** The error, when the attempt failed. */
  error?: CodexWireError;
  /** From sending the request to its headers or its failure, in milliseconds. */
  durationMs: number;
}

/**
 * One wait for the next SSE event and its outcome. Waits that end without an event are
 * reported too, with `ok: false`: `kind` is `idleTimeout` when no event came in time,
 * `streamError` when the body broke, and `eof` when it ended before `response.completed`.
 */
export interface SseEventTelemetry {
  /**
   * The SSE `event:` name, else the JSON `type`, else `message`; or `idleTimeout`,
   * `streamError`, `eof` for a wait that ended without an event.
   */
  kind: string;
  /** `false` for bad JSON, an invalid event, `response.failed`, or a stream error. */
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
  /** How long the wait took, in milliseconds. */
  durationMs: number;
}

/** A retry that is about to happen. */
export interface RetryTelemetry {
  /**
   * `request` (before any answer), `stream` (the whole response again), or `connection`
   * (a connection failure with unbounded connection retries: waiting for the network).
   */
  layer: "request" | "stream" | "connection";
  /** Which retry, from 1. */
  attempt: number;
  /** How many this layer allows (`Infinity` for unbounded connection retries). */
  maxAttempts: number;
  /** The wait before it, in milliseconds. */
  delayMs: number;
  /** What failed. */
  error: CodexWireError;
}

/**
 * Hooks a client calls as it works. Every hook is optional; a hook that throws is logged
 * and otherwise ignored, so telemetry can never break a stream.
 *
 * @example Counting attempts
 * ```ts
 * import type { Telemetry } from "./telemetry.ts";
 *
 * let attempts = 0;
 * const telemetry: Telemetry = { onRequest: () => attempts++ };
 * telemetry.onRequest?.({ attempt: 1, url: "http://127.0.0.1/v1/responses", status: 200, durationMs: 3 });
 * ```
 */
export interface Telemetry extends WebSocketTelemetry {
  /** After each HTTP attempt. */
  onRequest?(info: RequestTelemetry): void;
  /** After each wait for an SSE event, including waits that end in a timeout, an error or the end. */
  onSseEvent?(info: SseEventTelemetry): void;
  /** Before each retry. */
  onRetry?(info: RetryTelemetry): void;
}

const logger = getLogger(["codexwire", "telemetry"]);

/**
 * Telemetry that logs through LogTape (category `["codexwire", "telemetry"]`): attempts
 * at `debug` (`warning` when failed), SSE events at `trace` (`warning` when failed), and
 * retries at `info`. It logs nothing until the application configures LogTape, and it
 * watches SSE events only if LogTape was configured for them before it was created.
 *
 * @returns The telemetry hooks.
 *
 * @example Usage
 * ```ts
 * import { logTelemetry } from "./telemetry.ts";
 * const telemetry = logTelemetry();
 * telemetry.onRetry?.({ layer: "stream", attempt: 1, maxAttempts: 5, delayMs: 200,
 *   error: new (await import("../errors/codex_wire_error.ts")).CodexWireError("boom", { kind: "stream" }) });
 * ```
 */
export function logTelemetry(): Telemetry {
  const telemetry: Telemetry = {
    onRequest(info) {
      if (info.error === undefined) {
        logger.debug("HTTP attempt {attempt} answered {status} in {durationMs} ms", { ...info });
      } else {
        logger.warn("HTTP attempt {attempt} failed: {message}", {
          ...info,
          message: info.error.message,
        });
      }
    },
    onRetry(info) {
      logger.info("Reconnecting... {attempt}/{maxAttempts} in {delayMs} ms: {message}", {
        ...info,
        message: info.error.message,
      });
    },
    onWebSocketConnect(info) {
      if (info.error === undefined) {
        logger.debug("WebSocket to {url} open in {durationMs} ms", { ...info });
      } else {
        logger.warn("WebSocket to {url} failed: {message}", {
          ...info,
          message: info.error.message,
        });
      }
    },
    onWebSocketRequest(info) {
      if (info.error !== undefined) {
        logger.warn("WebSocket request failed: {message}", {
          ...info,
          message: info.error.message,
        });
      }
    },
  };
  // A per-event hook costs a call and a clock read on every event (about a fifth of the
  // client's time on 200k small deltas, bench/sse_compare.ts), so it is installed only
  // when LogTape is configured to log SSE events when the client is created.
  if (logger.isEnabledFor("warning")) {
    telemetry.onSseEvent = (info) => {
      if (!info.ok) logger.warn("SSE event {kind} failed: {error}", { ...info });
      else if (logger.isEnabledFor("trace")) {
        logger.trace("SSE event {kind} after {durationMs} ms", { ...info });
      }
    };
    telemetry.onWebSocketEvent = (info) => {
      if (!info.ok) logger.warn("WebSocket event {kind} failed: {error}", { ...info });
      else if (logger.isEnabledFor("trace")) {
        logger.trace("WebSocket event {kind} after {durationMs} ms", { ...info });
      }
    };
    telemetry.onWebSocketTiming = (info) => {
      logger.trace("WebSocket timing {metrics}", { ...info });
    };
  }
  return telemetry;
}

/**
 * Calls every given hook set, isolating failures: a hook that throws is logged at
 * `error` and the others still run.
 *
 * @param sets The hook sets; `undefined` entries are skipped.
 * @returns One hook set, or `undefined` when none was given.
 *
 * @example Usage
 * ```ts
 * import { combineTelemetry, logTelemetry } from "./telemetry.ts";
 * const telemetry = combineTelemetry([logTelemetry(), { onRequest: () => { throw new Error("x"); } }]);
 * telemetry?.onRequest?.({ attempt: 1, url: "http://127.0.0.1/", status: 200, durationMs: 1 });
 * ```
 */
export function combineTelemetry(
  sets: readonly (Telemetry | undefined)[],
): Telemetry | undefined {
  const present = sets.filter((set): set is Telemetry => set !== undefined);
  if (present.length === 0) return undefined;
  const call = <K extends keyof Telemetry>(
    hook: K,
    info: Parameters<NonNullable<Telemetry[K]>>[0],
  ) => {
    for (const set of present) {
      try {
        // deno-lint-ignore no-explicit-any
        (set[hook] as ((info: any) => void) | undefined)?.call(set, info);
      } catch (error) {
        // A telemetry hook must never break a stream: log it and go on.
        logger.error("Telemetry hook {hook} threw: {error}", { hook, error });
      }
    }
  };
  const combined: Telemetry = {};
  if (present.some((set) => set.onRequest)) combined.onRequest = (info) => call("onRequest", info);
  if (present.some((set) => set.onSseEvent)) {
    combined.onSseEvent = (info) => call("onSseEvent", info);
  }
  if (present.some((set) => set.onRetry)) combined.onRetry = (info) => call("onRetry", info);
  for (
    const hook of [
      "onWebSocketConnect",
      "onWebSocketRequest",
      "onWebSocketEvent",
      "onWebSocketTiming",
    ] as const
  ) {
    // deno-lint-ignore no-explicit-any
    if (present.some((set) => set[hook])) combined[hook] = (info: any) => call(hook, info);
  }
  return combined;
}
