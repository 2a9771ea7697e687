/**
 * The one error class of codexwire, discriminated by {@linkcode CodexWireErrorKind}.
 *
 * @module
 */

import type { RateLimitSnapshot } from "../ratelimits/rate_limit_snapshot.ts";

/**
 * What went wrong, as a stable tag to switch on.
 *
 * - `contextWindowExceeded`, `quotaExceeded`, `usageNotIncluded`, `invalidRequest`,
 *   `serverOverloaded`, `cyberPolicy`, `misalignmentPolicyViolation`: the server refused
 *   the request (never retried).
 * - `usageLimitReached`: a 429 whose body says `usage_limit_reached`; carries `rateLimits`.
 * - `rateLimited`: any other 429 (not retried, as in Codex).
 * - `unauthorized`: a 401; check the API key.
 * - `http`: any other non-2xx answer (5xx are retried), or a 2xx answer that is not
 *   an event stream, such as the HTML or JSON page of a wrong base URL (not retried).
 * - `stream`: the event stream broke: early end, bad bytes, `response.failed` of the
 *   generic kind, a `response.incomplete` that may not repeat.
 * - `incomplete`: the response stopped early for a reason that would repeat
 *   (`max_output_tokens`, `content_filter`; the reason is in `code`); not retried, and
 *   `partialText` holds the answer so far when `finalResponse()` gathered it.
 * - `idleTimeout`: no event arrived within `idleTimeoutMs`.
 * - `headersTimeout`: the server took the request but sent no response headers within
 *   `headersTimeoutMs` (retried like a network failure).
 * - `network`: the request never got an answer (DNS, refused, reset).
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `compression`: a body could not be compressed or decompressed.
 * - `usage`: the library was called in a way it cannot serve (for example a stream
 *   iterated twice).
 * - `audio`: audio bytes that cannot be used: an odd-length PCM16 payload, a WAV file that
 *   is not PCM16, an unsupported sample rate.
 * - `tape`: a tape could not be read (a bad line) or written (a line still held a secret).
 */
export type CodexWireErrorKind =
  | "contextWindowExceeded"
  | "quotaExceeded"
  | "usageNotIncluded"
  | "usageLimitReached"
  | "invalidRequest"
  | "serverOverloaded"
  | "cyberPolicy"
  | "misalignmentPolicyViolation"
  | "rateLimited"
  | "unauthorized"
  | "http"
  | "stream"
  | "incomplete"
  | "idleTimeout"
  | "headersTimeout"
  | "network"
  | "aborted"
  | "compression"
  | "usage"
  | "audio"
  | "tape";

/** Construction options of {@linkcode CodexWireError}. */
export interface CodexWireErrorOptions {
  /** What went wrong. */
  kind: CodexWireErrorKind;
  /** Whether trying the same request again may succeed. @default false */
  retryable?: boolean;
  /** A delay the server asked for before a retry, in milliseconds. */
  retryAfterMs?: number;
  /** The HTTP status, when there was an HTTP answer (or a wrapped WebSocket error). */
  status?: number;
  /** The response headers, when there was an HTTP answer. */
  headers?: Headers;
  /**
   * The response body text, when there was an HTTP answer: at most its first 64 KiB
   * when it was not an event stream (the rest is not read).
   */
  body?: string;
  /** The server's request id (`x-request-id` / `x-oai-request-id`), when known. */
  requestId?: string;
  /** The `cf-ray` header of the answer, when there was one. */
  cfRay?: string;
  /** The `x-openai-authorization-error` header of the answer, when there was one. */
  identityAuthorizationError?: string;
  /** The `error.code` inside the base64 JSON of an `x-error-json` header, when there was one. */
  identityErrorCode?: string;
  /** The rate-limit snapshot that came with a `usageLimitReached` error. */
  rateLimits?: RateLimitSnapshot;
  /** The plan named by a `usageLimitReached` error. */
  planType?: string;
  /** When a usage limit resets, in Unix seconds. */
  resetsAt?: number;
  /** The promotion text of `x-codex-promo-message`, with a usage-limit error. */
  promoMessage?: string;
  /** The server's error `code` (such as `context_length_exceeded`), when it sent one. */
  code?: string;
  /** The server's error `type` (such as `invalid_request_error`), when it sent one. */
  type?: string;
  /** The request field the server's error names (its `param`), when it sent one. */
  param?: string;
  /** The answer received before a response stopped early (kind `incomplete`). */
  partialText?: string;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * An error raised by codexwire. Switch on {@linkcode CodexWireError.kind}; the HTTP
 * context fields are set only when there was an HTTP answer.
 *
 * @example Usage
 * ```ts
 * import { CodexWireError } from "./codex_wire_error.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new CodexWireError("Stream closed before response.completed", {
 *   kind: "stream",
 *   retryable: true,
 * });
 * assert.equal(error.name, "CodexWireError");
 * assert.equal(error.kind, "stream");
 * assert.equal(error.retryable, true);
 * ```
 */
export class CodexWireError extends Error {
  /** What went wrong. */
  readonly kind: CodexWireErrorKind;
  /** Whether trying the same request again may succeed. */
  readonly retryable: boolean;
  /** A delay the server asked for before a retry, in milliseconds. */
  readonly retryAfterMs?: number;
  /** The HTTP status, when there was an HTTP answer. */
  readonly status?: number;
  /** The response headers, when there was an HTTP answer. */
  readonly headers?: Headers;
  /** The response body text, when there was an HTTP answer. */
  readonly body?: string;
  /** The server's request id, when known. */
  readonly requestId?: string;
  /** The `cf-ray` header of the answer, when there was one. */
  readonly cfRay?: string;
  /** The `x-openai-authorization-error` header of the answer, when there was one. */
  readonly identityAuthorizationError?: string;
  /** The `error.code` of the answer's base64 JSON `x-error-json` header, when there was one. */
  readonly identityErrorCode?: string;
  /** The rate-limit snapshot of a `usageLimitReached` error. */
  readonly rateLimits?: RateLimitSnapshot;
  /** The plan named by a `usageLimitReached` error. */
  readonly planType?: string;
  /** When a usage limit resets, in Unix seconds. */
  readonly resetsAt?: number;
  /** The promotion text of `x-codex-promo-message`. */
  readonly promoMessage?: string;
  /** The server's error `code` (such as `context_length_exceeded`), when it sent one. */
  readonly code?: string;
  /** The server's error `type` (such as `invalid_request_error`), when it sent one. */
  readonly type?: string;
  /** The request field the server's error names (its `param`), when it sent one. */
  readonly param?: string;
  /** The answer received before a response stopped early (kind `incomplete`). */
  readonly partialText?: string;

  /**
   * Creates an error.
   *
   * @param message A sentence-case message that says what to do next.
   * @param options The kind and context.
   */
  constructor(message: string, options: CodexWireErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodexWireError";
    this.kind = options.kind;
    this.retryable = options.retryable ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.status !== undefined) this.status = options.status;
    if (options.headers !== undefined) this.headers = options.headers;
    if (options.body !== undefined) this.body = options.body;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    if (options.cfRay !== undefined) this.cfRay = options.cfRay;
    if (options.identityAuthorizationError !== undefined) {
      this.identityAuthorizationError = options.identityAuthorizationError;
    }
    if (options.identityErrorCode !== undefined) this.identityErrorCode = options.identityErrorCode;
    if (options.rateLimits !== undefined) this.rateLimits = options.rateLimits;
    if (options.planType !== undefined) this.planType = options.planType;
    if (options.resetsAt !== undefined) this.resetsAt = options.resetsAt;
    if (options.promoMessage !== undefined) this.promoMessage = options.promoMessage;
    if (options.code !== undefined) this.code = options.code;
    if (options.type !== undefined) this.type = options.type;
    if (options.param !== undefined) this.param = options.param;
    if (options.partialText !== undefined) this.partialText = options.partialText;
  }

  /**
   * A plain object for logs and `--json` output: kind, message, retryable, and the HTTP
   * status, the retry delay and the server's error `code` and `param` when there were
   * ones.
   *
   * @returns The JSON form of this error.
   */
  toJSON(): {
    type: "error";
    kind: CodexWireErrorKind;
    message: string;
    retryable: boolean;
    status?: number;
    retryAfterMs?: number;
    code?: string;
    param?: string;
  } {
    return {
      type: "error",
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.code === undefined ? {} : { code: this.code }),
      ...(this.param === undefined ? {} : { param: this.param }),
    };
  }
}
