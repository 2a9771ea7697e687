/**
 * 1,000 concurrent SSE replays of a 500-event tape at speed 0, against the same load served
 * by a bare `Deno.serve` from memory (the same 500 pieces, one write each). Same process,
 * interleaved rounds; every client counts its events, so a lost event fails the run.
 *
 * Run: `deno run -A bench/replay_compare.ts [--clients 1000] [--events 500] [--rounds 5]`
 *
 * @module
 */

import { median, option } from "./_bench_util.ts";
import { startReplayServer, Tape } from "../lib/tape/mod.ts";
import { encodeSseEvent } from "../lib/testing/sse_encoding.ts";
import { outputTextDeltaEvent } from "../lib/testing/response_event_builders.ts";

const CLIENTS = Number(option("clients", "1000"));
const EVENTS = Number(option("events", "500"));
const ROUNDS = Number(option("rounds", "5"));

const pieces = Array.from(
  { length: EVENTS },
  (_, i) => encodeSseEvent(outputTextDeltaEvent(`token ${i} of the answer, `)),
);
const records = [
  { type: "header", format: "codexwire-tape", version: 1, created: new Date().toISOString() },
  {
    type: "http.request",
    t: 0,
    conn: "c1",
    method: "POST",
    url: "http://127.0.0.1/v1/responses",
    headers: [],
  },
  {
    type: "http.response",
    t: 1,
    conn: "c1",
    status: 200,
    headers: [["content-type", "text/event-stream"]],
  },
  ...pieces.map((text, i) => ({ type: "http.chunk", t: 2 + i, conn: "c1", data: { text } })),
  { type: "http.end", t: 3 + EVENTS, conn: "c1" },
];
const tape = Tape.parse(records.map((r) => JSON.stringify(r)).join("\n"));
const bytes = pieces.map((piece) => new TextEncoder().encode(piece));

function bareServer(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    await request.body?.cancel();
    let next = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (next < bytes.length) controller.enqueue(bytes[next++]);
          else controller.close();
        },
      }, { highWaterMark: 0 }),
      { headers: { "content-type": "text/event-stream" } },
    );
  });
}

/** Reads a body and counts SSE events (blank-line ends) without keeping it. */
async function countEvents(response: Response): Promise<number> {
  let count = 0;
  let previous = 0;
  for await (const chunk of response.body!) {
    for (const byte of chunk) {
      if (byte === 0x0a && previous === 0x0a) count++;
      previous = byte;
    }
  }
  return count;
}

async function round(url: string): Promise<{ ms: number; peakRss: number; lost: number }> {
  let peakRss = Deno.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  }, 5);
  const start = performance.now();
  const counts = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const response = await fetch(url, { method: "POST", body: "{}" });
      return await countEvents(response);
    }),
  );
  const ms = performance.now() - start;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  const lost = counts.reduce((sum, count) => sum + (EVENTS - count), 0);
  return { ms, peakRss, lost };
}

await using replay = await startReplayServer(tape, { speed: 0 });
await using bare = bareServer();
const bareUrl = `http://127.0.0.1:${bare.addr.port}/v1/responses`;
const replayUrl = `${replay.baseUrl}/responses`;

// One warm-up of each, not counted.
await round(replayUrl);
await round(bareUrl);

const results = { replay: [] as number[], bare: [] as number[], ratio: [] as number[] };
let peak = { replay: 0, bare: 0 };
let lost = 0;
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ["replay", "bare"] as const : ["bare", "replay"] as const;
  const got: Record<string, number> = {};
  for (const name of order) {
    const result = await round(name === "replay" ? replayUrl : bareUrl);
    got[name] = result.ms;
    results[name].push(result.ms);
    peak = { ...peak, [name]: Math.max(peak[name], result.peakRss) };
    lost += result.lost;
  }
  results.ratio.push(got.replay / got.bare);
}
const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
console.log(
  `${CLIENTS} concurrent clients × ${EVENTS} events, ${ROUNDS} interleaved rounds, speed 0`,
);
console.log(
  `replay server: median ${median(results.replay).toFixed(0)} ms, peak RSS ${mb(peak.replay)}`,
);
console.log(
  `bare Deno.serve: median ${median(results.bare).toFixed(0)} ms, peak RSS ${mb(peak.bare)}`,
);
console.log(`ratio replay/bare (median of per-round ratios): ${median(results.ratio).toFixed(2)}×`);
console.log(`events lost: ${lost} of ${2 * CLIENTS * EVENTS * ROUNDS} (both servers)`);
if (lost > 0) Deno.exit(1);
