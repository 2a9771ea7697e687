// The builders make complete events: the official openai SDK's stream accumulator accepts
// a scenario written with them, and reads the same answer codexwire does.

import assert from "node:assert/strict";
import OpenAI from "openai";
import { parseRateLimitHeaders } from "../../lib/ratelimits/parse_rate_limit_headers.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  errorResponse,
  functionCallEvent,
  messageItemAddedEvent,
  type MockResponse,
  outputItemAddedEvent,
  outputTextDeltaEvent,
  rateLimitHeaders,
  reasoningItemAddedEvent,
  reasoningItemEvent,
  reasoningSummaryPartAddedEvent,
  reasoningSummaryTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { testClient } from "../_helpers.ts";

function scenario(): MockResponse {
  return {
    events: [
      createdEvent("resp-1"),
      reasoningItemAddedEvent("rs-1"),
      reasoningSummaryPartAddedEvent(0),
      reasoningSummaryTextDeltaEvent("**Plan**"),
      reasoningItemEvent("rs-1", ["**Plan**"]),
      messageItemAddedEvent("msg-1", "", { outputIndex: 1 }),
      outputTextDeltaEvent("Hel", { outputIndex: 1 }),
      outputTextDeltaEvent("lo", { outputIndex: 1 }),
      assistantMessageEvent("msg-1", "Hello", { outputIndex: 1, phase: "final_answer" }),
      outputItemAddedEvent(
        { type: "function_call", id: "fc-1", call_id: "call-1", name: "ls", arguments: "" },
        { outputIndex: 2 },
      ),
      functionCallEvent("call-1", "ls", { id: "fc-1", arguments: "{}", outputIndex: 2 }),
      completedEvent("resp-1", { inputTokens: 5, outputTokens: 2 }),
    ],
  };
}

Deno.test("the openai SDK's responses.stream().finalResponse() works against the mock", async () => {
  await using server = await startMockResponsesServer({ responses: [scenario()] });
  const openai = new OpenAI({ baseURL: server.url, apiKey: "sk-test", maxRetries: 0 });
  const response = await openai.responses.stream({ model: "gpt-5", input: "hi" }).finalResponse();
  assert.equal(response.id, "resp-1");
  assert.equal(response.output_text, "Hello");
  assert.deepEqual(response.output.map((item) => item.type), [
    "reasoning",
    "message",
    "function_call",
  ]);
  const call = response.output[2];
  assert.equal(call.type === "function_call" && call.call_id, "call-1");
  assert.equal(response.usage?.total_tokens, 7);
});

Deno.test("codexwire reads the same scenario to the same answer", async () => {
  await using server = await startMockResponsesServer({ responses: [scenario()] });
  const response = await testClient(server.url).stream({ model: "gpt-5", input: "hi" })
    .finalResponse();
  assert.equal(response.text, "Hello");
  assert.deepEqual(response.items.map((item) => item.type), [
    "reasoning",
    "message",
    "function_call",
  ]);
});

Deno.test("errorResponse and rateLimitHeaders script a 429 that both clients read", async () => {
  const limited = () =>
    errorResponse(429, {
      message: "Rate limit reached",
      type: "requests",
      code: "rate_limit_exceeded",
    }, {
      headers: rateLimitHeaders({
        primary: { usedPercent: 100, windowMinutes: 300, resetsAt: 1_900_000_000 },
        retryAfterSeconds: 20,
      }),
    });
  await using server = await startMockResponsesServer({ responses: [limited(), limited()] });
  const openai = new OpenAI({ baseURL: server.url, apiKey: "sk-test", maxRetries: 0 });
  await assert.rejects(
    openai.responses.stream({ model: "gpt-5", input: "hi" }).finalResponse(),
    (error: InstanceType<typeof OpenAI.APIError>) =>
      error.status === 429 && error.code === "rate_limit_exceeded",
  );
  await assert.rejects(
    testClient(server.url).stream({ model: "gpt-5", input: "hi" }).finalResponse(),
    (error: { kind: string; code?: string; retryAfterMs?: number }) =>
      error.kind === "rateLimited" && error.code === "rate_limit_exceeded" &&
      error.retryAfterMs === 20_000,
  );
  const snapshot = parseRateLimitHeaders(new Headers(limited().headers))[0];
  assert.deepEqual(snapshot.primary, {
    usedPercent: 100,
    windowMinutes: 300,
    resetsAt: 1_900_000_000,
  });
});
