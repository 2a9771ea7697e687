// SSE throughput, head to head: the baseline reader, codexwire's `ResponsesClient` and the
// openai SDK's `Stream` read the same corpus, interleaved round by round in one process
// (the order rotates each round), and the medians of MB/s and of the per-round ratios are
// printed. Ratios taken within a round cancel most of the noise of a shared machine.
//
//   deno run -A bench/sse_compare.ts [--rounds 7] [--warmup 2] [--chunks 65536,16384]
//                                    [--deltas 200000] [--json]
//
// Targets: codexwire/baseline >= 0.9, codexwire/openai >= 4.

import { buildSseCorpus, chunkBytes, DEFAULT_DELTA_EVENTS } from "./_sse_corpus.ts";
import { SSE_CONTENDERS, sseResponse } from "./_sse_contenders.ts";
import { ResponsesClient } from "../mod.ts";
import { median, option } from "./_bench_util.ts";

type Name = keyof typeof SSE_CONTENDERS;
const NAMES = Object.keys(SSE_CONTENDERS) as Name[];

// codexwire also yields the events its response headers stand for (one `rateLimits`).
const EXTRA_EVENTS: Record<Name, number> = { baseline: 0, codexwire: 1, openai: 0 };

/** The result of one chunk size. */
interface ChunkResult {
  chunkBytes: number;
  bytes: number;
  events: number;
  rounds: number;
  mbPerSecond: Record<Name, number>;
  eventsPerSecond: Record<Name, number>;
  codexwireOverBaseline: number;
  codexwireOverOpenai: number;
}

async function timeOne(name: Name, chunks: Uint8Array<ArrayBuffer>[], expected: number) {
  const started = performance.now();
  const events = await SSE_CONTENDERS[name](chunks);
  const ms = performance.now() - started;
  if (events !== expected + EXTRA_EVENTS[name]) {
    throw new Error(`${name} saw ${events} events, expected ${expected + EXTRA_EVENTS[name]}`);
  }
  return ms;
}

// Once per chunk size, outside the timing: codexwire must rebuild the exact text.
async function verify(chunks: Uint8Array<ArrayBuffer>[], text: string, responseId: string) {
  const client = new ResponsesClient({
    baseUrl: "http://bench.invalid/v1",
    fetch: () => Promise.resolve(sseResponse(chunks)),
  });
  const final = await client.stream({ model: "m", input: "x" }).finalResponse();
  if (final.text !== text || final.responseId !== responseId) {
    throw new Error("codexwire did not rebuild the corpus text");
  }
}

async function run(): Promise<void> {
  const rounds = Number(option("rounds", "7"));
  const warmup = Number(option("warmup", "2"));
  const sizes = option("chunks", "65536,16384").split(",").map(Number);
  const json = Deno.args.includes("--json");
  const corpus = buildSseCorpus({ deltas: Number(option("deltas", String(DEFAULT_DELTA_EVENTS))) });
  const results: ChunkResult[] = [];
  for (const size of sizes) {
    const chunks = chunkBytes(corpus.bytes, size);
    await verify(chunks, corpus.text, corpus.responseId);
    for (let i = 0; i < warmup; i++) {
      for (const name of NAMES) await timeOne(name, chunks, corpus.events);
    }
    const ms: Record<Name, number[]> = { baseline: [], codexwire: [], openai: [] };
    const overBaseline: number[] = [];
    const overOpenai: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = NAMES.map((_, i) => NAMES[(i + round) % NAMES.length]);
      const times = {} as Record<Name, number>;
      for (const name of order) times[name] = await timeOne(name, chunks, corpus.events);
      for (const name of NAMES) ms[name].push(times[name]);
      // Throughput ratios: time of the other over time of codexwire.
      overBaseline.push(times.baseline / times.codexwire);
      overOpenai.push(times.openai / times.codexwire);
      if (!json) {
        console.error(
          `  ${size / 1024} KiB round ${round + 1}/${rounds}: ` +
            NAMES.map((name) => `${name} ${times[name].toFixed(0)} ms`).join(", "),
        );
      }
    }
    const mb = corpus.bytes.length / 1e6;
    const perSecond = (scale: number) =>
      Object.fromEntries(NAMES.map((name) => [name, scale / (median(ms[name]) / 1000)])) as Record<
        Name,
        number
      >;
    results.push({
      chunkBytes: size,
      bytes: corpus.bytes.length,
      events: corpus.events,
      rounds,
      mbPerSecond: perSecond(mb),
      eventsPerSecond: perSecond(corpus.events),
      codexwireOverBaseline: median(overBaseline),
      codexwireOverOpenai: median(overOpenai),
    });
  }
  if (json) {
    console.log(JSON.stringify({ bench: "sse_compare", deno: Deno.version.deno, results }));
    return;
  }
  console.log(
    `corpus: ${(corpus.bytes.length / 1e6).toFixed(1)} MB, ${corpus.events} events; ` +
      `medians of ${rounds} interleaved rounds after ${warmup} warm-up`,
  );
  for (const result of results) {
    console.log(`\nchunks of ${result.chunkBytes / 1024} KiB`);
    console.log("contender    MB/s    events/s");
    for (const name of NAMES) {
      console.log(
        `${name.padEnd(10)} ${result.mbPerSecond[name].toFixed(1).padStart(6)}  ` +
          `${Math.round(result.eventsPerSecond[name]).toLocaleString("en-US").padStart(10)}`,
      );
    }
    console.log(`codexwire/baseline ${result.codexwireOverBaseline.toFixed(2)}  (target >= 0.9)`);
    console.log(`codexwire/openai   ${result.codexwireOverOpenai.toFixed(2)}  (target >= 4)`);
  }
}

if (import.meta.main) await run();
