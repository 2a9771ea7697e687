// Items narrow on `type`: this file only compiles when they do (`deno test` type-checks
// it), and its tests check the same narrowing on items that came over the wire.

import assert from "node:assert/strict";
import { itemType, type ResponseItem, type Tool } from "../../mod.ts";
import {
  completedEvent,
  createdEvent,
  functionCallEvent,
  outputItemDoneEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { testClient } from "../_helpers.ts";

/** What a tool-call follow-up reads from each item, with no casts. */
function describe(item: ResponseItem): string {
  switch (item.type) {
    case "function_call": {
      const callId: string = item.call_id;
      const name: string = item.name;
      const args: string = item.arguments;
      return `function ${name}(${args}) ${callId}`;
    }
    case "custom_tool_call": {
      const input: string = item.input;
      return `custom ${item.name}(${input}) ${item.call_id}`;
    }
    case "message": {
      const role: string = item.role;
      return `${role}: ${item.content.map((part) => part.text ?? "").join("")}`;
    }
    case "reasoning":
      return `reasoning ${item.summary.length}`;
    case "local_shell_call": {
      const command: string[] | undefined = item.action.command;
      return `shell ${command?.join(" ")}`;
    }
    case "web_search_call":
      return `search ${item.action?.query ?? ""}`;
    default:
      return `other ${itemType(item)}`;
  }
}

// Compile-time checks: the lines marked @ts-expect-error must fail to type-check.
function typeLevelChecks(item: ResponseItem): void {
  // @ts-expect-error Without a check on `type`, `call_id` is not known to be a string.
  const notNarrowed: string = item.call_id;
  if (item.type === "function_call") {
    // @ts-expect-error A function call has no `role`… as a string.
    const role: string = item.role;
    void role;
  }
  // @ts-expect-error An unknown item's `type` is opaque: read it with itemType().
  const raw: string = item.type;
  void notNarrowed;
  void raw;
  const tools: Tool[] = [
    { type: "function", name: "f", parameters: { type: "object" } },
    { type: "custom", name: "apply_patch", format: { type: "text" } },
    { type: "image_generation", output_format: "png" },
  ];
  void tools;
}
void typeLevelChecks;

Deno.test("items from the wire narrow on type, and unknown item types pass through", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        createdEvent("resp-1"),
        functionCallEvent("call-1", "shell", { arguments: '{"command":["ls"]}', id: "fc-1" }),
        outputItemDoneEvent({
          type: "custom_tool_call",
          id: "ct-1",
          call_id: "call-2",
          name: "apply_patch",
          input: "*** Begin Patch",
        }),
        outputItemDoneEvent({ type: "future_call", id: "fu-1", payload: { a: 1 } }),
        completedEvent("resp-1"),
      ],
    }],
  });
  const response = await testClient(server.url)
    .stream({ model: "gpt-5", input: "hi" })
    .finalResponse();
  assert.deepEqual(response.items.map(describe), [
    'function shell({"command":["ls"]}) call-1',
    "custom apply_patch(*** Begin Patch) call-2",
    "other future_call",
  ]);
  assert.deepEqual(response.items[2], { type: "future_call", id: "fu-1", payload: { a: 1 } });
});

Deno.test("a known item type without its required fields is skipped, and telemetry names the field", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        createdEvent("resp-1"),
        outputItemDoneEvent({ type: "custom_tool_call", call_id: "call-2", name: "x" }),
        completedEvent("resp-1"),
      ],
    }],
  });
  const errors: string[] = [];
  const client = testClient(server.url, {
    telemetry: { onSseEvent: (info) => info.error === undefined || errors.push(info.error) },
  });
  const response = await client.stream({ model: "gpt-5", input: "hi" }).finalResponse();
  assert.deepEqual(response.items, []);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /input/);
});
