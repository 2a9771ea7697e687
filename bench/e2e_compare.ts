// End to end over loopback: `startMockResponsesServer` serves the 49 MB corpus of
// bench/sse_compare.ts and three readers fetch it, interleaved round by round in one
// process (the order rotates each round), medians:
//
// - bytes: a bare fetch reader that only reads the body (the server's line rate);
// - bare: a bare fetch reader that decodes, splits lines and `JSON.parse`s every `data:`
//   line (the baseline reader of bench/sse_compare.ts over fetch);
// - codexwire: `ResponsesClient` against the same server, every event validated.
//
// The server runs in this process, as it does in tests, so its sending work is part of
// every reader's time.
//
//   deno run -A bench/e2e_compare.ts [--rounds 7] [--warmup 2] [--deltas 200000]
//                                    [--mock-chunk-size 0] [--json]
//
// `--mock-chunk-size N` makes the mock re-split the body into N-byte pieces (0: as the
// mock sends a large body by default).
//
// Target: codexwire/bare >= 0.9.

import { buildSseCorpus, DEFAULT_DELTA_EVENTS } from "./_sse_corpus.ts";
import { countBaselineEvents } from "./_sse_contenders.ts";
import { ResponsesClient } from "../mod.ts";
import { type MockResponsesServer, startMockResponsesServer } from "../testing.ts";
import { median, option } from "./_bench_util.ts";

const NAMES = ["bytes", "bare", "codexwire"] as const;
type Name = typeof NAMES[number];

function post(server: MockResponsesServer): Promise<Response> {
  return fetch(`${server.url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ model: "m", input: "x", stream: true }),
  });
}

const READERS: Record<Name, (server: MockResponsesServer) => Promise<number>> = {
  async bytes(server) {
    const reader = (await post(server)).body!.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return bytes;
      bytes += value.byteLength;
    }
  },
  async bare(server) {
    return await countBaselineEvents((await post(server)).body!);
  },
  async codexwire(server) {
    const client = new ResponsesClient({ baseUrl: server.url });
    let events = 0;
    for await (const _event of client.stream({ model: "m", input: "x" })) events++;
    return events;
  },
};

async function run(): Promise<void> {
  const rounds = Number(option("rounds", "7"));
  const warmup = Number(option("warmup", "2"));
  const mockChunkSize = Number(option("mock-chunk-size", "0"));
  const json = Deno.args.includes("--json");
  const corpus = buildSseCorpus({ deltas: Number(option("deltas", String(DEFAULT_DELTA_EVENTS))) });
  // codexwire also yields the one `rateLimits` event its response headers stand for.
  const expected: Record<Name, number> = {
    bytes: corpus.bytes.byteLength,
    bare: corpus.events,
    codexwire: corpus.events + 1,
  };
  await using server = await startMockResponsesServer();
  const timeOne = async (name: Name): Promise<number> => {
    server.enqueue({
      headers: { "content-type": "text/event-stream" },
      body: corpus.bytes,
      ...(mockChunkSize > 0 ? { chunkSize: mockChunkSize } : {}),
    });
    const started = performance.now();
    const seen = await READERS[name](server);
    const ms = performance.now() - started;
    if (seen !== expected[name]) throw new Error(`${name} saw ${seen}, expected ${expected[name]}`);
    return ms;
  };
  for (let i = 0; i < warmup; i++) for (const name of NAMES) await timeOne(name);
  const ms: Record<Name, number[]> = { bytes: [], bare: [], codexwire: [] };
  const overBare: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const times = {} as Record<Name, number>;
    for (let i = 0; i < NAMES.length; i++) {
      const name = NAMES[(i + round) % NAMES.length];
      times[name] = await timeOne(name);
    }
    for (const name of NAMES) ms[name].push(times[name]);
    overBare.push(times.bare / times.codexwire);
    if (!json) {
      console.error(
        `  round ${round + 1}/${rounds}: ` +
          NAMES.map((name) => `${name} ${times[name].toFixed(0)} ms`).join(", "),
      );
    }
  }
  const mb = corpus.bytes.byteLength / 1e6;
  const mbPerSecond = Object.fromEntries(
    NAMES.map((name) => [name, mb / (median(ms[name]) / 1000)]),
  ) as Record<Name, number>;
  const result = {
    bench: "e2e_compare",
    deno: Deno.version.deno,
    bytes: corpus.bytes.byteLength,
    events: corpus.events,
    rounds,
    mockChunkSize,
    mbPerSecond,
    codexwireOverBare: median(overBare),
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(
    `corpus: ${mb.toFixed(1)} MB, ${corpus.events} events over loopback from ` +
      `startMockResponsesServer${mockChunkSize > 0 ? ` (chunkSize ${mockChunkSize})` : ""}; ` +
      `medians of ${rounds} interleaved rounds after ${warmup} warm-up`,
  );
  console.log("reader       MB/s");
  for (const name of NAMES) {
    console.log(`${name.padEnd(10)} ${mbPerSecond[name].toFixed(1).padStart(6)}`);
  }
  console.log(`codexwire/bare ${result.codexwireOverBare.toFixed(2)}  (target >= 0.9)`);
}

if (import.meta.main) await run();
