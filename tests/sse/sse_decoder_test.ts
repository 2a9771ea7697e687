// SseDecoder: framing rules, bounds, and the property that chunking never changes events.

import assert from "node:assert/strict";
import fc from "fast-check";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { WireEventMapper } from "../../lib/responses/wire_event_mapper.ts";
import { SseDecoder, type SseMessage } from "../../lib/sse/sse_decoder.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
  reasoningSummaryTextDeltaEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

const encoder = new TextEncoder();

function decodeAll(chunks: readonly Uint8Array[]): SseMessage[] {
  const decoder = new SseDecoder();
  const messages = chunks.flatMap((chunk) => decoder.push(chunk));
  messages.push(...decoder.end());
  assert.equal(decoder.failure, undefined);
  return messages;
}

function toEvents(messages: readonly SseMessage[]): ResponseEvent[] {
  const mapper = new WireEventMapper();
  const out: ResponseEvent[] = [];
  for (const message of messages) {
    try {
      mapper.map(JSON.parse(message.data), out);
    } catch {
      // not JSON: skipped, as the client does
    }
  }
  return out;
}

Deno.test("SseDecoder joins multi-line data with \\n and keeps event names and ids", () => {
  const messages = decodeAll([encoder.encode("event: a\nid: 7\ndata: one\ndata: two\n\n")]);
  assert.deepEqual(messages, [{ event: "a", id: "7", data: "one\ntwo" }]);
});

Deno.test("SseDecoder discards an event not ended by a blank line at end of stream", () => {
  assert.deepEqual(decodeAll([encoder.encode('data: {"type":"x"}\n')]), []);
});

Deno.test("SseDecoder fails when the stream ends inside a UTF-8 character", () => {
  const decoder = new SseDecoder();
  decoder.push(new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xe2, 0x82]));
  decoder.end();
  assert.equal(decoder.failure?.kind, "stream");
  assert.throws(() => decoder.push(new Uint8Array([0xac])), { kind: "stream" });
});

Deno.test("SseDecoder keeps events before an invalid byte split over chunks", () => {
  const decoder = new SseDecoder();
  const good = encoder.encode("data: é\n\ndata: ok\n\n");
  const out = decoder.push(good.subarray(0, 7)); // ends inside "é"
  out.push(...decoder.push(new Uint8Array([...good.subarray(7), 0xff])));
  assert.deepEqual(out.map((message) => message.data), ["é", "ok"]);
  assert.equal(decoder.failure?.kind, "stream");
});

Deno.test("SseDecoder keeps a U+FFFD the server sent, whole or split over chunks", () => {
  const bytes = encoder.encode("data: a\uFFFDb\n\ndata: \uFFFD\n\n");
  for (let cut = 0; cut <= bytes.length; cut++) {
    const messages = decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(messages.map((message) => message.data), ["a\uFFFDb", "\uFFFD"]);
  }
});

Deno.test("SseDecoder refuses surrogates, overlong forms and stray bytes beside a real U+FFFD", () => {
  for (
    const bad of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf4, 0x90, 0x80, 0x80]]
  ) {
    const decoder = new SseDecoder();
    const out = decoder.push(
      new Uint8Array([...encoder.encode("data: \uFFFD\n\ndata: "), ...bad, 0x0a, 0x0a]),
    );
    assert.deepEqual(out.map((message) => message.data), ["\uFFFD"]);
    assert.equal(decoder.failure?.kind, "stream");
  }
});

Deno.test("property: any bytes, any chunking: the same messages and the same failure as one piece", () => {
  const piece = fc.oneof(
    fc.constantFrom("data: x\n\n", "\n", "data: é", "👋", "\uFFFD", "event: e\n"),
    fc.uint8Array({ maxLength: 4 }).map((bytes) => String.fromCharCode(...bytes)),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (
      pieces,
      cuts,
    ) => {
      // Strings of byte values stand for raw bytes; the others are text.
      const bytes = new Uint8Array(
        pieces.flatMap((text) =>
          [...text].every((char) => char.charCodeAt(0) < 0x100) && !/^[\x20-\x7e\n]*$/.test(text)
            ? [...text].map((char) => char.charCodeAt(0))
            : [...encoder.encode(text)]
        ),
      );
      const run = (chunks: readonly Uint8Array[]) => {
        const decoder = new SseDecoder();
        const messages: SseMessage[] = [];
        try {
          for (const chunk of chunks) messages.push(...decoder.push(chunk));
          messages.push(...decoder.end());
        } catch {
          // a failure: what came before it is compared
        }
        return { messages, failed: decoder.failure !== undefined };
      };
      assert.deepEqual(run(splitAt(bytes, cuts)), run([bytes]));
    }),
    { numRuns: 1000, seed: 20261201 },
  );
});

Deno.test("SseDecoder fails at the chunk that leaves a partial line over maxEventSize", () => {
  const decoder = new SseDecoder({ maxEventSize: 1_000 });
  const out = decoder.push(encoder.encode("data: a\n\ndata: " + "x".repeat(5_000)));
  assert.deepEqual(out.map((message) => message.data), ["a"]);
  assert.equal(decoder.failure?.kind, "stream");
  assert.throws(() => decoder.push(encoder.encode("y\n\n")), { kind: "stream" });
});

Deno.test("SseDecoder rejects a non-positive maxEventSize with RangeError", () => {
  assert.throws(() => new SseDecoder({ maxEventSize: 0 }), RangeError);
});

// The stream the property test re-chunks: every mapped kind, non-ASCII text, a
// multi-line data field written across `data:` lines.
const STREAM_EVENTS = [
  createdEvent("resp-1"),
  reasoningSummaryTextDeltaEvent("**Plan** — naïve ✓", 0),
  outputTextDeltaEvent("Hello, 世界 👋\n"),
  outputTextDeltaEvent(""),
  assistantMessageEvent("msg-1", "Hello, 世界 👋", { phase: "final_answer" }),
  completedEvent("resp-1", { inputTokens: 3, outputTokens: 5 }),
];

function encodeVariant(
  lineEnd: string,
  bom: boolean,
  comments: readonly boolean[],
  splitData: readonly boolean[],
): Uint8Array {
  let text = bom ? "\uFEFF" : "";
  STREAM_EVENTS.forEach((event, index) => {
    if (comments[index]) text += `: keep-alive ${index}${lineEnd}`;
    text += `event: ${event.type}${lineEnd}`;
    const json = JSON.stringify(event, null, splitData[index] ? 1 : undefined);
    for (const line of json.split("\n")) text += `data: ${line}${lineEnd}`;
    text += lineEnd;
  });
  return encoder.encode(text);
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

const EXPECTED = toEvents(decodeAll([encodeVariant("\n", false, [], [])]));

Deno.test("property: any chunking, CR/LF/CRLF line ends, a BOM and comments yield the same events", () => {
  assert.equal(EXPECTED.length, STREAM_EVENTS.length);
  fc.assert(
    fc.property(
      fc.constantFrom("\n", "\r\n", "\r"),
      fc.boolean(),
      fc.array(fc.boolean(), { minLength: STREAM_EVENTS.length, maxLength: STREAM_EVENTS.length }),
      fc.array(fc.boolean(), { minLength: STREAM_EVENTS.length, maxLength: STREAM_EVENTS.length }),
      fc.array(fc.nat(), { maxLength: 40 }),
      (lineEnd, bom, comments, splitData, cuts) => {
        const bytes = encodeVariant(lineEnd, bom, comments, splitData);
        assert.deepEqual(toEvents(decodeAll(splitAt(bytes, cuts))), EXPECTED);
      },
    ),
    { numRuns: 400, seed: 20261121 },
  );
});

Deno.test("property: an event comes out with the chunk that completes it, whatever the line ends", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom("\n", "\r\n", "\r"), { minLength: 6, maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (lineEnds, cuts) => {
        // Each event ends its lines its own way: a stream may mix them.
        let text = "";
        lineEnds.forEach((end, index) => {
          text += `event: e${index}${end}data: ${JSON.stringify(STREAM_EVENTS[index])}${end}${end}`;
        });
        const bytes = encoder.encode(text);
        const decoder = new SseDecoder();
        let seen = 0;
        let offset = 0;
        for (const chunk of splitAt(bytes, cuts)) {
          seen += decoder.push(chunk).length;
          offset += chunk.length;
          // One piece of everything so far completes exactly as many events.
          assert.equal(seen, new SseDecoder().push(bytes.subarray(0, offset)).length);
        }
        assert.equal(seen + decoder.end().length, STREAM_EVENTS.length);
      },
    ),
    { numRuns: 500, seed: 20261202 },
  );
});

Deno.test("property: splitting at every single byte yields the same events", () => {
  for (const lineEnd of ["\n", "\r\n", "\r"]) {
    const bytes = encodeVariant(lineEnd, true, [true, true, true, true, true, true], [
      true,
      false,
      true,
      false,
      true,
      true,
    ]);
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    assert.deepEqual(toEvents(decodeAll(chunks)), EXPECTED, JSON.stringify(lineEnd));
  }
});

Deno.test("a byte-by-byte body over loopback gives the same events as one piece", async () => {
  const bytes = encodeVariant("\r\n", true, [true, false, true, false, false, false], []);
  await using server = await startMockResponsesServer({
    responses: [
      { body: bytes, headers: { "content-type": "text/event-stream" } },
      { body: bytes, chunkSize: 1, headers: { "content-type": "text/event-stream" } },
    ],
  });
  const client = testClient(server.url);
  const whole = await collect(client.stream({ model: "m", input: "x" }));
  const bytewise = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(whole.error, undefined);
  assert.deepEqual(bytewise.events, whole.events);
  assert.deepEqual(whole.events.filter((event) => event.type !== "rateLimits"), EXPECTED);
});
