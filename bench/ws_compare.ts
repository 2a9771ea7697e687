// Responses over WebSocket, events per second on loopback, head to head in one process:
//
// - baseline: a bare Deno `WebSocket` + `JSON.parse` per frame, counting until completed;
// - ws-bare:  a bare npm `ws` socket (the library the connector is built on) + `JSON.parse`;
// - codexwire-ws: `ResponsesClient` with `transport: "websocket"` (connector, reader, shared
//   mapper and turn engine) → validated events;
// - codexwire-sse: the same events as an SSE body through `ResponsesClient` over HTTP.
//
// Every contender reads the same frames (the data lines of the SSE bench corpus), served by
// one in-process server; the order rotates each round and the medians of the per-round
// ratios are printed, so the shared machine's noise mostly cancels.
//
//   deno run -A bench/ws_compare.ts [--rounds 7] [--warmup 2] [--deltas 100000] [--json]
//
// Target: codexwire-ws / baseline >= 0.85.

import WsWebSocket from "ws";
import { buildSseCorpus } from "./_sse_corpus.ts";
import { median, option } from "./_bench_util.ts";
import { ResponsesClient } from "../mod.ts";

const NAMES = ["baseline", "ws-bare", "codexwire-ws", "codexwire-sse"] as const;
type Name = typeof NAMES[number];

// The JSON payloads of the SSE corpus, one WebSocket text frame each.
function framesOf(bytes: Uint8Array): string[] {
  const frames: string[] = [];
  for (const block of new TextDecoder().decode(bytes).split("\n\n")) {
    const data = block.split("\n").find((line) => line.startsWith("data: "));
    if (data !== undefined) frames.push(data.slice(6));
  }
  return frames;
}

function isCompleted(text: string): boolean {
  return (JSON.parse(text) as { type: string }).type === "response.completed";
}

function startServer(frames: readonly string[], body: Uint8Array<ArrayBuffer>) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = () => {
      for (const frame of frames) socket.send(frame);
    };
    return response;
  });
}

const REQUEST = JSON.stringify({ type: "response.create", model: "m", input: [] });

async function nativeBaseline(url: string): Promise<number> {
  const socket = new WebSocket(url);
  const done = Promise.withResolvers<number>();
  let events = 0;
  socket.onopen = () => socket.send(REQUEST);
  socket.onmessage = (message) => {
    events++;
    if (isCompleted(message.data as string)) socket.close();
  };
  socket.onclose = () => done.resolve(events);
  socket.onerror = () => done.reject(new Error("native socket failed"));
  return await done.promise;
}

async function wsBare(url: string): Promise<number> {
  const socket = new WsWebSocket(url);
  const done = Promise.withResolvers<number>();
  let events = 0;
  socket.on("open", () => socket.send(REQUEST));
  socket.on("message", (data: { toString(): string }) => {
    events++;
    if (isCompleted(data.toString())) socket.close();
  });
  socket.on("close", () => done.resolve(events));
  socket.on("error", () => done.reject(new Error("ws socket failed")));
  return await done.promise;
}

async function codexwireWs(baseUrl: string): Promise<number> {
  // A fresh client per run: each contender pays for its own handshake.
  await using client = new ResponsesClient({ baseUrl, transport: "websocket" });
  let events = 0;
  for await (const _event of client.stream({ model: "m", input: "x" })) events++;
  return events;
}

async function codexwireSse(baseUrl: string): Promise<number> {
  const client = new ResponsesClient({ baseUrl, retry: { requestMaxRetries: 0 } });
  let events = 0;
  for await (const event of client.stream({ model: "m", input: "x" })) {
    if (event.type !== "rateLimits") events++;
  }
  return events;
}

async function run(): Promise<void> {
  const rounds = Number(option("rounds", "7"));
  const warmup = Number(option("warmup", "2"));
  const json = Deno.args.includes("--json");
  const corpus = buildSseCorpus({ deltas: Number(option("deltas", "100000")) });
  const frames = framesOf(corpus.bytes);
  if (frames.length !== corpus.events) throw new Error("the frames do not match the corpus");
  await using server = startServer(frames, corpus.bytes);
  const wsUrl = `ws://127.0.0.1:${server.addr.port}/v1/responses`;
  const httpUrl = `http://127.0.0.1:${server.addr.port}/v1`;
  const contenders: Record<Name, () => Promise<number>> = {
    baseline: () => nativeBaseline(wsUrl),
    "ws-bare": () => wsBare(wsUrl),
    "codexwire-ws": () => codexwireWs(httpUrl),
    "codexwire-sse": () => codexwireSse(httpUrl),
  };
  // Every frame maps to one event but the item added (codexwire yields it too): all equal.
  const time = async (name: Name) => {
    const started = performance.now();
    const events = await contenders[name]();
    const ms = performance.now() - started;
    if (events !== frames.length) {
      throw new Error(`${name} saw ${events} events, expected ${frames.length}`);
    }
    return ms;
  };
  for (let i = 0; i < warmup; i++) for (const name of NAMES) await time(name);
  const ms: Record<Name, number[]> = {
    baseline: [],
    "ws-bare": [],
    "codexwire-ws": [],
    "codexwire-sse": [],
  };
  const ratios: Record<Name, number[]> = {
    baseline: [],
    "ws-bare": [],
    "codexwire-ws": [],
    "codexwire-sse": [],
  };
  for (let round = 0; round < rounds; round++) {
    const times = {} as Record<Name, number>;
    for (let i = 0; i < NAMES.length; i++) {
      const name = NAMES[(i + round) % NAMES.length];
      times[name] = await time(name);
    }
    for (const name of NAMES) {
      ms[name].push(times[name]);
      // Throughput relative to the baseline: its time over this contender's.
      ratios[name].push(times.baseline / times[name]);
    }
    if (!json) {
      console.error(
        `  round ${round + 1}/${rounds}: ` +
          NAMES.map((name) => `${name} ${times[name].toFixed(0)} ms`).join(", "),
      );
    }
  }
  const results = NAMES.map((name) => ({
    name,
    eventsPerSecond: frames.length / (median(ms[name]) / 1000),
    overBaseline: median(ratios[name]),
  }));
  if (json) {
    console.log(JSON.stringify({
      bench: "ws_compare",
      deno: Deno.version.deno,
      frames: frames.length,
      rounds,
      results,
    }));
    return;
  }
  console.log(
    `${frames.length} frames (${(corpus.bytes.length / 1e6).toFixed(1)} MB as SSE); ` +
      `medians of ${rounds} interleaved rounds after ${warmup} warm-up`,
  );
  console.log("contender        events/s   × baseline");
  for (const result of results) {
    console.log(
      `${result.name.padEnd(14)} ${
        Math.round(result.eventsPerSecond).toLocaleString("en-US").padStart(10)
      }   ${result.overBaseline.toFixed(2)}`,
    );
  }
  console.log("target: codexwire-ws >= 0.85 × baseline");
}

if (import.meta.main) await run();
