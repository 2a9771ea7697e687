// A deterministic Responses SSE stream for the throughput benches: `response.created`,
// one `response.output_item.added`, N `response.output_text.delta` events of varied
// short text (some of it non-ASCII, some needing JSON escapes), the
// `response.output_item.done` with the full message, and `response.completed` with usage.
// Same seed, same bytes: every contender of every round reads identical input.

import { seededRandom } from "./_bench_util.ts";

/** Options of {@linkcode buildSseCorpus}. */
export interface SseCorpusOptions {
  /** How many `response.output_text.delta` events. @default 200000 */
  deltas?: number;
  /** The PRNG seed. @default 0x5eed */
  seed?: number;
}

/** The bytes of one streamed response and what a reader of it should see. */
export interface SseCorpus {
  /** The whole SSE body, UTF-8. */
  bytes: Uint8Array<ArrayBuffer>;
  /** How many SSE events (`data:` lines) the body holds. */
  events: number;
  /** How many of them are `response.output_text.delta`. */
  deltas: number;
  /** The concatenated deltas: the assistant text. */
  text: string;
  /** The response id used in `response.created` and `response.completed`. */
  responseId: string;
}

/** The default number of delta events: about 30 MB of SSE. */
export const DEFAULT_DELTA_EVENTS = 200_000;

// Word pool: mostly ASCII prose and code, with some Latin-1, CJK, emoji (astral, so a
// surrogate pair in JS strings and 4 bytes on the wire) and characters JSON escapes.
const WORDS = [
  "the",
  "stream",
  " of",
  " tokens",
  "function",
  "const",
  " x",
  " =",
  " 42",
  ";",
  "return",
  " value",
  " while",
  " (i < n)",
  " {",
  " }",
  "deno",
  " fetch",
  " await",
  " async",
  " for",
  " each",
  " event",
  " delta",
  " response",
  " output",
  " item",
  " message",
  " content",
  " text",
  " model",
  " usage",
  " cache",
  ".",
  ",",
  ":",
  " and",
  " is",
  " a",
  " to",
  " in",
  " café",
  " naïve",
  " über",
  " façade",
  " 東京",
  " 日本語",
  " 你好",
  " 世界",
  " 🙂",
  " 🚀",
  " ✓",
  " €",
  " —",
  " «ok»",
  "\n",
  "\n\n",
  "\t",
  ' "quoted"',
  " back\\slash",
  " </tag>",
  " Ω",
  " ß",
  " 한국어",
  " ₿",
];

function hexId(random: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function block(type: string, json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

/**
 * Builds the corpus. Deterministic: the same options give the same bytes.
 *
 * @param options How many deltas and which seed.
 * @returns The bytes and the counts a correct reader must report.
 */
export function buildSseCorpus(options: SseCorpusOptions = {}): SseCorpus {
  const deltas = options.deltas ?? DEFAULT_DELTA_EVENTS;
  const random = seededRandom(options.seed ?? 0x5eed);
  const responseId = `resp_${hexId(random, 48)}`;
  const itemId = `msg_${hexId(random, 48)}`;
  const parts: string[] = [];
  const texts: string[] = [];
  let sequence = 0;
  const response = {
    id: responseId,
    object: "response",
    created_at: 1767225600,
    status: "in_progress",
    model: "gpt-5.2-codex",
    output: [],
    usage: null,
  };
  parts.push(block(
    "response.created",
    JSON.stringify({ type: "response.created", sequence_number: sequence++, response }),
  ));
  const added = {
    id: itemId,
    type: "message",
    status: "in_progress",
    role: "assistant",
    content: [],
  };
  parts.push(block(
    "response.output_item.added",
    JSON.stringify({
      type: "response.output_item.added",
      sequence_number: sequence++,
      output_index: 0,
      item: added,
    }),
  ));
  // The delta prefix is written once; only delta and sequence_number vary per event.
  const prefix = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta",` +
    `"item_id":"${itemId}","output_index":0,"content_index":0,"delta":`;
  for (let i = 0; i < deltas; i++) {
    const words = 1 + Math.floor(random() * 3);
    let delta = "";
    for (let w = 0; w < words; w++) delta += WORDS[Math.floor(random() * WORDS.length)];
    texts.push(delta);
    parts.push(`${prefix}${JSON.stringify(delta)},"sequence_number":${sequence++}}\n\n`);
  }
  const text = texts.join("");
  const message = {
    id: itemId,
    type: "message",
    status: "completed",
    role: "assistant",
    phase: "final_answer",
    content: [{ type: "output_text", annotations: [], logprobs: [], text }],
  };
  parts.push(block(
    "response.output_item.done",
    JSON.stringify({
      type: "response.output_item.done",
      sequence_number: sequence++,
      output_index: 0,
      item: message,
    }),
  ));
  parts.push(block(
    "response.completed",
    JSON.stringify({
      type: "response.completed",
      sequence_number: sequence++,
      response: {
        ...response,
        status: "completed",
        output: [message],
        usage: {
          input_tokens: 1234,
          input_tokens_details: { cached_tokens: 1024 },
          output_tokens: deltas,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 1234 + deltas,
        },
      },
    }),
  ));
  const bytes = new TextEncoder().encode(parts.join(""));
  return { bytes, events: deltas + 4, deltas, text, responseId };
}

/**
 * Splits bytes into chunks of `size` bytes (the last may be shorter). Chunks are copies,
 * so each owns its buffer as a network read would.
 *
 * @param bytes The whole body.
 * @param size The chunk size in bytes.
 * @returns The chunks, in order.
 */
export function chunkBytes(bytes: Uint8Array, size: number): Uint8Array<ArrayBuffer>[] {
  if (!(size > 0)) {
    throw new RangeError(`Cannot chunk the corpus: size must be positive, got ${size}`);
  }
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    chunks.push(bytes.slice(offset, offset + size));
  }
  return chunks;
}
