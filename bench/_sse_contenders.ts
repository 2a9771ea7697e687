// The three readers the SSE throughput benches compare. Each gets a fresh `Response`
// whose body streams the same chunks, and returns how many events it saw:
//
// - baseline: TextDecoder + split on "\n" + JSON.parse of each `data: ` line; the floor
//   for any reader that has to turn these bytes into objects.
// - codexwire: the public `ResponsesClient` with an injected fetch; bytes to validated
//   `ResponseEvent`s, every wire event checked by the zod schemas.
// - openai SDK: `Stream.fromSSEResponse` of `openai` (what `client.responses.create({
//   stream: true })` iterates), events parsed but not validated.

// deno.json maps only the bare `openai`, so the subpath names the same pinned version.
import { Stream } from "npm:openai@7.55.0/core/streaming";
import { ResponsesClient } from "../mod.ts";

/** A reader under test: consumes one response body, returns the events it saw. */
export type SseContender = (chunks: readonly Uint8Array<ArrayBuffer>[]) => Promise<number>;

/** The contenders by name, baseline first. */
export const SSE_CONTENDERS: Readonly<Record<"baseline" | "codexwire" | "openai", SseContender>> = {
  baseline: readBaseline,
  codexwire: readCodexwire,
  openai: readOpenaiSdk,
};

/**
 * A `text/event-stream` response streaming `chunks`, as fetch would return it.
 *
 * @param chunks The body, chunked.
 * @returns A fresh response.
 */
export function sseResponse(chunks: readonly Uint8Array<ArrayBuffer>[]): Response {
  return new Response(ReadableStream.from(chunks), {
    headers: { "content-type": "text/event-stream" },
  });
}

function readBaseline(chunks: readonly Uint8Array<ArrayBuffer>[]): Promise<number> {
  return countBaselineEvents(sseResponse(chunks).body!);
}

/**
 * The baseline reader over any body (a fetch response's too): UTF-8 decode, split on
 * "\n", `JSON.parse` of each `data: ` line.
 *
 * @param body The SSE body.
 * @returns How many `data:` lines it held.
 */
export async function countBaselineEvents(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // A partial line is kept as fragments and joined once its "\n" arrives: `rest + text`
  // on every chunk would rescan a 2 MB `output_item.done` line per chunk (quadratic).
  const pending: string[] = [];
  let events = 0;
  for (;;) {
    const { done, value } = await reader.read();
    const text = decoder.decode(value, { stream: !done });
    if (!done && text.indexOf("\n") === -1) {
      pending.push(text);
      continue;
    }
    pending.push(text);
    const lines = pending.join("").split("\n");
    pending.length = 0;
    pending.push(lines.pop()!);
    for (const line of lines) {
      if (line.startsWith("data: ")) {
        JSON.parse(line.slice(6));
        events++;
      }
    }
    if (done) return events;
  }
}

async function readCodexwire(chunks: readonly Uint8Array<ArrayBuffer>[]): Promise<number> {
  const client = new ResponsesClient({
    baseUrl: "http://bench.invalid/v1",
    fetch: () => Promise.resolve(sseResponse(chunks)),
  });
  let events = 0;
  for await (const _event of client.stream({ model: "m", input: "x" })) events++;
  return events;
}

async function readOpenaiSdk(chunks: readonly Uint8Array<ArrayBuffer>[]): Promise<number> {
  const stream = Stream.fromSSEResponse<unknown>(sseResponse(chunks), new AbortController());
  let events = 0;
  for await (const _event of stream) events++;
  return events;
}
