import assert from "node:assert/strict";
import { encodeSseEvent, encodeSseEvents } from "../../lib/testing/sse_encoding.ts";

Deno.test("encodeSseEvent writes an event line, a data line with the JSON and a blank line", () => {
  assert.equal(
    encodeSseEvent({ type: "response.output_text.delta", delta: "Hel" }),
    'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hel"}\n\n',
  );
});

Deno.test("encodeSseEvent writes a type-only event without a data line", () => {
  assert.equal(encodeSseEvent({ type: "response.in_progress" }), "event: response.in_progress\n\n");
  // A field left undefined is not written, so the event still has only its type.
  assert.equal(encodeSseEvent({ type: "ping", extra: undefined }), "event: ping\n\n");
});

Deno.test("encodeSseEvent keeps line breaks in values escaped inside the one data line", () => {
  assert.equal(
    encodeSseEvent({ type: "response.reasoning_summary_text.delta", delta: "a\nb\r\n" }),
    'event: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta","delta":"a\\nb\\r\\n"}\n\n',
  );
});

Deno.test("encodeSseEvents concatenates the events in order", () => {
  const body = encodeSseEvents([
    { type: "response.created", response: { id: "resp-1" } },
    { type: "response.in_progress" },
    { type: "response.completed", response: { id: "resp-1" } },
  ]);
  assert.equal(
    body,
    'event: response.created\ndata: {"type":"response.created","response":{"id":"resp-1"}}\n\n' +
      "event: response.in_progress\n\n" +
      'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp-1"}}\n\n',
  );
  assert.equal(encodeSseEvents([]), "");
});

Deno.test("encodeSseEvent rejects events without a usable type", () => {
  const bad: unknown[] = [null, [], "x", { delta: "x" }, { type: 1 }, { type: "" }];
  for (const event of bad) {
    assert.throws(() => encodeSseEvent(event as { type: string }), TypeError);
  }
  assert.throws(
    () => encodeSseEvent({ type: "a\nb" }),
    new TypeError('Cannot encode SSE event: "type" "a\\nb" contains a line break'),
  );
  assert.throws(
    () => encodeSseEvents([{ type: "ok" }, { delta: "x" } as unknown as { type: string }]),
    new TypeError('Cannot encode SSE event: "type" must be a non-empty string, got undefined'),
  );
});
