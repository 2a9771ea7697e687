/**
 * When the WebSocket transport gives way to HTTP: the policy a client is built with, and
 * the per-client state that applies it.
 *
 * @module
 */

import type { CodexWireError } from "../errors/codex_wire_error.ts";

/** How a client falls back from WebSocket to HTTP. */
export interface WebSocketFallbackPolicy {
  /**
   * What to do when the connection cannot be opened at all (refused, DNS, TLS, a timeout,
   * or 404 / 405 on the upgrade): `fallback` switches to HTTP at once; `retry` retries it
   * like any retryable error and switches only when the retries are spent. A 426 answer
   * always switches at once.
   * @default {"fallback"}
   */
  onConnectError?: "fallback" | "retry";
  /**
   * Whether a switch lasts for the rest of the client's life (`true`) or only for the
   * request that switched (`false`).
   * @default {true}
   */
  sticky?: boolean;
}

/** What to do with a WebSocket failure. */
export type FallbackDecision = "fallback" | "retry" | "fail";

/**
 * Applies a {@linkcode WebSocketFallbackPolicy} for one client and remembers a sticky
 * switch.
 *
 * @example A refused connection switches at once, and for good
 * ```ts
 * import { TransportFallback } from "./ws_fallback.ts";
 * import { CodexWireError } from "../errors/codex_wire_error.ts";
 * import assert from "node:assert/strict";
 *
 * const fallback = new TransportFallback();
 * const refused = new CodexWireError("Cannot connect", { kind: "network", retryable: true });
 * assert.equal(fallback.onConnectError(refused), "fallback");
 * fallback.switched();
 * assert.equal(fallback.websocketDisabled, true);
 * ```
 */
export class TransportFallback {
  #onConnectError: "fallback" | "retry";
  #sticky: boolean;
  #disabled = false;

  /**
   * Creates the state for one client.
   *
   * @param policy The policy.
   * @throws {TypeError} When `onConnectError` is neither `fallback` nor `retry`.
   */
  constructor(policy: WebSocketFallbackPolicy = {}) {
    const onConnectError = policy.onConnectError ?? "fallback";
    if (onConnectError !== "fallback" && onConnectError !== "retry") {
      throw new TypeError(
        `Cannot create the WebSocket fallback: onConnectError must be "fallback" or "retry", got ${
          JSON.stringify(onConnectError)
        }`,
      );
    }
    this.#onConnectError = onConnectError;
    this.#sticky = policy.sticky ?? true;
  }

  /** Whether a sticky switch happened: every request goes over HTTP now. */
  get websocketDisabled(): boolean {
    return this.#disabled;
  }

  /**
   * Decides what a failed connect leads to: `fallback` for a 426, and for a connection
   * that could not be opened when the policy says so; `retry` for other retryable
   * failures; `fail` for the rest (an abort, a 401, a 429 …, which HTTP would meet too).
   *
   * @param error The connect failure.
   * @returns The decision.
   */
  onConnectError(error: CodexWireError): FallbackDecision {
    if (error.kind === "aborted") return "fail";
    if (error.status === 426) return "fallback";
    const unreachable = error.kind === "network" ||
      (error.kind === "http" && (error.status === 404 || error.status === 405));
    if (unreachable) return this.#onConnectError === "fallback" ? "fallback" : "retry";
    return error.retryable ? "retry" : "fail";
  }

  /** Records a switch to HTTP (lasting when the policy is sticky). */
  switched(): void {
    if (this.#sticky) this.#disabled = true;
  }
}

/**
 * The warning text of a switch to HTTP, as Codex words it.
 *
 * @param error What made the client switch.
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { fallbackMessage } from "./ws_fallback.ts";
 * import { CodexWireError } from "../errors/codex_wire_error.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   fallbackMessage(new CodexWireError("websocket closed", { kind: "stream" })),
 *   "Falling back from WebSockets to HTTPS transport. websocket closed",
 * );
 * ```
 */
export function fallbackMessage(error: CodexWireError): string {
  return `Falling back from WebSockets to HTTPS transport. ${error.message}`;
}
