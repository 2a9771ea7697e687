// Parsing and completion semantics of a Responses SSE stream (spec §1.5–§1.8, §11.2),
// against the scripted mock server over loopback.

import assert from "node:assert/strict";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  encodeSseEvents,
  failedEvent,
  functionCallEvent,
  incompleteEvent,
  outputTextDeltaEvent,
  reasoningSummaryPartAddedEvent,
  reasoningSummaryTextDeltaEvent,
  reasoningTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import type { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { bodyTypes, collect, testClient } from "../_helpers.ts";

const NO_RETRY = { retry: { streamMaxRetries: 0, requestMaxRetries: 0 } };

Deno.test("parses_items_and_completed: two items and completed give three events, phase kept", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        assistantMessageEvent("msg-1", "Working", { phase: "commentary" }),
        assistantMessageEvent("msg-2", "Done", { phase: "final_answer" }),
        completedEvent("resp-1"),
      ],
    }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(bodyTypes(events), ["outputItemDone", "outputItemDone", "completed"]);
  const phases = events.flatMap((event) =>
    event.type === "outputItemDone" ? [(event.item as { phase?: string }).phase] : []
  );
  assert.deepEqual(phases, ["commentary", "final_answer"]);
});

Deno.test("error_when_missing_completed: EOF without completed fails after the item", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [assistantMessageEvent("msg-1", "Hi")] }],
  });
  const { events, error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.deepEqual(bodyTypes(events), ["outputItemDone"]);
  assert.equal(error?.kind, "stream");
  assert.equal(error?.retryable, true);
  assert.equal(error?.message, "stream closed before response.completed");
});

Deno.test("parses_tool_search_call_items: unknown item types pass through untouched", async () => {
  const item = {
    type: "tool_search_call",
    id: "ts-1",
    call_id: "call-9",
    execution: "server",
    arguments: { query: "weather", limit: 3 },
  };
  await using server = await startMockResponsesServer({
    responses: [{
      events: [{ type: "response.output_item.done", item }, completedEvent("resp-1")],
    }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  const done = events.find((event) => event.type === "outputItemDone");
  assert.deepEqual(done, { type: "outputItemDone", item });
});

Deno.test("emits_completed_without_stream_end: completed ends the stream while the socket stays open", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [createdEvent("resp-1"), completedEvent("resp-1")], keepOpen: true }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(bodyTypes(events), ["created", "completed"]);
});

Deno.test("error_when_error_event: a rate_limit_exceeded failure is retryable with the server's delay", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        createdEvent("resp-1"),
        failedEvent("resp-1", {
          code: "rate_limit_exceeded",
          message:
            "Rate limit reached for gpt-5 in organization org-x on tokens per min (TPM): Limit 30000, Used 22000, Requested 12000. Please try again in 11.054s. Visit https://platform.openai.com/account/rate-limits to learn more.",
        }),
      ],
    }],
  });
  const { events, error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.deepEqual(bodyTypes(events), ["created"]);
  assert.equal(error?.kind, "stream");
  assert.equal(error?.retryable, true);
  assert.equal(error?.retryAfterMs, 11054);
});

Deno.test("response.failed is raised only at end of stream, after later events", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        failedEvent("resp-1", { code: "server_error", message: "boom" }),
        outputTextDeltaEvent("late"),
      ],
    }],
  });
  const { events, error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.deepEqual(bodyTypes(events), ["outputTextDelta"]);
  assert.equal(error?.message, "boom");
});

for (
  const [name, code, message, kind] of [
    [
      "context_window_error_is_fatal",
      "context_length_exceeded",
      "Your input exceeds the context window of this model. Please adjust your input and try again.",
      "contextWindowExceeded",
    ],
    [
      "context_window_error_with_newline_is_fatal",
      "context_length_exceeded",
      "Your input exceeds the context window of this model.\nPlease adjust your input and try again.",
      "contextWindowExceeded",
    ],
    [
      "quota_exceeded_error_is_fatal",
      "insufficient_quota",
      "You exceeded your quota",
      "quotaExceeded",
    ],
    [
      "invalid_prompt_without_type_is_invalid_request",
      "invalid_prompt",
      "Bad prompt",
      "invalidRequest",
    ],
    ["server_is_overloaded is fatal", "server_is_overloaded", "busy", "serverOverloaded"],
  ] as const
) {
  Deno.test(`${name}: ${code} fails once with kind ${kind}, never retried`, async () => {
    await using server = await startMockResponsesServer({
      responses: [{ events: [failedEvent("resp-1", { code, message })] }],
    });
    const { error } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
    assert.equal(error?.kind, kind);
    assert.equal(error?.retryable, false);
    assert.equal(server.requests.length, 1);
    if (kind === "invalidRequest") assert.equal(error?.message, "Bad prompt");
    if (kind === "quotaExceeded") {
      assert.equal(error?.message, "Quota exceeded. Check your plan and billing details.");
    }
  });
}

Deno.test("an incomplete response whose reason would repeat keeps its partial answer and is not re-sent", async () => {
  for (const reason of ["content_filter", "max_output_tokens"]) {
    await using server = await startMockResponsesServer({
      responses: [{
        events: [
          createdEvent("resp-1"),
          outputTextDeltaEvent("Half an ans"),
          incompleteEvent("resp-1", reason),
        ],
      }],
    });
    const { events, error } = await collect(
      testClient(server.url).stream({ model: "m", input: "x" }),
    );
    assert.equal(error?.kind, "incomplete");
    assert.equal(error?.code, reason);
    assert.equal(error?.retryable, false);
    assert.match(error?.message ?? "", new RegExp(`^The response stopped early \\(${reason}\\)`));
    assert.deepEqual(
      events.filter((event) => event.type === "outputTextDelta"),
      [{ type: "outputTextDelta", delta: "Half an ans" }],
    );
    assert.equal(server.requests.length, 1);

    server.enqueue({
      events: [
        createdEvent("resp-2"),
        outputTextDeltaEvent("Half"),
        incompleteEvent("resp-2", reason),
      ],
    });
    await assert.rejects(
      testClient(server.url).stream({ model: "m", input: "x" }).finalResponse(),
      (thrown: CodexWireError) => thrown.kind === "incomplete" && thrown.partialText === "Half",
    );
  }
});

Deno.test("an incomplete response for another reason is retried, as in Codex", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      { events: [createdEvent("resp-1"), incompleteEvent("resp-1", "interrupted")] },
      { events: [createdEvent("resp-2"), outputTextDeltaEvent("Hi"), completedEvent("resp-2")] },
    ],
  });
  const text = await testClient(server.url).stream({ model: "m", input: "x" }).finalText();
  assert.equal(text, "Hi");
  assert.equal(server.requests.length, 2);
});

Deno.test("table_driven_event_kinds: every mapped wire type gives its event; unknown types are ignored", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        createdEvent("resp-1"),
        { type: "response.in_progress", response: { id: "resp-1" } },
        { type: "response.output_item.added", item: { type: "reasoning", id: "r1", summary: [] } },
        reasoningSummaryPartAddedEvent(1),
        reasoningSummaryTextDeltaEvent("**Plan**", 1),
        reasoningTextDeltaEvent("raw", 2),
        outputTextDeltaEvent("Hel"),
        { type: "response.some_future_event", payload: 1 },
        functionCallEvent("call-1", "shell", { arguments: '{"cmd":"ls"}' }),
        completedEvent("resp-1", {
          inputTokens: 10,
          cachedTokens: 6,
          outputTokens: 4,
          reasoningTokens: 3,
          totalTokens: 14,
        }),
      ],
    }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(
    events.filter((event) =>
      event.type !== "rateLimits" && event.type !== "outputItemAdded" &&
      event.type !== "outputItemDone"
    ),
    [
      { type: "created", responseId: "resp-1" },
      { type: "reasoningSummaryPartAdded", summaryIndex: 1 },
      { type: "reasoningSummaryDelta", delta: "**Plan**", summaryIndex: 1 },
      { type: "reasoningContentDelta", delta: "raw", contentIndex: 2 },
      { type: "outputTextDelta", delta: "Hel" },
      {
        type: "completed",
        responseId: "resp-1",
        tokenUsage: {
          inputTokens: 10,
          cachedInputTokens: 6,
          outputTokens: 4,
          reasoningOutputTokens: 3,
          totalTokens: 14,
        },
      },
    ],
  );
  assert.deepEqual(bodyTypes(events).filter((type) => type.startsWith("outputItem")), [
    "outputItemAdded",
    "outputItemDone",
  ]);
});

Deno.test("events missing required fields are dropped silently", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        { type: "response.reasoning_summary_text.delta", delta: "no index" },
        { type: "response.output_text.delta" },
        { type: "response.output_item.done", item: { type: "message", role: "assistant" } },
        { type: "response.completed" },
        completedEvent("resp-1"),
      ],
    }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(bodyTypes(events), ["completed"]);
});

Deno.test("a response.completed whose response does not parse is a stream error", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [{
        type: "response.completed",
        response: { id: "resp-1", usage: { input_tokens: 1 } },
      }],
    }],
  });
  const { error } = await collect(
    testClient(server.url, NO_RETRY).stream({ model: "m", input: "x" }),
  );
  assert.equal(error?.kind, "stream");
  assert.match(error?.message ?? "", /^failed to parse ResponseCompleted: /);
});

Deno.test("completed maps usage with missing details to zero and null usage to null", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      {
        events: [{
          type: "response.completed",
          response: { id: "r1", usage: { input_tokens: 5, output_tokens: 2, total_tokens: 7 } },
        }],
      },
      { events: [{ type: "response.completed", response: { id: "r2", usage: null } }] },
    ],
  });
  const client = testClient(server.url);
  const first = await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.deepEqual(first.tokenUsage, {
    inputTokens: 5,
    cachedInputTokens: 0,
    outputTokens: 2,
    reasoningOutputTokens: 0,
    totalTokens: 7,
  });
  const second = await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(second.tokenUsage, null);
});

Deno.test("dispatch is by the JSON type, not the SSE event name; event-only blocks are ignored", async () => {
  const body = [
    "event: response.completed\n",
    'data: {"type":"response.output_text.delta","delta":"A"}\n\n',
    "event: response.created\n\n",
    encodeSseEvents([completedEvent("resp-1")]),
  ].join("");
  await using server = await startMockResponsesServer({
    responses: [{ body, headers: { "content-type": "text/event-stream" } }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.deepEqual(bodyTypes(events), ["outputTextDelta", "completed"]);
});

Deno.test("spawn_response_stream_emits_server_model_header: header events come first, in order", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: {
        "openai-model": "gpt-5.2",
        "x-models-etag": "etag-7",
        "x-reasoning-included": "false",
        "x-codex-primary-used-percent": "12.5",
        "x-codex-primary-window-minutes": "10",
        "x-codex-secondary-primary-used-percent": "3",
      },
      events: [createdEvent("resp-1"), completedEvent("resp-1")],
    }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "gpt-5.2", input: "x" }));
  assert.deepEqual(events.map((event) => event.type), [
    "serverModel",
    "rateLimits",
    "rateLimits",
    "modelsEtag",
    "serverReasoningIncluded",
    "created",
    "completed",
  ]);
  assert.deepEqual(events[0], { type: "serverModel", model: "gpt-5.2" });
  assert.deepEqual(
    events.flatMap((event) => event.type === "rateLimits" ? [event.snapshot.limitId] : []),
    ["codex", "codex_secondary"],
  );
  assert.deepEqual(events[3], { type: "modelsEtag", etag: "etag-7" });
});

Deno.test("a stream always starts with at least the codex rate-limit snapshot", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("resp-1")] }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.deepEqual(events[0], {
    type: "rateLimits",
    snapshot: {
      limitId: "codex",
      limitName: null,
      primary: null,
      secondary: null,
      credits: null,
      planType: null,
    },
  });
});

Deno.test("process_sse_ignores_response_model_field_in_payload", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        { type: "response.created", response: { id: "resp-1", model: "other-model" } },
        completedEvent("resp-1"),
      ],
    }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(events.some((event) => event.type === "serverModel"), false);
});

Deno.test("process_sse_emits_server_model_from_response_headers_payload: before created, and on every change", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: { "openai-model": "gpt-5.3-codex" },
      events: [
        {
          type: "response.created",
          response: { id: "r", headers: { "OpenAI-Model": "gpt-5.3-codex" } },
        },
        {
          type: "response.output_text.delta",
          delta: "a",
          headers: { "x-openai-model": ["gpt-5.3-codex"] },
        },
        { type: "response.output_text.delta", delta: "b", headers: { "openai-model": "gpt-5.2" } },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(
    testClient(server.url).stream({ model: "GPT-5.3-codex", input: "x" }),
  );
  assert.deepEqual(bodyTypes(events), [
    "serverModel",
    "serverModel",
    "created",
    "outputTextDelta",
    "serverModel",
    "modelReroute",
    "outputTextDelta",
    "completed",
  ]);
  const models = events.flatMap((event) => event.type === "serverModel" ? [event.model] : []);
  assert.deepEqual(models, ["gpt-5.3-codex", "gpt-5.3-codex", "gpt-5.2"]);
});

Deno.test("responses_stream_event_response_model_prefers_response_headers over top-level headers", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        {
          type: "response.created",
          headers: { "openai-model": "top-level" },
          response: { id: "r", headers: { "openai-model": "from-response" } },
        },
        { type: "response.in_progress", headers: { "OpenAI-Model": "top-level" } },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  const models = events.flatMap((event) => event.type === "serverModel" ? [event.model] : []);
  assert.deepEqual(models, ["from-response", "top-level"]);
});

Deno.test("passthrough yields unmapped wire events untouched", async () => {
  const future = { type: "response.some_future_event", payload: { nested: [1, 2] } };
  await using server = await startMockResponsesServer({
    responses: [{ events: [future, completedEvent("r")], sequenceNumbers: false }],
  });
  const stream = testClient(server.url).stream({ model: "m", input: "x" }, { passthrough: true });
  const { events } = await collect(stream);
  assert.deepEqual(events.find((event) => event.type === "wire"), { type: "wire", event: future });
});

Deno.test("finalResponse gathers the final answer, items, usage, model and rate limits", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: { "openai-model": "gpt-5.2", "x-codex-primary-used-percent": "40" },
      events: [
        createdEvent("resp-1"),
        outputTextDeltaEvent("Let me look. "),
        assistantMessageEvent("m1", "Let me look.", { phase: "commentary" }),
        outputTextDeltaEvent("It is 4."),
        assistantMessageEvent("m2", "It is 4.", { phase: "final_answer" }),
        completedEvent("resp-1"),
      ],
    }],
  });
  const response = await testClient(server.url).stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(response.responseId, "resp-1");
  assert.equal(response.text, "It is 4.");
  assert.equal(response.items.length, 2);
  assert.equal(response.serverModel, "gpt-5.2");
  assert.equal(response.rateLimits.codex.primary?.usedPercent, 40);
});

Deno.test("a ResponseStream cannot be iterated twice", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("r")] }],
  });
  const stream = testClient(server.url).stream({ model: "m", input: "x" });
  await collect(stream);
  assert.throws(() => stream[Symbol.asyncIterator](), {
    name: "CodexWireError",
    kind: "usage",
    message:
      "Cannot iterate a ResponseStream twice: keep the events you need from the first pass, or call finalResponse() instead",
  });
});

Deno.test("with many streams open, reads are decoded in pieces without losing or splitting any event", async () => {
  // 130 streams share the decode budget, so each decodes its reads 16 KiB at a time, cut
  // after a line end where the piece has one; each body (~75 KB, 2-, 3- and 4-byte
  // characters, and one 45 KB line that no piece holds whole) is written as one chunk.
  const streams = 130;
  const deltas = Array.from({ length: 300 }, (_, i) => `${i} é東🙂 `.repeat(1 + (i % 5)));
  deltas[150] = "長".repeat(15_000);
  const body = encodeSseEvents([
    createdEvent("resp-many"),
    ...deltas.map((delta) => outputTextDeltaEvent(delta)),
    completedEvent("resp-many"),
  ]);
  await using server = await startMockResponsesServer();
  for (let i = 0; i < streams; i++) server.enqueue({ chunks: [body] });
  const client = testClient(server.url);
  const results = await Promise.all(
    Array.from({ length: streams }, () => collect(client.stream({ model: "m", input: "x" }))),
  );
  for (const { events, error } of results) {
    assert.equal(error, undefined);
    const seen = events.flatMap((event) => event.type === "outputTextDelta" ? [event.delta] : []);
    assert.deepEqual(seen, deltas);
  }
});

Deno.test("a large read is decoded in pieces without losing or splitting any event", async () => {
  // ~190 KB of deltas with 2-, 3- and 4-byte characters, written as one chunk: reads of it
  // are larger than the client's decode piece, so events and characters cross pieces.
  const deltas = Array.from({ length: 3000 }, (_, i) => `${i} é東🙂 `.repeat(1 + (i % 5)));
  const body = encodeSseEvents([
    createdEvent("resp-big"),
    ...deltas.map((delta) => outputTextDeltaEvent(delta)),
    completedEvent("resp-big"),
  ]);
  await using server = await startMockResponsesServer({ responses: [{ chunks: [body] }] });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  const seen = events.flatMap((event) => event.type === "outputTextDelta" ? [event.delta] : []);
  assert.deepEqual(seen, deltas);
  assert.equal(events.at(-1)?.type, "completed");
});
