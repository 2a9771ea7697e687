import assert from "node:assert/strict";
import {
  assistantMessageEvent,
  completedEvent,
  completedEventWithTokens,
  createdEvent,
  failedEvent,
  functionCallEvent,
  incompleteEvent,
  messageItemAddedEvent,
  outputItemAddedEvent,
  outputItemDoneEvent,
  outputTextDeltaEvent,
  reasoningItemAddedEvent,
  reasoningItemEvent,
  reasoningSummaryPartAddedEvent,
  reasoningSummaryTextDeltaEvent,
  reasoningTextDeltaEvent,
} from "../../lib/testing/response_event_builders.ts";
import { encodeSseEvent } from "../../lib/testing/sse_encoding.ts";

/** The exact wire JSON, key order included. */
function wire(event: unknown): string {
  return JSON.stringify(event);
}

Deno.test("createdEvent matches the spec example and defaults the id to resp-1", () => {
  assert.equal(wire(createdEvent()), '{"type":"response.created","response":{"id":"resp-1"}}');
  assert.deepEqual(createdEvent("resp-9"), {
    type: "response.created",
    response: { id: "resp-9" },
  });
});

Deno.test("outputTextDeltaEvent matches the spec example", () => {
  assert.equal(
    wire(outputTextDeltaEvent("Hel")),
    '{"type":"response.output_text.delta","item_id":"msg-1","output_index":0,"content_index":0,"delta":"Hel"}',
  );
});

Deno.test("messageItemAddedEvent matches the spec example", () => {
  assert.equal(
    wire(messageItemAddedEvent("msg-1")),
    '{"type":"response.output_item.added","output_index":0,"item":{"type":"message","role":"assistant","id":"msg-1","content":[{"type":"output_text","text":""}]}}',
  );
  assert.equal(messageItemAddedEvent("msg-1", "Hi").item.content[0].text, "Hi");
});

Deno.test("assistantMessageEvent matches the spec example and writes phase only when set", () => {
  assert.equal(
    wire(assistantMessageEvent("msg-1", "Hello", { phase: "final_answer" })),
    '{"type":"response.output_item.done","output_index":0,"item":{"type":"message","role":"assistant","id":"msg-1","content":[{"type":"output_text","text":"Hello"}],"phase":"final_answer"}}',
  );
  const legacy = assistantMessageEvent("msg-2", "Hi");
  assert.deepEqual(legacy, {
    type: "response.output_item.done",
    output_index: 0,
    item: {
      type: "message",
      role: "assistant",
      id: "msg-2",
      content: [{ type: "output_text", text: "Hi" }],
    },
  });
  assert.equal("phase" in legacy.item, false);
  assert.equal(
    assistantMessageEvent("msg-3", "…", { phase: "commentary" }).item.phase,
    "commentary",
  );
});

Deno.test("reasoningItemAddedEvent writes an empty or given summary", () => {
  assert.equal(
    wire(reasoningItemAddedEvent("rs-1")),
    '{"type":"response.output_item.added","output_index":0,"item":{"type":"reasoning","id":"rs-1","summary":[]}}',
  );
  assert.deepEqual(reasoningItemAddedEvent("rs-1", ["**A**"]).item.summary, [
    { type: "summary_text", text: "**A**" },
  ]);
});

Deno.test("reasoningItemEvent writes summary parts, base64 encrypted_content and raw content", () => {
  assert.equal(
    wire(reasoningItemEvent("rs-1", ["**Plan**", "body"])),
    `{"type":"response.output_item.done","output_index":0,"item":{"type":"reasoning","id":"rs-1","summary":[{"type":"summary_text","text":"**Plan**"},{"type":"summary_text","text":"body"}],"encrypted_content":"${
      btoa("encrypted:rs-1")
    }"}}`,
  );
  const full = reasoningItemEvent("rs-2", [], {
    encryptedContent: "ZW5j",
    content: ["step 1", "step 2"],
  });
  assert.deepEqual(full.item, {
    type: "reasoning",
    id: "rs-2",
    summary: [],
    encrypted_content: "ZW5j",
    content: [
      { type: "reasoning_text", text: "step 1" },
      { type: "reasoning_text", text: "step 2" },
    ],
  });
  const bare = reasoningItemEvent("rs-3", [], { encryptedContent: null });
  assert.deepEqual(bare.item, { type: "reasoning", id: "rs-3", summary: [] });
});

Deno.test("reasoning delta builders match the spec examples and default their index to 0", () => {
  assert.equal(
    wire(reasoningSummaryPartAddedEvent(1)),
    '{"type":"response.reasoning_summary_part.added","item_id":"rs-1","output_index":0,"summary_index":1,"part":{"type":"summary_text","text":""}}',
  );
  assert.equal(
    wire(reasoningSummaryTextDeltaEvent("**Planning**\n…", 1)),
    '{"type":"response.reasoning_summary_text.delta","item_id":"rs-1","output_index":0,"summary_index":1,"delta":"**Planning**\\n…"}',
  );
  assert.equal(reasoningSummaryTextDeltaEvent("x").summary_index, 0);
  assert.equal(
    wire(reasoningTextDeltaEvent("raw cot")),
    '{"type":"response.reasoning_text.delta","item_id":"rs-1","output_index":0,"content_index":0,"delta":"raw cot"}',
  );
  assert.equal(reasoningTextDeltaEvent("x", 2).content_index, 2);
});

Deno.test("functionCallEvent writes a function_call item with the arguments string", () => {
  assert.equal(
    wire(functionCallEvent("call-1", "shell", { arguments: '{"command":["ls"]}' })),
    '{"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","call_id":"call-1","name":"shell","arguments":"{\\"command\\":[\\"ls\\"]}"}}',
  );
  assert.equal(functionCallEvent("call-2", "noop").item.arguments, "{}");
  assert.deepEqual(functionCallEvent("call-3", "f", { id: "fc-3" }).item, {
    type: "function_call",
    id: "fc-3",
    call_id: "call-3",
    name: "f",
    arguments: "{}",
  });
});

Deno.test("completedEvent matches the spec example and defaults usage to zeros", () => {
  assert.equal(
    wire(completedEvent("resp-1", {
      inputTokens: 10,
      cachedTokens: 6,
      outputTokens: 4,
      reasoningTokens: 3,
    })),
    '{"type":"response.completed","response":{"id":"resp-1","usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":6},"output_tokens":4,"output_tokens_details":{"reasoning_tokens":3},"total_tokens":14}}}',
  );
  assert.deepEqual(completedEvent(), {
    type: "response.completed",
    response: {
      id: "resp-1",
      usage: {
        input_tokens: 0,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 0,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 0,
      },
    },
  });
  assert.equal(
    completedEvent("r", { inputTokens: 1, totalTokens: 99 }).response.usage?.total_tokens,
    99,
  );
  assert.equal(
    wire(completedEvent("resp-2", null)),
    '{"type":"response.completed","response":{"id":"resp-2","usage":null}}',
  );
});

Deno.test("completedEventWithTokens counts the total as input tokens", () => {
  assert.deepEqual(completedEventWithTokens("resp-1", 123).response.usage, {
    input_tokens: 123,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 123,
  });
});

Deno.test("failedEvent writes response.error with code and message", () => {
  assert.equal(
    wire(failedEvent("resp-1", { code: "context_length_exceeded", message: "Too long" })),
    '{"type":"response.failed","response":{"id":"resp-1","error":{"code":"context_length_exceeded","message":"Too long"}}}',
  );
  assert.deepEqual(
    failedEvent("resp-2", { code: "invalid_prompt", message: "No", type: "invalid_request_error" })
      .response.error,
    { code: "invalid_prompt", message: "No", type: "invalid_request_error" },
  );
});

Deno.test("incompleteEvent writes response.incomplete_details.reason", () => {
  assert.equal(
    wire(incompleteEvent("resp-1", "max_output_tokens")),
    '{"type":"response.incomplete","response":{"id":"resp-1","incomplete_details":{"reason":"max_output_tokens"}}}',
  );
});

Deno.test("outputItemAddedEvent and outputItemDoneEvent wrap any item", () => {
  const item = { type: "web_search_call", id: "ws-1", status: "completed" };
  assert.deepEqual(outputItemAddedEvent(item), {
    type: "response.output_item.added",
    output_index: 0,
    item,
  });
  assert.deepEqual(outputItemDoneEvent(item, { outputIndex: 2, sequenceNumber: 9 }), {
    type: "response.output_item.done",
    output_index: 2,
    item,
    sequence_number: 9,
  });
});

Deno.test("delta builders take the item id, output index and sequence number", () => {
  assert.deepEqual(
    outputTextDeltaEvent("x", {
      itemId: "msg-9",
      outputIndex: 1,
      contentIndex: 2,
      sequenceNumber: 5,
    }),
    {
      type: "response.output_text.delta",
      item_id: "msg-9",
      output_index: 1,
      content_index: 2,
      delta: "x",
      sequence_number: 5,
    },
  );
  assert.equal(reasoningSummaryTextDeltaEvent("x", 0, { itemId: "rs-4" }).item_id, "rs-4");
  assert.equal(createdEvent("r", { sequenceNumber: 0 }).sequence_number, 0);
  assert.equal(completedEvent("r", null, { sequenceNumber: 12 }).sequence_number, 12);
});

Deno.test("builder output feeds encodeSseEvent directly", () => {
  assert.equal(
    encodeSseEvent(createdEvent("resp-7")),
    'event: response.created\ndata: {"type":"response.created","response":{"id":"resp-7"}}\n\n',
  );
});
