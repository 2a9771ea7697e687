/**
 * Errors for non-2xx HTTP answers and for WebSocket `error` frames that wrap one.
 *
 * @module
 */

import { parseRateLimitHeadersForLimit } from "../ratelimits/parse_rate_limit_headers.ts";
import { CodexWireError, type CodexWireErrorOptions } from "./codex_wire_error.ts";
import { describeStatus } from "./_http_status_text.ts";
import {
  CLOUDFLARE_BLOCKED_MESSAGE,
  CONTEXT_WINDOW_EXCEEDED_MESSAGE,
  INVALID_REQUEST_MESSAGE,
  messageOr,
  MISALIGNMENT_POLICY_MESSAGE,
  PREVIOUS_RESPONSE_NOT_FOUND_MESSAGE,
  SERVER_OVERLOADED_MESSAGE,
  USAGE_NOT_INCLUDED_MESSAGE,
  WEBSOCKET_CONNECTION_LIMIT_MESSAGE,
} from "./_messages.ts";
import { USAGE_ERROR_BODY_SCHEMA, WRAPPED_WEBSOCKET_ERROR_SCHEMA } from "./_wire_error_schemas.ts";
import { parseRetryAfterMs } from "../transport/retry_after.ts";
import { parseRetryDelayMs } from "./parse_retry_delay.ts";
import { formatDelay } from "./_format_delay.ts";

/** The longest body excerpt a message quotes, in characters. */
const MAX_EXCERPT_LENGTH = 200;
const WHITESPACE_RUN_REGEXP = /\s+/g;

/** A non-2xx HTTP answer, with its body already read as text. */
export interface HttpErrorAnswer {
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** The whole response body as text (may be empty). */
  body: string;
  /**
   * The request URL. Not copied into the error or its message: it may carry secrets
   * such as an `api-key` query parameter.
   */
  url?: string;
}

/**
 * Classifies a non-2xx HTTP answer, in this order:
 *
 * | answer | `kind` | retryable |
 * |---|---|---|
 * | 503, JSON body with `error.code` `server_is_overloaded` or `slow_down` | `serverOverloaded` | no |
 * | 400, `error.code` `context_length_exceeded` | `contextWindowExceeded` | no |
 * | 400 or 403, `error.code` `misalignment_policy_violation` | `misalignmentPolicyViolation` | no |
 * | 400 | `invalidRequest` (message: the body's `error.message`, else the body text) | no |
 * | 401 | `unauthorized` | no |
 * | 429, `error.type` `usage_limit_reached` | `usageLimitReached` | no |
 * | 429, `error.type` `usage_not_included` | `usageNotIncluded` | no |
 * | any other 429 | `rateLimited` (Codex does not retry it); `retryAfterMs` and the message give the delay the server asked for | no |
 * | 403 whose body names Cloudflare and "blocked" | `http`, with a hint about the network | no |
 * | 5xx (a 500 naming `server_is_overloaded` too) | `http` | yes |
 * | anything else | `http` | no |
 *
 * Every error carries `status`, `headers`, `body`, the body's `error.code`, `error.type`
 * and `error.param` when present (as `code`, `type`, `param`) and, when the server sent
 * `x-request-id` (or `x-oai-request-id`), `requestId`; likewise `cfRay` from `cf-ray`,
 * `identityAuthorizationError` from `x-openai-authorization-error`, and
 * `identityErrorCode` from the `error.code` of the base64 JSON in `x-error-json`. The
 * delay of a 429 comes from `retry-after-ms` / `Retry-After`, else from a "try again
 * in …" in the message. A `usageLimitReached` error also
 * carries `planType` and `resetsAt` from the body, `rateLimits` parsed from the headers
 * for the family named by `x-codex-active-limit` (default `codex`), and `promoMessage`
 * from `x-codex-promo-message`. Messages quote at most 200 characters of the server's
 * `error.message` (else of the body), with whitespace collapsed.
 *
 * @param answer The status, headers and body text of the answer.
 * @returns The error to surface.
 *
 * @example Usage
 * ```ts
 * import { errorFromHttpResponse } from "./error_from_http_response.ts";
 * import assert from "node:assert/strict";
 *
 * const error = errorFromHttpResponse({
 *   status: 429,
 *   headers: new Headers({
 *     "x-codex-active-limit": "codex_other",
 *     "x-codex-other-primary-used-percent": "100",
 *     "x-request-id": "req_1",
 *   }),
 *   body: JSON.stringify({ error: { type: "usage_limit_reached", plan_type: "pro" } }),
 * });
 * assert.equal(error.kind, "usageLimitReached");
 * assert.equal(error.planType, "pro");
 * assert.equal(error.rateLimits?.limitId, "codex_other");
 * assert.equal(error.requestId, "req_1");
 * ```
 */
export function errorFromHttpResponse(answer: HttpErrorAnswer): CodexWireError {
  const { status, headers, body } = answer;
  const json = parseJson(body);
  const error = fieldOf(json, "error");
  const code = stringFieldOf(error, "code");
  const errorType = stringFieldOf(error, "type");
  const param = stringFieldOf(error, "param");
  const serverMessage = stringFieldOf(error, "message");
  const context = {
    status,
    headers,
    body,
    ...identityDetails(headers),
    ...(code === undefined ? {} : { code }),
    ...(errorType === undefined ? {} : { type: errorType }),
    ...(param === undefined ? {} : { param }),
  };
  const fail = (message: string, options: Omit<CodexWireErrorOptions, "status">) =>
    new CodexWireError(message, { ...context, ...options });

  // Only a 503 is "overloaded"; a 500 or 429 naming the same codes keeps its status's class.
  if (status === 503 && (code === "server_is_overloaded" || code === "slow_down")) {
    return fail(SERVER_OVERLOADED_MESSAGE, { kind: "serverOverloaded" });
  }
  if (status === 400 && code === "context_length_exceeded") {
    // How the API refuses an oversized input up front; `response.failed` says it the same way.
    return fail(messageOr(serverMessage, CONTEXT_WINDOW_EXCEEDED_MESSAGE), {
      kind: "contextWindowExceeded",
    });
  }
  if ((status === 400 || status === 403) && code === "misalignment_policy_violation") {
    return fail(messageOr(serverMessage, MISALIGNMENT_POLICY_MESSAGE), {
      kind: "misalignmentPolicyViolation",
    });
  }
  if (status === 403 && /cloudflare/i.test(body) && /blocked/i.test(body)) {
    return fail(CLOUDFLARE_BLOCKED_MESSAGE, { kind: "http" });
  }
  if (status === 400) {
    return fail(messageOr(serverMessage, excerptOf(body) ?? INVALID_REQUEST_MESSAGE), {
      kind: "invalidRequest",
    });
  }
  if (status === 401) {
    const hint = "check OPENAI_API_KEY or the Authorization header";
    return fail(`Request failed with ${describeStatus(status)}: ${hint}`, { kind: "unauthorized" });
  }
  if (status === 429) {
    const usage = USAGE_ERROR_BODY_SCHEMA.safeParse(json);
    if (usage.success && usage.data.error.type === "usage_limit_reached") {
      const { plan_type: planType, resets_at: resetsAt } = usage.data.error;
      const promoMessage = nonBlank(headers.get("x-codex-promo-message"));
      const activeLimit = headers.get("x-codex-active-limit") ?? "codex";
      return fail(usageLimitMessage(resetsAt ?? undefined), {
        kind: "usageLimitReached",
        rateLimits: parseRateLimitHeadersForLimit(headers, activeLimit),
        ...(planType == null ? {} : { planType }),
        ...(resetsAt == null ? {} : { resetsAt }),
        ...(promoMessage === undefined ? {} : { promoMessage }),
      });
    }
    if (usage.success && usage.data.error.type === "usage_not_included") {
      return fail(messageOr(serverMessage, USAGE_NOT_INCLUDED_MESSAGE), {
        kind: "usageNotIncluded",
      });
    }
    const retryAfterMs = parseRetryAfterMs(headers) ??
      (serverMessage === undefined ? undefined : parseRetryDelayMs(serverMessage));
    const wait = retryAfterMs === undefined
      ? ""
      : ` (the server asks to wait ${formatDelay(retryAfterMs)})`;
    return fail(`${failedMessage(status, serverMessage, body)}${wait}`, {
      kind: "rateLimited",
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return fail(failedMessage(status, serverMessage, body), {
    kind: "http",
    retryable: status >= 500 && status <= 599,
  });
}

/**
 * Classifies a WebSocket frame `{"type":"error", "status": …, "error": {…}, "headers": {…}}`.
 *
 * - `error.code` `websocket_connection_limit_reached`, whatever the status: a retryable
 *   `stream` error without delay (reconnect and retry), with the server's message or
 *   "Responses websocket connection limit reached (60 minutes). Create a new websocket
 *   connection to continue.".
 * - `error.code` `previous_response_not_found`, whatever the status: a retryable `stream`
 *   error (the retry runs on a new connection, so as a full request), with the server's
 *   message or "Previous response was not found. Retrying the full request.".
 * - A non-2xx `status` (alias `status_code`): {@linkcode errorFromHttpResponse} with that
 *   status, the frame's `headers` (string, number and boolean values only) and the whole
 *   frame text as the body.
 * - No status, a 2xx status, a frame of another `type`, or a frame whose fields have the
 *   wrong types (as Codex, which then treats the frame as an ignored event): `undefined`.
 *
 * @param frame The parsed JSON of the text frame.
 * @param frameText The frame text exactly as received (becomes the error's `body`).
 * @returns The error to surface, or `undefined` when the frame is not one.
 *
 * @example Usage
 * ```ts
 * import { errorFromWrappedWebSocketError } from "./error_from_http_response.ts";
 * import assert from "node:assert/strict";
 *
 * const frameText = JSON.stringify({
 *   type: "error",
 *   status: 400,
 *   error: { type: "invalid_request_error", message: "Model does not support image inputs" },
 * });
 * const error = errorFromWrappedWebSocketError(JSON.parse(frameText), frameText);
 * assert.equal(error?.kind, "invalidRequest");
 * assert.equal(error?.message, "Model does not support image inputs");
 * assert.equal(errorFromWrappedWebSocketError({ type: "response.created" }, "{}"), undefined);
 * ```
 */
export function errorFromWrappedWebSocketError(
  frame: unknown,
  frameText: string,
): CodexWireError | undefined {
  const parsed = WRAPPED_WEBSOCKET_ERROR_SCHEMA.safeParse(frame);
  if (!parsed.success || parsed.data.type !== "error") return undefined;
  const event = parsed.data;
  if (event.error?.code === "websocket_connection_limit_reached") {
    return new CodexWireError(messageOr(event.error.message, WEBSOCKET_CONNECTION_LIMIT_MESSAGE), {
      kind: "stream",
      retryable: true,
    });
  }
  if (event.error?.code === "previous_response_not_found") {
    return new CodexWireError(
      messageOr(event.error.message, PREVIOUS_RESPONSE_NOT_FOUND_MESSAGE),
      { kind: "stream", retryable: true },
    );
  }
  const status = event.status ?? event.status_code;
  if (status == null || status < 100 || status > 999 || (status >= 200 && status <= 299)) {
    return undefined;
  }
  return errorFromHttpResponse({
    status,
    headers: headersFromJson(event.headers ?? {}),
    body: frameText,
  });
}

function usageLimitMessage(resetsAt: number | undefined): string {
  const resetTime = resetsAt === undefined ? undefined : new Date(resetsAt * 1000);
  if (resetTime === undefined || Number.isNaN(resetTime.getTime())) {
    return "Usage limit reached: wait for the limit to reset or upgrade your plan";
  }
  return `Usage limit reached: try again after ${resetTime.toISOString().replace(".000Z", "Z")}`;
}

/** "Request failed with HTTP 500 Internal Server Error: <server message or excerpt or hint>". */
function failedMessage(status: number, serverMessage: string | undefined, body: string): string {
  const detail = excerptOf(serverMessage ?? "") ?? excerptOf(body) ?? hintFor(status);
  return `Request failed with ${describeStatus(status)}: ${detail}`;
}

function hintFor(status: number): string {
  if (status === 429) return "wait before retrying";
  if (status >= 500) return "retry later";
  if (status === 403 || status === 404) return "check the base URL and the model name";
  return "check the request";
}

function excerptOf(body: string): string | undefined {
  const text = body.replace(WHITESPACE_RUN_REGEXP, " ").trim();
  if (text === "") return undefined;
  return text.length > MAX_EXCERPT_LENGTH ? `${text.slice(0, MAX_EXCERPT_LENGTH)}…` : text;
}

/** Frame headers → `Headers`; values that are not strings, numbers or booleans, and names or values `Headers` rejects, are skipped. */
function headersFromJson(values: Record<string, unknown>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      continue;
    }
    try {
      headers.set(name, String(value));
    } catch {
      // An invalid header name or value: Codex skips it as well.
    }
  }
  return headers;
}

/** The request id and the identity/auth diagnostics a failed answer's headers carry. */
function identityDetails(headers: Headers): {
  requestId?: string;
  cfRay?: string;
  identityAuthorizationError?: string;
  identityErrorCode?: string;
} {
  const requestId = nonBlank(headers.get("x-request-id")) ??
    nonBlank(headers.get("x-oai-request-id"));
  const cfRay = nonBlank(headers.get("cf-ray"));
  const identityAuthorizationError = nonBlank(headers.get("x-openai-authorization-error"));
  const identityErrorCode = errorCodeOfErrorJson(headers.get("x-error-json"));
  return {
    ...(requestId === undefined ? {} : { requestId }),
    ...(cfRay === undefined ? {} : { cfRay }),
    ...(identityAuthorizationError === undefined ? {} : { identityAuthorizationError }),
    ...(identityErrorCode === undefined ? {} : { identityErrorCode }),
  };
}

/** `error.code` of a base64-encoded JSON header value; `undefined` when it has none. */
function errorCodeOfErrorJson(value: string | null): string | undefined {
  const encoded = nonBlank(value);
  if (encoded === undefined) return undefined;
  let text: string;
  try {
    const binary = atob(encoded);
    text = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return undefined;
  }
  return nonBlank(stringFieldOf(fieldOf(parseJson(text), "error"), "code"));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function stringFieldOf(value: unknown, key: string): string | undefined {
  const field = fieldOf(value, key);
  return typeof field === "string" ? field : undefined;
}

function nonBlank(value: string | null | undefined): string | undefined {
  return value && value.trim() !== "" ? value.trim() : undefined;
}
