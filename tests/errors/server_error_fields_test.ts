// The server's own error code, type and param travel with every error; a 400 that refuses
// an oversized input is contextWindowExceeded; a 429 says how long the server asked to wait;
// a network failure says why.

import assert from "node:assert/strict";
import { errorFromFailedResponse } from "../../lib/errors/error_from_failed_response.ts";
import { errorFromHttpResponse } from "../../lib/errors/error_from_http_response.ts";
import { startMockResponsesServer } from "../../lib/testing/mock_responses_server.ts";
import { collect, testClient } from "../_helpers.ts";

const NO_RETRY = { retry: { requestMaxRetries: 0, streamMaxRetries: 0 } };

Deno.test("an HTTP error carries the server's code, type and param, also in toJSON", () => {
  const error = errorFromHttpResponse({
    status: 400,
    headers: new Headers(),
    body: JSON.stringify({
      error: {
        message: "Unsupported parameter: 'temperature'",
        type: "invalid_request_error",
        param: "temperature",
        code: "unsupported_parameter",
      },
    }),
  });
  assert.equal(error.kind, "invalidRequest");
  assert.equal(error.code, "unsupported_parameter");
  assert.equal(error.type, "invalid_request_error");
  assert.equal(error.param, "temperature");
  assert.deepEqual(error.toJSON(), {
    type: "error",
    kind: "invalidRequest",
    message: "Unsupported parameter: 'temperature'",
    retryable: false,
    status: 400,
    code: "unsupported_parameter",
    param: "temperature",
  });
});

Deno.test("an error without code, type or param has none of them", () => {
  const error = errorFromHttpResponse({ status: 500, headers: new Headers(), body: "oops" });
  assert.equal(error.code, undefined);
  assert.equal(error.type, undefined);
  assert.equal(error.param, undefined);
  assert.equal("code" in error.toJSON(), false);
});

Deno.test("a response.failed error carries the server's code and type", () => {
  const error = errorFromFailedResponse({
    error: { code: "rate_limit_exceeded", type: "tokens", message: "Try again in 2s." },
  });
  assert.equal(error.code, "rate_limit_exceeded");
  assert.equal(error.type, "tokens");
});

Deno.test("an HTTP 400 with code context_length_exceeded is contextWindowExceeded, as in response.failed", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      status: 400,
      body: JSON.stringify({
        error: {
          message: "Your input exceeds the context window of this model.",
          type: "invalid_request_error",
          param: "input",
          code: "context_length_exceeded",
        },
      }),
    }],
  });
  const { error } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(error?.kind, "contextWindowExceeded");
  assert.equal(error?.retryable, false);
  assert.equal(error?.message, "Your input exceeds the context window of this model.");
  assert.equal(error?.param, "input");
  assert.equal(server.requests.length, 1);
  assert.equal(
    errorFromFailedResponse({ error: { code: "context_length_exceeded" } }).kind,
    "contextWindowExceeded",
  );
});

Deno.test("a 429 gives the delay the server asked for, from its headers or its message", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      {
        status: 429,
        headers: { "retry-after": "20" },
        body: JSON.stringify({
          error: { message: "Rate limit reached", code: "rate_limit_exceeded" },
        }),
      },
      {
        status: 429,
        body: JSON.stringify({
          error: {
            message: "Rate limit reached. Please try again in 1.5s.",
            code: "rate_limit_exceeded",
          },
        }),
      },
    ],
  });
  const first = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(first.error?.kind, "rateLimited");
  assert.equal(first.error?.retryAfterMs, 20_000);
  assert.equal(
    first.error?.message,
    "Request failed with HTTP 429 Too Many Requests: Rate limit reached (the server asks to wait 20 s)",
  );
  const second = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(second.error?.retryAfterMs, 1500);
  assert.match(second.error?.message ?? "", /\(the server asks to wait 1\.5 s\)$/);
  assert.equal(server.requests.length, 2);
});

Deno.test("a refused connection says connection refused, not fetch failed", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const { error } = await collect(
    testClient(`http://127.0.0.1:${port}/v1`, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.equal(error?.kind, "network");
  assert.match(
    error?.message ?? "",
    new RegExp(`^Cannot reach http://127\\.0\\.0\\.1:${port}/v1/responses: connection refused \\(`),
  );
  assert.doesNotMatch(error?.message ?? "", /fetch failed/);
});
