// Where codexwire's SSE time goes, measured two ways over the same corpus, interleaved
// over several rounds in one process (medians):
//
// - stages: the pipeline of `readSseBody` rebuilt step by step from the real lib parts
//   (reads, UTF-8, SSE parsing, JSON, mapper + zod, telemetry, generator, client);
// - ablation: a faithful replica of `readSseBody` (same parts, same calls) run whole and
//   with one part switched off at a time; "full − ablated" is that part's cost. The
//   replica run whole is checked against the real client, so the parts add up.
//
//   deno run -A bench/sse_profile.ts [--rounds 7] [--chunks 65536] [--json]

import { buildSseCorpus, chunkBytes } from "./_sse_corpus.ts";
import { SSE_CONTENDERS } from "./_sse_contenders.ts";
import { SseDecoder } from "../lib/sse/sse_decoder.ts";
import { WireEventMapper } from "../lib/responses/wire_event_mapper.ts";
import { WIRE_EVENT_SCHEMAS } from "../lib/schema/_wire_schemas.ts";
import type { ResponseEvent } from "../lib/responses/response_event.ts";
import { combineTelemetry, logTelemetry, type Telemetry } from "../lib/telemetry/telemetry.ts";
import { median, option } from "./_bench_util.ts";

type Chunks = readonly Uint8Array<ArrayBuffer>[];
type Run = (chunks: Chunks) => Promise<number> | number;

function reader(chunks: Chunks): ReadableStreamDefaultReader<Uint8Array> {
  return ReadableStream.from(chunks).getReader();
}

// ---------------------------------------------------------------------------------------
// Stages: each adds one part to the one before.

async function* decodedMessages(chunks: Chunks) {
  const source = reader(chunks);
  const decoder = new SseDecoder();
  for (;;) {
    const { done, value } = await source.read();
    yield done ? decoder.end() : decoder.push(value);
    if (done) return;
  }
}

const STAGES: [string, Run][] = [
  ["ReadableStream reads", async (chunks) => {
    const source = reader(chunks);
    let n = 0;
    while (!(await source.read()).done) n++;
    return n;
  }],
  ["+ TextDecoder (fatal, stream)", async (chunks) => {
    const source = reader(chunks);
    const text = new TextDecoder("utf-8", { fatal: true });
    let n = 0;
    for (;;) {
      const { done, value } = await source.read();
      if (done) return n;
      n += text.decode(value, { stream: true }).length;
    }
  }],
  ["+ SSE parsing (SseDecoder)", async (chunks) => {
    let n = 0;
    for await (const messages of decodedMessages(chunks)) n += messages.length;
    return n;
  }],
  ["+ JSON.parse", async (chunks) => {
    let n = 0;
    for await (const messages of decodedMessages(chunks)) {
      for (const message of messages) n += JSON.parse(message.data) === null ? 0 : 1;
    }
    return n;
  }],
  ["+ WireEventMapper.map (zod)", async (chunks) => {
    const mapper = new WireEventMapper();
    const out: ResponseEvent[] = [];
    let n = 0;
    for await (const messages of decodedMessages(chunks)) {
      for (const message of messages) {
        mapper.map(JSON.parse(message.data), out);
        n += out.length;
        out.length = 0;
      }
    }
    return n;
  }],
  ["+ telemetry hook, 2 clock reads/event", (chunks) => replicaCount(chunks, FULL, false)],
  ["+ async generator, idle timer/read", (chunks) => replicaCount(chunks, FULL, true)],
  ["+ ResponsesClient (yield*, headers)", (chunks) => SSE_CONTENDERS.codexwire(chunks)],
];

// ---------------------------------------------------------------------------------------
// Ablation: a replica of `readSseBody` (lib/responses/sse_turn.ts) with switches.

interface Parts {
  /** `WireEventMapper.map` (zod validation included); off: a bare `{ type, delta }`. */
  mapper: boolean;
  /** The `onSseEvent` hook (`combineTelemetry([logTelemetry()])`, as the client has). */
  telemetry: boolean;
  /** `performance.now()` per event (wait start, event duration); off: a counter. */
  clock: boolean;
  /** One `setTimeout` + `Promise.race` per read (`readWithIdleTimeout`). */
  idleTimer: boolean;
  /** The client's second generator layer (`streamSseTurn` does `yield*`). */
  delegation: boolean;
}

const FULL: Parts = {
  mapper: true,
  telemetry: true,
  clock: true,
  idleTimer: true,
  delegation: true,
};
const TELEMETRY: Telemetry = combineTelemetry([logTelemetry(), undefined])!;
let fakeClock = 0;

async function readWithIdleTimeout(
  source: ReadableStreamDefaultReader<Uint8Array>,
  idleTimeoutMs: number,
  waitStarted: number,
  now: () => number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const remaining = idleTimeoutMs - (now() - waitStarted);
  if (remaining <= 0) throw new Error("idle timeout");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("idle timeout")), remaining);
  });
  try {
    return await Promise.race([source.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function* replica(chunks: Chunks, parts: Parts): AsyncGenerator<ResponseEvent> {
  const now = parts.clock ? () => performance.now() : () => fakeClock++;
  const source = reader(chunks);
  const decoder = new SseDecoder();
  const mapper = new WireEventMapper();
  const onSseEvent = parts.telemetry ? TELEMETRY.onSseEvent : undefined;
  const out: ResponseEvent[] = [];
  let waitStarted = now();
  try {
    for (;;) {
      const { done, value } = parts.idleTimer
        ? await readWithIdleTimeout(source, 300_000, waitStarted, now)
        : await source.read();
      const messages = done ? decoder.end() : decoder.push(value!);
      for (const message of messages) {
        let json: unknown;
        try {
          json = JSON.parse(message.data);
        } catch {
          continue;
        }
        const outcome = parts.mapper ? mapper.map(json, out) : (out.push({
          type: "outputTextDelta",
          delta: (json as { delta: string }).delta,
        }),
          {
            kind: (json as { type: string }).type === "response.completed" ? "completed" : "mapped",
          });
        if (onSseEvent !== undefined) {
          const kind = message.event ?? (json as { type?: string }).type ?? "message";
          const error = outcome.kind === "invalid" ? "invalid" : undefined;
          onSseEvent({
            kind,
            ok: error === undefined,
            ...(error === undefined ? {} : { error }),
            durationMs: now() - waitStarted,
          });
        }
        for (let i = 0; i < out.length; i++) yield out[i];
        out.length = 0;
        waitStarted = now();
        if (outcome.kind === "completed") return;
      }
      if (done) throw new Error("stream closed before response.completed");
    }
  } finally {
    source.cancel().catch(() => {});
  }
}

async function* delegate(inner: AsyncGenerator<ResponseEvent>): AsyncGenerator<ResponseEvent> {
  yield* inner;
}

// With `iterate` off the replica's events are drained by a loop with no generator at
// all, which is how the "telemetry" stage above is timed.
async function replicaCount(chunks: Chunks, parts: Parts, iterate: boolean): Promise<number> {
  let n = 0;
  if (!iterate) {
    // The same work as `replica` minus the generator: events are counted, not yielded.
    const now = () => performance.now();
    const source = reader(chunks);
    const decoder = new SseDecoder();
    const mapper = new WireEventMapper();
    const onSseEvent = TELEMETRY.onSseEvent!;
    const out: ResponseEvent[] = [];
    let waitStarted = now();
    for (;;) {
      const { done, value } = await source.read();
      for (const message of done ? decoder.end() : decoder.push(value)) {
        const json = JSON.parse(message.data);
        const outcome = mapper.map(json, out);
        const error = outcome.kind === "invalid" ? outcome.reason : undefined;
        onSseEvent({
          kind: message.event ?? json.type ?? "message",
          ok: error === undefined,
          ...(error === undefined ? {} : { error }),
          durationMs: now() - waitStarted,
        });
        n += out.length;
        out.length = 0;
        waitStarted = now();
      }
      if (done) return n;
    }
  }
  const events = parts.delegation ? delegate(replica(chunks, parts)) : replica(chunks, parts);
  for await (const _ of events) n++;
  return n;
}

const ABLATIONS: [string, Parts][] = [
  ["replica, all parts", FULL],
  ["  without mapper + zod", { ...FULL, mapper: false }],
  ["  without telemetry hook", { ...FULL, telemetry: false }],
  ["  without clock reads", { ...FULL, clock: false }],
  ["  without idle timer per read", { ...FULL, idleTimer: false }],
  ["  without yield* layer", { ...FULL, delegation: false }],
  ["  without yield*, telemetry hook", { ...FULL, delegation: false, telemetry: false }],
  ["  without yield*, telemetry, clock", {
    ...FULL,
    delegation: false,
    telemetry: false,
    clock: false,
  }],
  ["  with none of these", {
    mapper: false,
    telemetry: false,
    clock: false,
    idleTimer: false,
    delegation: false,
  }],
];

// ---------------------------------------------------------------------------------------

async function run(): Promise<void> {
  const rounds = Number(option("rounds", "7"));
  const size = Number(option("chunks", "65536"));
  const corpus = buildSseCorpus();
  const chunks = chunkBytes(corpus.bytes, size);
  const parsed = new TextDecoder().decode(corpus.bytes).split("\n")
    .filter((line) => line.startsWith("data: ")).map((line) => JSON.parse(line.slice(6)));
  const runs: [string, Run][] = [
    ...STAGES,
    ...ABLATIONS.map(([name, parts]): [string, Run] => [name, (c) => replicaCount(c, parts, true)]),
    ["zod safeParse alone, pre-parsed events", () => {
      let n = 0;
      for (const event of parsed) {
        if (WIRE_EVENT_SCHEMAS.get(event.type)!.safeParse(event).success) n++;
      }
      return n;
    }],
    ["baseline contender", (c) => SSE_CONTENDERS.baseline(c)],
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
    const medians = Object.fromEntries(runs.map(([name]) => [name.trim(), ms(name)]));
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
      `  ${name.padEnd(40)} ${value.toFixed(0).padStart(5)} ms  +${
        (value - previous).toFixed(0).padStart(3)
      } ms  ${perEvent(value - previous)}`,
    );
    previous = value;
  }
  console.log(
    "\nablation (cost = replica − replica without the part; ratio = baseline time / this time)",
  );
  const full = ms(ABLATIONS[0][0]);
  const baseline = ms("baseline contender");
  for (const [name] of ABLATIONS) {
    const value = ms(name);
    const cost = name === ABLATIONS[0][0]
      ? "".padEnd(33)
      : `  cost ${(full - value).toFixed(0).padStart(3)} ms  ${
        perEvent(full - value).padStart(14)
      }`;
    console.log(
      `  ${name.padEnd(40)} ${value.toFixed(0).padStart(5)} ms${cost}  ratio ${
        (baseline / value).toFixed(2)
      }`,
    );
  }
  console.log("\nreference");
  for (const [name] of runs.slice(-2)) {
    console.log(`  ${name.padEnd(40)} ${ms(name).toFixed(0).padStart(5)} ms`);
  }
}

if (import.meta.main) await run();
