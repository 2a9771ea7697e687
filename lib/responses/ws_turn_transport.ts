/**
 * The WebSocket adapter of the turn engine: each attempt leases a connection (opening one
 * when none is idle), replays the handshake's facts, sends one `response.create` and
 * reads the response. A connection that cannot be opened hands over to the fallback at
 * once when the policy says so.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { abortableSleep, connectionDelayMs } from "../transport/backoff.ts";
import type { ResponseEvent } from "./response_event.ts";
import { type OpenedAttempt, reconnectingEvent, type TurnTransport } from "./turn_engine.ts";
import type { TransportFallback } from "./ws_fallback.ts";
import type { WebSocketAttempt, WebSocketTransport } from "./ws_transport.ts";

/** What one WebSocket request needs; built by the session for each request. */
export interface WebSocketTurnRequest {
  /** The client's connections. */
  pool: WebSocketTransport;
  /** The client's fallback state. */
  fallback: TransportFallback;
  /** The handshake headers of a new connection (they may carry the turn's state). */
  handshakeHeaders: () => Headers;
  /** Called with the 101 answer's headers of a new connection (older servers' turn state). */
  onHandshake: (headers: Headers) => void;
  /** The full HTTP body of the request. */
  body: () => Record<string, unknown>;
  /** The `client_metadata` entries of this attempt (turn state, turn metadata). */
  clientMetadata: () => Record<string, string>;
  /** `false` for a warm-up. */
  generate?: false;
  /** The idle timeout per frame, in milliseconds. */
  idleTimeoutMs: number;
  /** Yield unmapped wire events. */
  passthrough: boolean;
  /** Called with each turn state a `response.metadata` event carries. */
  onTurnState: (turnState: string) => void;
  /** Called with the attempt once its request was sent (for steering). */
  onAttempt?: (attempt: WebSocketAttempt | undefined) => void;
  /**
   * Retry a connection that cannot be opened (refused, reset, DNS, connect timeout)
   * without limit, waiting `baseDelayMs` doubled each time up to `maxDelayMs`, without
   * using up the stream retries, unless the fallback policy hands over to HTTP first.
   */
  connectionRetries?: { baseDelayMs: number; maxDelayMs: number };
  /** Telemetry hooks (`onRetry` of those connection retries). */
  telemetry?: Telemetry;
}

/**
 * Builds the WebSocket turn transport for one request.
 *
 * @param request The request and the client's WebSocket state.
 * @param fallback The HTTP transport of the same request, or `undefined` for none.
 * @returns The transport adapter.
 *
 * @example Built by the session for each request
 * ```ts ignore
 * const events = runTurn(webSocketTurnTransport(request, sseTurnTransport(sse)), { retry, signal });
 * ```
 */
export function webSocketTurnTransport(
  request: WebSocketTurnRequest,
  fallback: TurnTransport | undefined,
): TurnTransport {
  return {
    ...(fallback === undefined ? {} : {
      fallback: { transport: fallback, switched: () => request.fallback.switched() },
    }),
    async *open(signal): AsyncGenerator<ResponseEvent, OpenedAttempt, undefined> {
      let lease;
      for (let connectionRetry = 1; lease === undefined; connectionRetry++) {
        let failure: CodexWireError;
        try {
          lease = await request.pool.acquire(request.handshakeHeaders(), signal);
          break;
        } catch (error) {
          failure = error as CodexWireError;
        }
        const decision = request.fallback.onConnectError(failure);
        if (decision === "fallback" && fallback !== undefined) return { fallbackNow: failure };
        const waiting = request.connectionRetries;
        if (waiting !== undefined && failure.kind === "network") {
          // Waiting for the network: these retries do not use up the stream retries.
          const delayMs = connectionDelayMs(
            connectionRetry,
            waiting.baseDelayMs,
            waiting.maxDelayMs,
          );
          yield reconnectingEvent(
            request.telemetry,
            "connection",
            connectionRetry,
            Infinity,
            delayMs,
            failure,
          );
          await abortableSleep(delayMs, signal);
          continue;
        }
        if (decision === "fallback") throw failure;
        // A connect failure the policy retries (a 404 say) goes through the stream
        // retries, and to the fallback once they are spent.
        if (decision === "retry" && failure instanceof CodexWireError && !failure.retryable) {
          throw retryable(failure);
        }
        throw failure;
      }
      if (!lease.reused) request.onHandshake(lease.handshakeHeaders);
      // The handshake's events lead the first batch: nothing is yielded while the lease is
      // held outside an attempt, so leaving the iteration cannot strand it.
      let leading: ResponseEvent[] | undefined = lease.handshakeEvents;
      let failed: unknown;
      const attempt = await lease.send({
        body: request.body(),
        clientMetadata: request.clientMetadata(),
        ...(request.generate === false ? { generate: false } : {}),
        idleTimeoutMs: request.idleTimeoutMs,
        ...(signal === undefined ? {} : { signal }),
        passthrough: request.passthrough,
        onTurnState: request.onTurnState,
      });
      request.onAttempt?.(attempt);
      return {
        get completed() {
          return attempt.completed;
        },
        async next() {
          if (failed !== undefined) throw failed;
          if (leading === undefined) return await attempt.next();
          const first = leading;
          leading = undefined;
          if (first.length === 0) return await attempt.next();
          try {
            return [...first, ...await attempt.next()];
          } catch (error) {
            // The handshake's events still go out; the failure follows on the next call.
            failed = error;
            return first;
          }
        },
        async close() {
          request.onAttempt?.(undefined);
          await attempt.cancel();
        },
      };
    },
  };
}

function retryable(error: CodexWireError): CodexWireError {
  return new CodexWireError(error.message, {
    kind: error.kind,
    retryable: true,
    cause: error,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.headers === undefined ? {} : { headers: error.headers }),
    ...(error.body === undefined ? {} : { body: error.body }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
  });
}
