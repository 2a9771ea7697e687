import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import {
  errorFromHttpResponse,
  errorFromWrappedWebSocketError,
} from "../../lib/errors/error_from_http_response.ts";

// HTTP status classification (spec §10.3, §3.4; codex-rs/core/src/api_bridge_tests.rs) and
// wrapped WebSocket error frames (spec §2.6; codex-rs/codex-api/src/endpoint/responses_websocket.rs).

function answer(status: number, body: unknown, headers: HeadersInit = {}) {
  return {
    status,
    headers: new Headers(headers),
    body: typeof body === "string" ? body : JSON.stringify(body),
    url: "http://example.com/v1/responses",
  };
}

function assertError(
  error: CodexWireError | undefined,
  expected: Pick<CodexWireError, "kind" | "retryable" | "message"> & { status?: number },
): asserts error is CodexWireError {
  assert.ok(error instanceof CodexWireError);
  assert.equal(error.name, "CodexWireError");
  assert.equal(error.kind, expected.kind);
  assert.equal(error.retryable, expected.retryable);
  assert.equal(error.message, expected.message);
  assert.equal(error.status, expected.status);
}

const OVERLOADED = "Selected model is at capacity. Please try a different model.";

Deno.test("errorFromHttpResponse maps an overloaded body to serverOverloaded (map_api_error_maps_server_overloaded)", () => {
  const error = errorFromHttpResponse(answer(503, { error: { code: "slow_down" } }));

  assertError(error, {
    kind: "serverOverloaded",
    retryable: false,
    message: OVERLOADED,
    status: 503,
  });
});

Deno.test("errorFromHttpResponse maps a 503 with code server_is_overloaded to serverOverloaded (map_api_error_maps_server_overloaded_from_503_body)", () => {
  const body = JSON.stringify({ error: { code: "server_is_overloaded" } });

  const error = errorFromHttpResponse(answer(503, body));

  assertError(error, {
    kind: "serverOverloaded",
    retryable: false,
    message: OVERLOADED,
    status: 503,
  });
  assert.equal(error.body, body);
});

Deno.test("errorFromHttpResponse maps an overloaded code to serverOverloaded only on a 503", () => {
  for (const code of ["server_is_overloaded", "slow_down"]) {
    const on500 = errorFromHttpResponse(answer(500, { error: { code, message: "busy" } }));
    assertError(on500, {
      kind: "http",
      retryable: true,
      message: "Request failed with HTTP 500 Internal Server Error: busy",
      status: 500,
    });
    const on429 = errorFromHttpResponse(answer(429, { error: { code, message: "busy" } }));
    assert.equal(on429.kind, "rateLimited");
    assert.equal(on429.retryable, false);
    const on400 = errorFromHttpResponse(answer(400, { error: { code, message: "busy" } }));
    assert.equal(on400.kind, "invalidRequest");
  }
});

Deno.test("map_api_error_extracts_identity_auth_details_from_headers: request id, cf-ray, authorization error, x-error-json code", () => {
  const errorJson = btoa(JSON.stringify({ error: { code: "token_expired" } }));
  const error = errorFromHttpResponse(answer(401, "", {
    "x-request-id": "req-401",
    "cf-ray": "ray-401",
    "x-openai-authorization-error": "missing_authorization_header",
    "x-error-json": errorJson,
  }));
  assert.equal(error.kind, "unauthorized");
  assert.equal(error.requestId, "req-401");
  assert.equal(error.cfRay, "ray-401");
  assert.equal(error.identityAuthorizationError, "missing_authorization_header");
  assert.equal(error.identityErrorCode, "token_expired");
  const plain = errorFromHttpResponse(answer(500, "", { "x-error-json": "not base64 json!" }));
  assert.equal(plain.identityErrorCode, undefined);
  assert.equal(plain.cfRay, undefined);
});

Deno.test("errorFromHttpResponse maps misalignment_policy_violation on a 400 or 403, and a Cloudflare block", () => {
  for (const status of [400, 403]) {
    const error = errorFromHttpResponse(answer(status, {
      error: { code: "misalignment_policy_violation", message: "refused" },
    }));
    assertError(error, {
      kind: "misalignmentPolicyViolation",
      retryable: false,
      message: "refused",
      status,
    });
  }
  const blocked = errorFromHttpResponse(
    answer(403, "<html>Sorry, you have been blocked. Cloudflare Ray ID: 1</html>"),
  );
  assert.equal(blocked.kind, "http");
  assert.match(blocked.message, /^Request blocked by Cloudflare/);
});

Deno.test("errorFromHttpResponse reads the rate limits of the family x-codex-active-limit names (map_api_error_maps_usage_limit_limit_name_header)", () => {
  const error = errorFromHttpResponse(
    answer(429, { error: { type: "usage_limit_reached", plan_type: "pro" } }, {
      "x-codex-active-limit": "codex_other",
      "x-codex-other-limit-name": "codex_other",
    }),
  );

  assertError(error, {
    kind: "usageLimitReached",
    retryable: false,
    message: "Usage limit reached: wait for the limit to reset or upgrade your plan",
    status: 429,
  });
  assert.equal(error.planType, "pro");
  assert.deepEqual(error.rateLimits, {
    limitId: "codex_other",
    limitName: "codex_other",
    primary: null,
    secondary: null,
    credits: null,
    planType: null,
  });
});

Deno.test("errorFromHttpResponse does not fall back to the limit id for the limit name (map_api_error_does_not_fallback_limit_name_to_limit_id)", () => {
  const error = errorFromHttpResponse(
    answer(429, { error: { type: "usage_limit_reached", plan_type: "pro" } }, {
      "x-codex-active-limit": "codex_other",
    }),
  );

  assert.equal(error.kind, "usageLimitReached");
  assert.equal(error.rateLimits?.limitId, "codex_other");
  assert.equal(error.rateLimits?.limitName, null);
});

Deno.test("errorFromHttpResponse carries plan, reset time, codex rate limits and promo of a usage-limit 429", () => {
  const error = errorFromHttpResponse(
    answer(429, {
      error: {
        type: "usage_limit_reached",
        message: "The usage limit has been reached",
        plan_type: "plus",
        resets_at: 1738888888,
      },
    }, {
      "x-codex-primary-used-percent": "100",
      "x-codex-primary-window-minutes": "300",
      "x-codex-promo-message": "  Upgrade to Pro for more.  ",
      "x-request-id": "req_123",
    }),
  );

  assertError(error, {
    kind: "usageLimitReached",
    retryable: false,
    message: "Usage limit reached: try again after 2025-02-07T00:41:28Z",
    status: 429,
  });
  assert.equal(error.planType, "plus");
  assert.equal(error.resetsAt, 1738888888);
  assert.equal(error.promoMessage, "Upgrade to Pro for more.");
  assert.equal(error.requestId, "req_123");
  assert.equal(error.rateLimits?.limitId, "codex");
  assert.deepEqual(error.rateLimits?.primary, {
    usedPercent: 100,
    windowMinutes: 300,
    resetsAt: null,
  });
});

Deno.test("errorFromHttpResponse normalises x-codex-active-limit and defaults it to codex", () => {
  const body = { error: { type: "usage_limit_reached" } };
  const limitIdOf = (headers: HeadersInit) =>
    errorFromHttpResponse(answer(429, body, headers)).rateLimits?.limitId;

  assert.equal(limitIdOf({ "x-codex-active-limit": " Codex-Other " }), "codex_other");
  assert.equal(limitIdOf({ "x-codex-active-limit": "" }), "codex");
  assert.equal(limitIdOf({}), "codex");
});

Deno.test("errorFromHttpResponse maps a 429 with type usage_not_included to usageNotIncluded", () => {
  const error = errorFromHttpResponse(
    answer(429, { error: { type: "usage_not_included", message: "Upgrade to use Codex." } }),
  );

  assertError(error, {
    kind: "usageNotIncluded",
    retryable: false,
    message: "Upgrade to use Codex.",
    status: 429,
  });
});

Deno.test("errorFromHttpResponse maps any other 429 to a rateLimited error that is not retried", () => {
  assertError(
    errorFromHttpResponse(
      answer(429, { error: { type: "requests", message: "Rate limit reached for requests" } }),
    ),
    {
      kind: "rateLimited",
      retryable: false,
      message: "Request failed with HTTP 429 Too Many Requests: Rate limit reached for requests",
      status: 429,
    },
  );
  assertError(errorFromHttpResponse(answer(429, "")), {
    kind: "rateLimited",
    retryable: false,
    message: "Request failed with HTTP 429 Too Many Requests: wait before retrying",
    status: 429,
  });
});

Deno.test("errorFromHttpResponse treats a usage body with wrongly typed fields as a plain 429", () => {
  const error = errorFromHttpResponse(
    answer(429, { error: { type: "usage_limit_reached", resets_at: "tomorrow" } }),
  );

  assert.equal(error.kind, "rateLimited");
});

Deno.test("errorFromHttpResponse maps 400 to invalidRequest with the body's error.message", () => {
  const error = errorFromHttpResponse(
    answer(400, {
      error: { type: "invalid_request_error", message: "Model does not support image inputs" },
    }),
  );

  assertError(error, {
    kind: "invalidRequest",
    retryable: false,
    message: "Model does not support image inputs",
    status: 400,
  });
});

Deno.test("errorFromHttpResponse maps a 400 without a JSON message to invalidRequest with the body text", () => {
  assertError(errorFromHttpResponse(answer(400, "missing field `input`\n")), {
    kind: "invalidRequest",
    retryable: false,
    message: "missing field `input`",
    status: 400,
  });
  assertError(errorFromHttpResponse(answer(400, "")), {
    kind: "invalidRequest",
    retryable: false,
    message: "Invalid request.",
    status: 400,
  });
});

Deno.test("errorFromHttpResponse maps 401 to unauthorized and says where the key comes from", () => {
  const error = errorFromHttpResponse(
    answer(401, { error: { message: "Incorrect API key provided" } }, { "x-oai-request-id": "r" }),
  );

  assertError(error, {
    kind: "unauthorized",
    retryable: false,
    message:
      "Request failed with HTTP 401 Unauthorized: check OPENAI_API_KEY or the Authorization header",
    status: 401,
  });
  assert.equal(error.requestId, "r");
});

Deno.test("errorFromHttpResponse maps 500 to a retryable http error quoting the body (continue_after_stream_error)", () => {
  const error = errorFromHttpResponse(answer(500, "upstream crashed"));

  assertError(error, {
    kind: "http",
    retryable: true,
    message: "Request failed with HTTP 500 Internal Server Error: upstream crashed",
    status: 500,
  });
});

Deno.test("errorFromHttpResponse maps other 5xx to retryable http errors", () => {
  assertError(errorFromHttpResponse(answer(502, "")), {
    kind: "http",
    retryable: true,
    message: "Request failed with HTTP 502 Bad Gateway: retry later",
    status: 502,
  });
  assertError(errorFromHttpResponse(answer(503, { error: { message: "Try later" } })), {
    kind: "http",
    retryable: true,
    message: "Request failed with HTTP 503 Service Unavailable: Try later",
    status: 503,
  });
  assertError(errorFromHttpResponse(answer(599, "")), {
    kind: "http",
    retryable: true,
    message: "Request failed with HTTP 599: retry later",
    status: 599,
  });
});

Deno.test("errorFromHttpResponse maps any other status to an http error that is not retried", () => {
  assertError(errorFromHttpResponse(answer(404, "")), {
    kind: "http",
    retryable: false,
    message: "Request failed with HTTP 404 Not Found: check the base URL and the model name",
    status: 404,
  });
  assertError(errorFromHttpResponse(answer(409, "")), {
    kind: "http",
    retryable: false,
    message: "Request failed with HTTP 409 Conflict: check the request",
    status: 409,
  });
});

Deno.test("errorFromHttpResponse quotes at most 200 characters of the body with whitespace collapsed", () => {
  const body = `<html>\n  <body>${"x".repeat(300)}</body>\n</html>`;

  const error = errorFromHttpResponse(answer(502, body));

  const excerpt = `<html> <body>${"x".repeat(187)}`;
  assert.equal(excerpt.length, 200);
  assert.equal(error.message, `Request failed with HTTP 502 Bad Gateway: ${excerpt}…`);
  assert.equal(error.body, body);
});

Deno.test("errorFromHttpResponse keeps status, headers, body and request id on every error", () => {
  const headers = new Headers({ "x-request-id": "req_a", "x-oai-request-id": "req_b" });
  for (const status of [400, 401, 404, 429, 500, 503]) {
    const error = errorFromHttpResponse({ status, headers, body: "{}" });
    assert.equal(error.status, status);
    assert.equal(error.headers, headers);
    assert.equal(error.body, "{}");
    assert.equal(error.requestId, "req_a");
  }
  assert.equal(errorFromHttpResponse(answer(500, "")).requestId, undefined);
});

// Wrapped WebSocket error frames.

function frame(value: unknown): [unknown, string] {
  const text = JSON.stringify(value);
  return [JSON.parse(text), text];
}

Deno.test("errorFromWrappedWebSocketError maps a 429 frame like an HTTP answer with its headers and body (parse_wrapped_websocket_error_event_maps_to_transport_http)", () => {
  const [value, text] = frame({
    type: "error",
    status: 429,
    error: {
      type: "usage_limit_reached",
      message: "The usage limit has been reached",
      plan_type: "pro",
      resets_at: 1738888888,
    },
    headers: {
      "x-codex-primary-used-percent": "100.0",
      "x-codex-primary-window-minutes": 15,
    },
  });

  const error = errorFromWrappedWebSocketError(value, text);

  assertError(error, {
    kind: "usageLimitReached",
    retryable: false,
    message: "Usage limit reached: try again after 2025-02-07T00:41:28Z",
    status: 429,
  });
  assert.equal(error.headers?.get("x-codex-primary-used-percent"), "100.0");
  assert.equal(error.headers?.get("x-codex-primary-window-minutes"), "15");
  assert.equal(error.body, text);
  assert.ok(error.body?.includes("usage_limit_reached"));
  assert.ok(error.body?.includes("The usage limit has been reached"));
  assert.equal(error.planType, "pro");
  assert.equal(error.resetsAt, 1738888888);
  assert.deepEqual(error.rateLimits?.primary, {
    usedPercent: 100,
    windowMinutes: 15,
    resetsAt: null,
  });
});

Deno.test("errorFromWrappedWebSocketError ignores frames that are not error events (parse_wrapped_websocket_error_event_ignores_non_error_payloads)", () => {
  for (
    const payload of [
      { type: "response.created", response: { id: "resp-1" } },
      { type: "response.failed", status: 500, response: {} },
      { status: 500 },
    ]
  ) {
    const [value, text] = frame(payload);
    assert.equal(errorFromWrappedWebSocketError(value, text), undefined);
  }
  assert.equal(errorFromWrappedWebSocketError("error", '"error"'), undefined);
  assert.equal(errorFromWrappedWebSocketError(null, "null"), undefined);
});

Deno.test("errorFromWrappedWebSocketError maps a 400 frame to invalidRequest with its message (parse_wrapped_websocket_error_event_with_status_maps_invalid_request)", () => {
  const [value, text] = frame({
    type: "error",
    status: 400,
    error: { type: "invalid_request_error", message: "Model does not support image inputs" },
  });

  const error = errorFromWrappedWebSocketError(value, text);

  assertError(error, {
    kind: "invalidRequest",
    retryable: false,
    message: "Model does not support image inputs",
    status: 400,
  });
  assert.equal(error.body, text);
  assert.ok(error.body?.includes("invalid_request_error"));
});

Deno.test("errorFromWrappedWebSocketError makes the connection limit retryable without delay whatever the status (parse_wrapped_websocket_error_event_with_connection_limit_maps_retryable)", () => {
  const message =
    "Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.";
  for (const status of [400, 200, undefined]) {
    const [value, text] = frame({
      type: "error",
      ...(status === undefined ? {} : { status }),
      error: { type: "invalid_request_error", code: "websocket_connection_limit_reached", message },
    });

    const error = errorFromWrappedWebSocketError(value, text);

    assertError(error, { kind: "stream", retryable: true, message });
    assert.equal(error.retryAfterMs, undefined);
  }
});

Deno.test("errorFromWrappedWebSocketError uses the default connection-limit text when the frame has none", () => {
  const [value, text] = frame({
    type: "error",
    status_code: 400,
    error: { code: "websocket_connection_limit_reached" },
  });

  assertError(errorFromWrappedWebSocketError(value, text), {
    kind: "stream",
    retryable: true,
    message:
      "Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.",
  });
});

Deno.test("errorFromWrappedWebSocketError does not map an error frame without status (parse_wrapped_websocket_error_event_without_status_is_not_mapped)", () => {
  const [value, text] = frame({
    type: "error",
    error: { type: "usage_limit_reached", message: "The usage limit has been reached" },
    headers: { "x-codex-primary-used-percent": "100.0", "x-codex-primary-window-minutes": 15 },
  });

  assert.equal(errorFromWrappedWebSocketError(value, text), undefined);
});

Deno.test("errorFromWrappedWebSocketError does not map a 2xx status", () => {
  for (const status of [200, 204, 299]) {
    const [value, text] = frame({ type: "error", status, error: { message: "fine" } });
    assert.equal(errorFromWrappedWebSocketError(value, text), undefined);
  }
});

Deno.test("errorFromWrappedWebSocketError reads status_code as an alias of status", () => {
  const [value, text] = frame({ type: "error", status_code: 503, error: { message: "down" } });

  assertError(errorFromWrappedWebSocketError(value, text), {
    kind: "http",
    retryable: true,
    message: "Request failed with HTTP 503 Service Unavailable: down",
    status: 503,
  });
});

Deno.test("errorFromWrappedWebSocketError keeps only string, number and boolean header values", () => {
  const [value, text] = frame({
    type: "error",
    status: 500,
    headers: {
      "x-request-id": "req_ws",
      "x-number": 1.5,
      "x-flag": true,
      "x-object": { a: 1 },
      "x-list": ["a"],
      "x-null": null,
      "bad header": "skipped",
    },
  });

  const error = errorFromWrappedWebSocketError(value, text);

  assert.deepEqual([...error?.headers?.entries() ?? []], [
    ["x-flag", "true"],
    ["x-number", "1.5"],
    ["x-request-id", "req_ws"],
  ]);
  assert.equal(error?.requestId, "req_ws");
});

Deno.test("errorFromWrappedWebSocketError ignores an error frame whose fields have the wrong types", () => {
  for (
    const payload of [
      { type: "error", status: "429" },
      { type: "error", status: 42.5 },
      { type: "error", status: 70000 },
      { type: "error", status: 400, error: "bad" },
      { type: "error", status: 400, error: { message: 5 } },
      { type: "error", status: 400, headers: ["x"] },
      { type: "error", status: 42 },
    ]
  ) {
    const [value, text] = frame(payload);
    assert.equal(errorFromWrappedWebSocketError(value, text), undefined, text);
  }
});

Deno.test("errorFromWrappedWebSocketError makes previous_response_not_found a retryable stream error (upstream R8), with Codex's default text", () => {
  for (const [status, message] of [[400, undefined], [404, "no such response"]] as const) {
    const [value, text] = frame({
      type: "error",
      status,
      error: { code: "previous_response_not_found", ...(message === undefined ? {} : { message }) },
    });
    assertError(errorFromWrappedWebSocketError(value, text), {
      kind: "stream",
      retryable: true,
      message: message ?? "Previous response was not found. Retrying the full request.",
    });
  }
});
