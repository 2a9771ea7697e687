import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import {
  errorFromFailedResponse,
  errorFromIncompleteResponse,
} from "../../lib/errors/error_from_failed_response.ts";

// The `response.failed` classification of spec §1.8 and §12; wire payloads from
// codex-rs/codex-api/src/sse/responses.rs.

function failed(error: unknown): Record<string, unknown> {
  return {
    id: "resp_1",
    object: "response",
    created_at: 1755041560,
    status: "failed",
    background: false,
    error,
    usage: null,
    user: null,
    metadata: {},
  };
}

function assertError(
  error: CodexWireError,
  expected: Pick<CodexWireError, "kind" | "retryable" | "message"> & { retryAfterMs?: number },
): void {
  assert.ok(error instanceof CodexWireError);
  assert.equal(error.name, "CodexWireError");
  assert.equal(error.kind, expected.kind);
  assert.equal(error.retryable, expected.retryable);
  assert.equal(error.message, expected.message);
  assert.equal(error.retryAfterMs, expected.retryAfterMs);
  assert.equal(error.status, undefined);
}

Deno.test("errorFromFailedResponse makes rate_limit_exceeded a retryable stream error with the 11.054 s delay (error_when_error_event)", () => {
  const message =
    "Rate limit reached for gpt-5.1 in organization org-AAA on tokens per min (TPM): Limit 30000, Used 22999, Requested 12528. Please try again in 11.054s. Visit https://platform.openai.com/account/rate-limits to learn more.";

  const error = errorFromFailedResponse(failed({ code: "rate_limit_exceeded", message }));

  assertError(error, { kind: "stream", retryable: true, message, retryAfterMs: 11_054 });
});

Deno.test("errorFromFailedResponse makes context_length_exceeded fatal (context_window_error_is_fatal)", () => {
  const message =
    "Your input exceeds the context window of this model. Please adjust your input and try again.";

  const error = errorFromFailedResponse(failed({ code: "context_length_exceeded", message }));

  assertError(error, { kind: "contextWindowExceeded", retryable: false, message });
});

Deno.test("errorFromFailedResponse makes context_length_exceeded fatal when the message has a newline (context_window_error_with_newline_is_fatal)", () => {
  const message =
    "Your input exceeds the context window of this model. Please adjust your input and try\nagain.";

  const error = errorFromFailedResponse(failed({ code: "context_length_exceeded", message }));

  assertError(error, { kind: "contextWindowExceeded", retryable: false, message });
});

Deno.test("errorFromFailedResponse falls back to its own text for a context-window failure without a message", () => {
  const error = errorFromFailedResponse(failed({ code: "context_length_exceeded" }));

  assertError(error, {
    kind: "contextWindowExceeded",
    retryable: false,
    message:
      "Input exceeds the model's context window: shorten the input or start a new conversation",
  });
});

Deno.test("errorFromFailedResponse makes insufficient_quota fatal with Codex's fixed text (quota_exceeded_error_is_fatal)", () => {
  const error = errorFromFailedResponse({
    id: "resp_fatal_quota",
    object: "response",
    created_at: 1759771626,
    status: "failed",
    background: false,
    error: {
      code: "insufficient_quota",
      message:
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    },
    incomplete_details: null,
  });

  assertError(error, {
    kind: "quotaExceeded",
    retryable: false,
    message: "Quota exceeded. Check your plan and billing details.",
  });
});

Deno.test("errorFromFailedResponse makes usage_not_included fatal", () => {
  assertError(
    errorFromFailedResponse(failed({ code: "usage_not_included", message: "Upgrade to Plus." })),
    { kind: "usageNotIncluded", retryable: false, message: "Upgrade to Plus." },
  );
  assertError(errorFromFailedResponse(failed({ code: "usage_not_included" })), {
    kind: "usageNotIncluded",
    retryable: false,
    message: "Usage is not included in your plan: upgrade the plan or use an API key",
  });
});

Deno.test("errorFromFailedResponse maps invalid_prompt without a type to invalidRequest with its message (invalid_prompt_without_type_is_invalid_request)", () => {
  const error = errorFromFailedResponse(
    failed({ code: "invalid_prompt", message: "Invalid prompt: we've limited access." }),
  );

  assertError(error, {
    kind: "invalidRequest",
    retryable: false,
    message: "Invalid prompt: we've limited access.",
  });
});

Deno.test("errorFromFailedResponse uses Invalid request. for an invalid_prompt without a message", () => {
  for (const message of [undefined, null, "", "  "]) {
    assertError(errorFromFailedResponse(failed({ code: "invalid_prompt", message })), {
      kind: "invalidRequest",
      retryable: false,
      message: "Invalid request.",
    });
  }
});

Deno.test("errorFromFailedResponse makes server_is_overloaded and slow_down fatal serverOverloaded errors", () => {
  for (const code of ["server_is_overloaded", "slow_down"]) {
    assertError(errorFromFailedResponse(failed({ code, message: "busy" })), {
      kind: "serverOverloaded",
      retryable: false,
      message: "Selected model is at capacity. Please try a different model.",
    });
  }
});

Deno.test("errorFromFailedResponse maps cyber_policy to cyberPolicy with the fallback for a blank message", () => {
  assertError(errorFromFailedResponse(failed({ code: "cyber_policy", message: "Flagged." })), {
    kind: "cyberPolicy",
    retryable: false,
    message: "Flagged.",
  });
  assertError(errorFromFailedResponse(failed({ code: "cyber_policy", message: " " })), {
    kind: "cyberPolicy",
    retryable: false,
    message: "This request has been flagged for possible cybersecurity risk.",
  });
});

Deno.test("errorFromFailedResponse makes any other code a retryable stream error without delay", () => {
  const error = errorFromFailedResponse(
    failed({ code: "server_error", message: "Something went wrong. Please try again in 3s." }),
  );

  assertError(error, {
    kind: "stream",
    retryable: true,
    message: "Something went wrong. Please try again in 3s.",
  });
});

Deno.test("errorFromFailedResponse reads no delay from a rate_limit_exceeded message that names none", () => {
  const error = errorFromFailedResponse(
    failed({ code: "rate_limit_exceeded", message: "Rate limit reached." }),
  );

  assertError(error, { kind: "stream", retryable: true, message: "Rate limit reached." });
});

Deno.test("errorFromFailedResponse classifies on code, not on type", () => {
  const error = errorFromFailedResponse(
    failed({ type: "insufficient_quota", code: null, message: "quota exceeded" }),
  );

  assertError(error, { kind: "stream", retryable: true, message: "quota exceeded" });
});

Deno.test("errorFromFailedResponse reports response.failed event received when the error is missing or malformed", () => {
  const payloads: unknown[] = [
    failed(undefined),
    failed(null),
    failed("boom"),
    failed({ code: 42, message: "numeric code" }),
    failed({ code: "x", resets_at: "tomorrow" }),
    failed({}),
    {},
    null,
  ];
  for (const response of payloads) {
    assertError(errorFromFailedResponse(response), {
      kind: "stream",
      retryable: true,
      message: "response.failed event received",
    });
  }
});

Deno.test("errorFromIncompleteResponse names the incomplete_details reason of a retryable stop", () => {
  const error = errorFromIncompleteResponse({
    id: "resp_1",
    status: "incomplete",
    incomplete_details: { reason: "interrupted" },
  });

  assertError(error, {
    kind: "stream",
    retryable: true,
    message: "Incomplete response returned, reason: interrupted",
  });
});

Deno.test("errorFromIncompleteResponse makes reasons that would repeat final, with the reason as code (a deliberate difference from Codex)", () => {
  for (
    const [reason, why] of [
      ["content_filter", "the content filter stopped it; rephrase the request"],
      [
        "max_output_tokens",
        "it reached the output token limit; ask for less, or allow more tokens",
      ],
    ]
  ) {
    const error = errorFromIncompleteResponse({ incomplete_details: { reason } });
    assertError(error, {
      kind: "incomplete",
      retryable: false,
      message: `The response stopped early (${reason}): ${why}`,
    });
    assert.equal(error.code, reason);
  }
});

Deno.test("errorFromIncompleteResponse says unknown when there is no reason", () => {
  for (const response of [{}, { incomplete_details: null }, { incomplete_details: {} }, null]) {
    assertError(errorFromIncompleteResponse(response), {
      kind: "stream",
      retryable: true,
      message: "Incomplete response returned, reason: unknown",
    });
  }
});
