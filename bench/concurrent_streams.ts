// Many concurrent streams, client process against a bare reader: `startMockResponsesServer`
// runs in a child process of its own and serves S streams of E events each (the corpus of
// bench/sse_compare.ts, cut to E events); each round starts one fresh client process per
// reader, which opens all S streams at once and reads them to the end:
//
// - bare: fetch + decode + split lines + `JSON.parse` of every `data:` line. It sends the
//   very request codexwire sends (its headers and body, captured once before the clock
//   starts), so the server does the same work for every reader: the mock server shares
//   this 2-core machine, and parsing codexwire's eight headers and 490-byte body instead of
//   two headers and 40 bytes cost the bare reader about 4% of its events/s;
// - bare-iterated: the same reader, handing its events out through an async iterator one
//   `next()` at a time, as any `for await` API does; no other work. It is the floor for a
//   reader that yields events one by one;
// - codexwire: one `ResponsesClient`, one `stream()` per request, every event validated,
//   read with `for await (const event of stream)`;
// - codexwire-batches: the same, read with `for await (const events of stream.batches())`.
//
// Each client process reports its events per second (all events over the wall time from
// the first request to the last event) and its peak RSS (`VmHWM`). The readers take turns
// going first; the medians of the per-round ratios to bare are printed.
//
//   deno run -A bench/concurrent_streams.ts [--streams 1000] [--events 500] [--rounds 5]
//                                           [--json]
//
// Targets: codexwire/bare events/s >= 0.85, codexwire/bare peak RSS <= 1.2.

import { buildSseCorpus } from "./_sse_corpus.ts";
import { countBaselineEvents } from "./_sse_contenders.ts";
import { ResponsesClient } from "../mod.ts";
import { startMockResponsesServer } from "../testing.ts";
import { median, option } from "./_bench_util.ts";

const NAMES = ["bare", "bare-iterated", "codexwire", "codexwire-batches"] as const;
type Name = typeof NAMES[number];

/** What one client process reports. */
interface ClientReport {
  events: number;
  ms: number;
  eventsPerSecond: number;
  peakRssBytes: number;
  /** CPU time of the whole process (all threads) and of its main thread, milliseconds. */
  cpuMs: number;
  mainThreadCpuMs: number;
}

const SELF = new URL(import.meta.url).pathname;

function corpusOf(events: number) {
  // The corpus has four events besides its deltas.
  return buildSseCorpus({ deltas: Math.max(events - 4, 0) });
}

// ---------------------------------------------------------------------------------------
// Server process: prints its URL, then queues one batch of responses per "enqueue" line.

async function serve(streams: number, events: number): Promise<void> {
  const corpus = corpusOf(events);
  await using server = await startMockResponsesServer();
  const encoder = new TextEncoder();
  await Deno.stdout.write(encoder.encode(`${server.url}\n`));
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { done, value } = await lines.read();
    if (done) return;
    pending += value;
    for (let at = pending.indexOf("\n"); at !== -1; at = pending.indexOf("\n")) {
      pending = pending.slice(at + 1);
      // Nobody reads the recorded requests: dropped, so the server does not grow round by
      // round.
      server.requests.length = 0;
      for (let i = 0; i < streams; i++) {
        server.enqueue({ headers: { "content-type": "text/event-stream" }, body: corpus.bytes });
      }
      await Deno.stdout.write(encoder.encode("ok\n"));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Client process: all streams at once, then one JSON line on stdout.

// utime + stime of a /proc stat line, in milliseconds (USER_HZ is 100 on Linux).
function cpuMsOf(path: string): number {
  const stat = Deno.readTextFileSync(path);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRssBytes(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match === null ? Deno.memoryUsage().rss : Number(match[1]) * 1024;
}

async function readAll(
  name: Name,
  url: string,
  streams: number,
  request: CapturedRequest,
): Promise<number> {
  const client = new ResponsesClient({ baseUrl: url });
  const readers: Record<Name, () => Promise<number>> = {
    "bare": async () => countBaselineEvents(await bareRequest(url, request)),
    "bare-iterated": async () => {
      let count = 0;
      for await (const _event of iterateBaselineEvents(await bareRequest(url, request))) count++;
      return count;
    },
    "codexwire": async () => {
      let count = 0;
      for await (const _event of client.stream({ model: "m", input: "x" })) count++;
      return count;
    },
    "codexwire-batches": async () => {
      let count = 0;
      for await (const events of client.stream({ model: "m", input: "x" }).batches()) {
        count += events.length;
      }
      return count;
    },
  };
  const counts = await Promise.all(Array.from({ length: streams }, readers[name]));
  return counts.reduce((sum, count) => sum + count, 0);
}

interface CapturedRequest {
  headers: Record<string, string>;
  body: string;
}

// What codexwire sends for the bench's request, taken from a fetch that answers nothing.
async function codexwireRequest(url: string): Promise<CapturedRequest> {
  let captured: CapturedRequest | undefined;
  const capture = (_input: RequestInfo | URL, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => headers[name] = value);
    captured = { headers, body: String(init?.body) };
    return Promise.reject(new Error("captured"));
  };
  const client = new ResponsesClient({
    baseUrl: url,
    fetch: capture as typeof fetch,
    retry: { requestMaxRetries: 0, streamMaxRetries: 0 },
  });
  await client.stream({ model: "m", input: "x" }).finalResponse().catch(() => {});
  if (captured === undefined) throw new Error("codexwire sent no request");
  return captured;
}

async function bareRequest(
  url: string,
  request: CapturedRequest,
): Promise<ReadableStream<Uint8Array>> {
  const response = await fetch(`${url}/responses`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  return response.body!;
}

// The bare reader with its events handed out one `next()` at a time, the parsed events of
// each read waiting in an array: what any reader that yields single events pays beyond it.
function iterateBaselineEvents(body: ReadableStream<Uint8Array>): AsyncIterable<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const pending: string[] = [];
  let batch: unknown[] = [];
  let index = 0;
  let ended = false;
  const pull = async (): Promise<IteratorResult<unknown>> => {
    while (!ended) {
      const { done, value } = await reader.read();
      const text = decoder.decode(value, { stream: !done });
      pending.push(text);
      ended = done;
      if (!done && text.indexOf("\n") === -1) continue;
      const lines = pending.join("").split("\n");
      pending.length = 0;
      pending.push(lines.pop()!);
      const parsed: unknown[] = [];
      for (const line of lines) {
        if (line.startsWith("data: ")) parsed.push(JSON.parse(line.slice(6)));
      }
      if (parsed.length === 0) continue;
      batch = parsed;
      index = 1;
      return { done: false, value: parsed[0] };
    }
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterator<unknown> = {
    next: () =>
      index < batch.length ? Promise.resolve({ done: false, value: batch[index++] }) : pull(),
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

async function client(name: Name, url: string, streams: number, events: number): Promise<void> {
  const request = await codexwireRequest(url);
  const started = performance.now();
  const seen = await readAll(name, url, streams, request);
  const ms = performance.now() - started;
  // codexwire also yields the one `rateLimits` event each response's headers stand for.
  const expected = streams * (events + (name.startsWith("codexwire") ? 1 : 0));
  if (seen !== expected) throw new Error(`${name} saw ${seen} events, expected ${expected}`);
  const report: ClientReport = {
    events: seen,
    ms,
    // Throughput counts the wire events only, the same for both readers.
    eventsPerSecond: streams * events / (ms / 1000),
    peakRssBytes: peakRssBytes(),
    cpuMs: cpuMsOf("/proc/self/stat"),
    mainThreadCpuMs: cpuMsOf("/proc/thread-self/stat"),
  };
  console.log(JSON.stringify(report));
}

// ---------------------------------------------------------------------------------------
// Orchestrator.

class LineReader {
  #reader: ReadableStreamDefaultReader<string>;
  #pending = "";
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }
  async line(): Promise<string> {
    for (;;) {
      const at = this.#pending.indexOf("\n");
      if (at !== -1) {
        const line = this.#pending.slice(0, at);
        this.#pending = this.#pending.slice(at + 1);
        return line;
      }
      const { done, value } = await this.#reader.read();
      if (done) throw new Error("the server process ended early");
      this.#pending += value;
    }
  }
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

async function runClient(
  name: Name,
  url: string,
  streams: number,
  events: number,
): Promise<ClientReport> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      SELF,
      "--role",
      name,
      "--url",
      url,
      "--streams",
      String(streams),
      "--events",
      String(events),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`the ${name} client process failed`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

async function orchestrate(streams: number, events: number): Promise<void> {
  const rounds = Number(option("rounds", "5"));
  const json = Deno.args.includes("--json");
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      SELF,
      "--role",
      "server",
      "--streams",
      String(streams),
      "--events",
      String(
        events,
      ),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = new LineReader(server.stdout);
  const commands = server.stdin.getWriter();
  try {
    const url = await lines.line();
    const reports = Object.fromEntries(NAMES.map((name) => [name, []])) as unknown as Record<
      Name,
      ClientReport[]
    >;
    // Each round's ratio of every reader to bare, and of codexwire's peak RSS to bare's.
    const speed = Object.fromEntries(NAMES.map((name) => [name, []])) as unknown as Record<
      Name,
      number[]
    >;
    const rss: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Each reader goes first in turn.
      const order = NAMES.map((_, i) => NAMES[(i + round) % NAMES.length]);
      const got = {} as Record<Name, ClientReport>;
      for (const name of order) {
        await commands.write(new TextEncoder().encode("enqueue\n"));
        if (await lines.line() !== "ok") throw new Error("the server process did not queue");
        got[name] = await runClient(name, url, streams, events);
        reports[name].push(got[name]);
      }
      for (const name of NAMES) {
        speed[name].push(got[name].eventsPerSecond / got.bare.eventsPerSecond);
      }
      rss.push(got.codexwire.peakRssBytes / got.bare.peakRssBytes);
      if (!json) {
        console.error(
          `  round ${round + 1}/${rounds}: ` +
            NAMES.map((name) =>
              `${name} ${Math.round(got[name].eventsPerSecond).toLocaleString("en-US")} events/s ${
                (got[name].peakRssBytes / 1e6).toFixed(0)
              } MB`
            ).join(", "),
        );
      }
    }
    const medians = (key: "eventsPerSecond" | "peakRssBytes") =>
      Object.fromEntries(
        NAMES.map((name) => [name, median(reports[name].map((report) => report[key]))]),
      ) as Record<Name, number>;
    const result = {
      bench: "concurrent_streams",
      deno: Deno.version.deno,
      streams,
      eventsPerStream: events,
      rounds,
      eventsPerSecond: medians("eventsPerSecond"),
      peakRssBytes: medians("peakRssBytes"),
      codexwireOverBareSpeed: median(speed.codexwire),
      codexwireBatchesOverBareSpeed: median(speed["codexwire-batches"]),
      bareIteratedOverBareSpeed: median(speed["bare-iterated"]),
      codexwireOverBareIteratedSpeed: median(
        speed.codexwire.map((ratio, i) => ratio / speed["bare-iterated"][i]),
      ),
      codexwireOverBareRss: median(rss),
    };
    if (json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(
      `${streams} concurrent streams x ${events} events, one client process per reader and ` +
        `round, medians of ${rounds} rounds`,
    );
    console.log("reader                events/s   peak RSS   /bare");
    for (const name of NAMES) {
      console.log(
        `${name.padEnd(18)} ${
          Math.round(result.eventsPerSecond[name]).toLocaleString("en-US").padStart(11)
        }   ${(result.peakRssBytes[name] / 1e6).toFixed(0).padStart(5)} MB   ${
          median(speed[name]).toFixed(2)
        }`,
      );
    }
    console.log(
      `codexwire/bare events/s ${result.codexwireOverBareSpeed.toFixed(2)}  (target >= 0.85; ` +
        `batches ${result.codexwireBatchesOverBareSpeed.toFixed(2)}, ` +
        `the bare reader iterated ${result.bareIteratedOverBareSpeed.toFixed(2)}, codexwire over ` +
        `it ${result.codexwireOverBareIteratedSpeed.toFixed(2)})`,
    );
    console.log(
      `codexwire/bare peak RSS ${result.codexwireOverBareRss.toFixed(2)}  (target <= 1.2)`,
    );
  } finally {
    await commands.close().catch(() => {});
    await lines.cancel().catch(() => {});
    await server.status;
  }
}

if (import.meta.main) {
  const streams = Number(option("streams", "1000"));
  const events = Number(option("events", "500"));
  const role = option("role", "orchestrator");
  if (role === "server") await serve(streams, events);
  else if ((NAMES as readonly string[]).includes(role)) {
    await client(role as Name, option("url", ""), streams, events);
  } else await orchestrate(streams, events);
}
