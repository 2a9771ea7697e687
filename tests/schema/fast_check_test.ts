// The fast checks derived from the wire-event schemas accept exactly what zod accepts:
// checked on valid events with random mutations and on random values (fast-check), for
// every schema that has a fast check, against every such check.

import assert from "node:assert/strict";
import fc from "fast-check";
import { z } from "zod";
import { fastCheckOf } from "../../lib/schema/_fast_check.ts";
import { WIRE_EVENT_FAST_CHECKS, WIRE_EVENT_SCHEMAS } from "../../lib/schema/_wire_schemas.ts";
import {
  completedEvent,
  completedEventWithTokens,
  outputTextDeltaEvent,
  reasoningSummaryPartAddedEvent,
  reasoningSummaryTextDeltaEvent,
  reasoningTextDeltaEvent,
} from "../../testing.ts";

const CHECKED = [...WIRE_EVENT_FAST_CHECKS].map(([type, check]) => ({
  type,
  check,
  schema: WIRE_EVENT_SCHEMAS.get(type)!,
}));

// The builders return typed wire events; the checks take any plain object.
const VALID = [
  outputTextDeltaEvent("Hel"),
  { ...outputTextDeltaEvent("lo"), item_id: "msg_1", output_index: 0, sequence_number: 7 },
  reasoningSummaryTextDeltaEvent("thinking", 1),
  reasoningSummaryPartAddedEvent(2),
  reasoningTextDeltaEvent("raw", 0),
  completedEvent("resp-1"),
  completedEventWithTokens("resp-2", 42),
  {
    type: "response.completed",
    response: {
      id: "resp-3",
      end_turn: true,
      usage: {
        input_tokens: 10,
        input_tokens_details: null,
        output_tokens: 4,
        output_tokens_details: { reasoning_tokens: 1 },
        total_tokens: 14,
      },
    },
  },
  { type: "response.completed", response: { id: "resp-4", usage: null, end_turn: null } },
  {
    type: "response.completed",
    response: {
      id: "resp-5",
      usage: {
        input_tokens: 3,
        input_tokens_details: { cached_tokens: 1, cache_write_tokens: null },
        output_tokens: 2,
        total_tokens: 5,
      },
    },
  },
  {
    type: "response.reasoning_summary_text.done",
    item_id: "rs_1",
    text: "Thought",
    summary_index: 0,
  },
  { type: "response.custom_tool_call_input.delta", item_id: "ct_1", call_id: null, delta: "{" },
  { type: "response.custom_tool_call_input.delta", call_id: "call_1", delta: "}" },
  { type: "response.created", response: { id: "resp-6", status: "in_progress", output: [] } },
  { type: "response.created", response: {} },
  {
    type: "response.output_item.added",
    item: { type: "message", role: "assistant", content: [], id: "msg_1" },
  },
  {
    type: "response.output_item.done",
    item: {
      type: "message",
      role: "assistant",
      id: "msg_1",
      phase: "final_answer",
      end_turn: true,
      content: [{ type: "output_text", text: "Hi" }, { type: "refusal" }],
    },
  },
  {
    type: "response.output_item.done",
    item: { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text" }], content: null },
  },
  {
    type: "response.output_item.done",
    item: { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" },
  },
  // A known type without a fast check of its own (its output is a union), and one unknown.
  {
    type: "response.output_item.done",
    item: { type: "function_call_output", call_id: "c1", output: [{ type: "input_text" }] },
  },
  { type: "response.output_item.added", item: { type: "future_item", id: null } },
] as readonly object[] as readonly Record<string, unknown>[];

// Every key the schemas name, and a few that objects carry anyway.
const KEYS = [
  "type",
  "delta",
  "summary_index",
  "content_index",
  "response",
  "id",
  "usage",
  "end_turn",
  "input_tokens",
  "input_tokens_details",
  "cached_tokens",
  "output_tokens",
  "output_tokens_details",
  "reasoning_tokens",
  "total_tokens",
  "cache_write_tokens",
  "item_id",
  "call_id",
  "text",
  "item",
  "role",
  "content",
  "phase",
  "summary",
  "name",
  "arguments",
  "output",
  "status",
  "0",
  "extra",
  "constructor",
  "__proto__",
];

const leaf = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom(...WIRE_EVENT_SCHEMAS.keys(), "response.other"),
  fc.double(),
  fc.constantFrom(0, -0, 1, 1.5, NaN, Infinity, -Infinity),
  fc.constantFrom("message", "reasoning", "function_call", "function_call_output", "final_answer"),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    tie("object"),
    fc.array(tie("value"), { maxLength: 2 }),
  ),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 6 }),
}));

// A path of keys, and what to put there (`undefined` with `remove` deletes the key).
const mutation = fc.record({
  path: fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }),
  remove: fc.boolean(),
  value,
});

function mutate(
  event: Record<string, unknown>,
  mutations: readonly { path: string[]; remove: boolean; value: unknown }[],
): Record<string, unknown> {
  const copy = structuredClone(event);
  for (const { path, remove, value } of mutations) {
    let target: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (typeof next !== "object" || next === null) {
        target[key] = {};
      }
      target = target[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (remove) delete target[last];
    else target[last] = value;
  }
  return copy;
}

function assertAgree(candidate: unknown): void {
  for (const { type, check, schema } of CHECKED) {
    assert.equal(
      check(candidate),
      schema.safeParse(candidate).success,
      `the fast check of ${type} disagrees with zod on ${Deno.inspect(candidate)}`,
    );
  }
}

Deno.test("every mapped event but failed, incomplete and metadata has a fast check", () => {
  assert.deepEqual(
    CHECKED.map(({ type }) => type).sort(),
    [
      "response.completed",
      "response.created",
      "response.custom_tool_call_input.delta",
      "response.output_item.added",
      "response.output_item.done",
      "response.output_text.delta",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_text.delta",
    ],
  );
});

Deno.test("a fast check accepts every valid event its schema accepts", () => {
  for (const event of VALID) {
    assert.equal(WIRE_EVENT_FAST_CHECKS.get(event.type as string)?.(event), true);
    assertAgree(event);
  }
});

Deno.test("fast checks agree with zod on mutated valid events", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...VALID),
      fc.array(mutation, { maxLength: 3 }),
      (event, mutations) => assertAgree(mutate(event, mutations)),
    ),
    { numRuns: 3000 },
  );
});

Deno.test("fast checks agree with zod on random values", () => {
  fc.assert(fc.property(value, assertAgree), { numRuns: 2000 });
});

Deno.test("fast checks agree with zod on objects that are not plain", () => {
  class Delta {
    type = "response.output_text.delta";
    delta = "x";
  }
  for (const candidate of [new Delta(), new Date(), new Map(), [], () => {}, Object.create(null)]) {
    assertAgree(candidate);
  }
});

Deno.test("schemas with refinements, transforms, records, strict objects, unions or unknown fields get no fast check", () => {
  for (
    const schema of [
      z.string().min(1),
      z.number().int(),
      z.string().transform((text) => text.length),
      z.record(z.string(), z.unknown()),
      z.strictObject({ a: z.string() }),
      z.object({ a: z.array(z.string().min(1)) }),
      z.array(z.string()).min(1),
      z.union([z.string(), z.number()]),
      z.object({ a: z.unknown() }),
    ]
  ) {
    assert.equal(fastCheckOf(schema as z.ZodType), undefined);
  }
});

Deno.test("derived checks agree with zod on literals, enums, booleans, optional, nullable and loose objects", () => {
  const schema = z.looseObject({
    kind: z.enum(["a", "b"]),
    flag: z.boolean(),
    maybe: z.literal(3).nullable().optional(),
    nested: z.object({ n: z.number() }),
  });
  const check = fastCheckOf(schema)!;
  fc.assert(
    fc.property(
      fc.record({
        kind: fc.constantFrom("a", "b", "c"),
        flag: fc.oneof(fc.boolean(), fc.constant(0)),
        maybe: fc.constantFrom(3, 4, null, undefined),
        nested: fc.oneof(fc.record({ n: fc.oneof(fc.double(), fc.string()) }), fc.constant(null)),
        other: value,
      }, { requiredKeys: ["kind"] }),
      (candidate) => assert.equal(check(candidate), schema.safeParse(candidate).success),
    ),
    { numRuns: 2000 },
  );
});

Deno.test("derived checks agree with zod on arrays, holes and nested arrays included", () => {
  const schema = z.object({
    list: z.array(z.looseObject({ type: z.string() })),
    nested: z.array(z.array(z.number())).optional(),
  });
  const check = fastCheckOf(schema)!;
  assert.notEqual(check, undefined);
  const element = fc.oneof(fc.record({ type: fc.oneof(fc.string(), fc.integer()) }), value);
  fc.assert(
    fc.property(
      fc.record({
        list: fc.oneof(fc.array(element, { maxLength: 3 }), fc.sparseArray(element), value),
        nested: fc.oneof(fc.array(fc.array(fc.oneof(fc.double(), fc.string()))), value),
      }, { requiredKeys: [] }),
      (candidate) => assert.equal(check(candidate), schema.safeParse(candidate).success),
    ),
    { numRuns: 2000 },
  );
});
