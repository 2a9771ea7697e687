// Where the real client's SSE time goes. Every run reads the same corpus from a fresh
// `Response` body; the runs are interleaved over several rounds in one process (medians):
//
// - stages: the client's pipeline rebuilt from the same lib parts it uses, one part added
//   at a time (body reads, UTF-8, `SseDecoder`, `JSON.parse`, `WireEventMapper` with its
//   validation), then the real `ResponsesClient` itself; the last step is the client
//   layer (request building, retries, idle timer, async iteration of every event);
// - reference: the baseline contender of bench/sse_compare.ts, and the mapper (with its
//   validation) over events parsed beforehand, alone.
//
//   deno run -A bench/sse_profile.ts [--rounds 7] [--chunks 65536] [--deltas 200000] [--json]
//
// For a function-level view of the client run alone:
//   deno run -A --v8-flags=--prof bench/sse_profile.ts --only client

import { buildSseCorpus, chunkBytes, DEFAULT_DELTA_EVENTS } from "./_sse_corpus.ts";
import { SSE_CONTENDERS, sseResponse } from "./_sse_contenders.ts";
import { SseDecoder } from "../lib/sse/sse_decoder.ts";
import { WireEventMapper } from "../lib/responses/wire_event_mapper.ts";
import type { ResponseEvent } from "../lib/responses/response_event.ts";
import { median, option } from "./_bench_util.ts";

type Chunks = readonly Uint8Array<ArrayBuffer>[];
type Run = (chunks: Chunks) => Promise<number> | number;

function bodyReader(chunks: Chunks): ReadableStreamDefaultReader<Uint8Array> {
  return sseResponse(chunks).body!.getReader();
}

// The messages of each read, as the client decodes them.
async function* decodedBatches(chunks: Chunks): AsyncGenerator<string[]> {
  const source = bodyReader(chunks);
  const decoder = new SseDecoder();
  for (;;) {
    const { done, value } = await source.read();
    const messages = done ? decoder.end() : decoder.push(value);
    yield messages.map((message) => message.data);
    if (done) return;
  }
}

const STAGES: [string, Run][] = [
  ["Response body reads", async (chunks) => {
    const source = bodyReader(chunks);
    let n = 0;
    while (!(await source.read()).done) n++;
    return n;
  }],
  // SseDecoder decodes loosely, one whole buffer at a time (strictly only text with U+FFFD).
  ["+ TextDecoder (loose, whole reads)", async (chunks) => {
    const source = bodyReader(chunks);
    const text = new TextDecoder("utf-8", { ignoreBOM: true });
    let n = 0;
    for (;;) {
      const { done, value } = await source.read();
      if (done) return n;
      n += text.decode(value).length;
    }
  }],
  ["+ SSE framing (SseDecoder, its own decoding)", async (chunks) => {
    let n = 0;
    for await (const batch of decodedBatches(chunks)) n += batch.length;
    return n;
  }],
  ["+ JSON.parse", async (chunks) => {
    let n = 0;
    for await (const batch of decodedBatches(chunks)) {
      for (const data of batch) n += JSON.parse(data) === null ? 0 : 1;
    }
    return n;
  }],
  ["+ WireEventMapper.map (validated)", async (chunks) => {
    const mapper = new WireEventMapper();
    const out: ResponseEvent[] = [];
    let n = 0;
    for await (const batch of decodedBatches(chunks)) {
      for (const data of batch) mapper.map(JSON.parse(data), out);
      n += out.length;
      out.length = 0;
    }
    return n;
  }],
  ["+ ResponsesClient, for await of events", (chunks) => SSE_CONTENDERS.codexwire(chunks)],
];

async function run(): Promise<void> {
  const rounds = Number(option("rounds", "7"));
  const size = Number(option("chunks", "65536"));
  const only = option("only", "");
  const corpus = buildSseCorpus({ deltas: Number(option("deltas", String(DEFAULT_DELTA_EVENTS))) });
  const chunks = chunkBytes(corpus.bytes, size);
  if (only === "client") {
    for (let i = 0; i < rounds; i++) await SSE_CONTENDERS.codexwire(chunks);
    return;
  }
  const parsed = new TextDecoder().decode(corpus.bytes).split("\n")
    .filter((line) => line.startsWith("data: ")).map((line) => JSON.parse(line.slice(6)));
  const runs: [string, Run][] = [
    ...STAGES,
    ["baseline contender (split + JSON.parse)", (c) => SSE_CONTENDERS.baseline(c)],
    ["WireEventMapper.map alone, parsed events", () => {
      const mapper = new WireEventMapper();
      const out: ResponseEvent[] = [];
      for (const event of parsed) mapper.map(event, out);
      return out.length;
    }],
  ];
  const times = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  for (let round = -2; round < rounds; round++) {
    for (let i = 0; i < runs.length; i++) {
      const [name, fn] = runs[(i + Math.max(round, 0)) % runs.length];
      const started = performance.now();
      await fn(chunks);
      if (round >= 0) times.get(name)!.push(performance.now() - started);
    }
  }
  const ms = (name: string) => median(times.get(name)!);
  const perEvent = (value: number) => `${(value * 1e6 / corpus.events).toFixed(0)} ns/event`;
  if (Deno.args.includes("--json")) {
    const medians = Object.fromEntries(runs.map(([name]) => [name, ms(name)]));
    console.log(JSON.stringify({ bench: "sse_profile", chunkBytes: size, rounds, medians }));
    return;
  }
  console.log(
    `${(corpus.bytes.length / 1e6).toFixed(1)} MB, ${corpus.events} events, ` +
      `${size / 1024} KiB chunks, medians of ${rounds} interleaved rounds`,
  );
  console.log("\nstages (each adds to the one above)");
  let previous = 0;
  for (const [name] of STAGES) {
    const value = ms(name);
    console.log(
      `  ${name.padEnd(44)} ${value.toFixed(0).padStart(5)} ms  ${
        (value - previous >= 0 ? "+" : "") + (value - previous).toFixed(0).padStart(3)
      } ms  ${perEvent(value - previous).padStart(13)}`,
    );
    previous = value;
  }
  console.log("\nreference");
  const baseline = ms(runs[STAGES.length][0]);
  for (const [name] of runs.slice(STAGES.length)) {
    console.log(`  ${name.padEnd(44)} ${ms(name).toFixed(0).padStart(5)} ms`);
  }
  const client = ms(STAGES[STAGES.length - 1][0]);
  console.log(`\nclient/baseline throughput ${(baseline / client).toFixed(2)}`);
}

if (import.meta.main) await run();
