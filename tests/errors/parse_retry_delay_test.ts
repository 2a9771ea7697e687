import assert from "node:assert/strict";
import { parseRetryDelayMs } from "../../lib/errors/parse_retry_delay.ts";

// The "try again in …" delays of spec §1.8 and codex-rs/codex-api/src/sse/responses.rs.

Deno.test("parseRetryDelayMs reads 28ms from an OpenAI rate-limit message (test_try_parse_retry_after)", () => {
  const message =
    "Rate limit reached for gpt-5.1 in organization org- on tokens per min (TPM): Limit 1, Used 1, Requested 19304. Please try again in 28ms. Visit https://platform.openai.com/account/rate-limits to learn more.";

  assert.equal(parseRetryDelayMs(message), 28);
});

Deno.test("parseRetryDelayMs reads 1.898s as 1898 ms (test_try_parse_retry_after_no_delay)", () => {
  const message =
    "Rate limit reached for gpt-5.1 in organization <ORG> on tokens per min (TPM): Limit 30000, Used 6899, Requested 24050. Please try again in 1.898s. Visit https://platform.openai.com/account/rate-limits to learn more.";

  assert.equal(parseRetryDelayMs(message), 1898);
});

Deno.test("parseRetryDelayMs reads an Azure message in seconds (test_try_parse_retry_after_azure)", () => {
  assert.equal(parseRetryDelayMs("Rate limit exceeded. Try again in 35 seconds."), 35_000);
});

Deno.test("parseRetryDelayMs reads 11.054s as 11054 ms (error_when_error_event)", () => {
  assert.equal(parseRetryDelayMs("Please try again in 11.054s. Visit …"), 11_054);
});

Deno.test("parseRetryDelayMs ignores case and the blanks around the number", () => {
  assert.equal(parseRetryDelayMs("TRY AGAIN IN 2S"), 2000);
  assert.equal(parseRetryDelayMs("try again in2s"), 2000);
  assert.equal(parseRetryDelayMs("try again in   3   second"), 3000);
  assert.equal(parseRetryDelayMs("try again in 250 MS"), 250);
  assert.equal(parseRetryDelayMs("Try again in 0.5 seconds"), 500);
});

Deno.test("parseRetryDelayMs rounds to a whole millisecond", () => {
  assert.equal(parseRetryDelayMs("try again in 0.0004s"), 0);
  assert.equal(parseRetryDelayMs("try again in 1.0006s"), 1001);
  assert.equal(parseRetryDelayMs("try again in 12.7ms"), 13);
});

Deno.test("parseRetryDelayMs returns undefined when the message names no delay", () => {
  for (
    const message of [
      "",
      "Rate limit exceeded.",
      "Please try again later.",
      "try again in 5 minutes",
      "try again in .5s",
      "try again in -3s",
      "wait 3s and try again",
    ]
  ) {
    assert.equal(parseRetryDelayMs(message), undefined, message);
  }
});
