// Realtime audio throughput: 10 concurrent sessions each stream 60 s of 20 ms PCM16 frames
// (3,000 frames of 960 bytes) as fast as the loopback mock accepts, and the mock echoes
// every frame back as a `response.output_audio.delta`. Two contenders send the same frames
// in the same process, interleaved round by round (the order alternates):
//
// - baseline: a bare native WebSocket; base64 + JSON.stringify out, JSON.parse + base64
//   decode in;
// - codexwire: `connectRealtime` (`appendAudio`, zod-validated `audioOut` events through the
//   async iterator, base64 decoded with `decodePcm16Base64`);
// - manager: `RealtimeConversationManager` (`insertAudio` through its 256-frame queue, the
//   producer waiting while it is full; frames the queue dropped are counted).
//
// It prints the aggregate × real time (10 × 60 s of audio / wall time), the median
// codexwire/baseline ratio of the rounds, frames lost (sent but never echoed, and echoes
// that never arrived), and the heap after each round (flat when nothing leaks).
//
//   deno run -A bench/realtime_audio.ts [--rounds 5] [--sessions 10] [--seconds 60] [--json]
//
// Targets: >= 200x real time, codexwire/baseline >= 0.7.

import { connectRealtime, decodePcm16Base64, RealtimeConversationManager } from "../mod.ts";
import { type RealtimeMockConnection, startRealtimeMockServer } from "../testing.ts";
import { median, option, seededRandom } from "./_bench_util.ts";

const ROUNDS = Number(option("rounds", "5"));
const SESSIONS = Number(option("sessions", "10"));
const SECONDS = Number(option("seconds", "60"));
const JSON_OUTPUT = Deno.args.includes("--json");
const FRAMES = SECONDS * 50;
const MAX_BUFFERED = Number(option("max-buffered", String(1024 * 1024)));
const SESSION_TIMEOUT_MS = 120_000;

const random = seededRandom(7);
const frames: Uint8Array[] = Array.from({ length: FRAMES }, (_, index) => {
  const samples = new Int16Array(480);
  for (let sample = 0; sample < samples.length; sample++) {
    const t = (index * 480 + sample) / 24_000;
    samples[sample] = Math.round(8000 * Math.sin(2 * Math.PI * 220 * t) + 800 * (random() - 0.5));
  }
  return new Uint8Array(samples.buffer);
});

const AUDIO_KEY = '"audio":"';

// The mock echoes each append without parsing it: the same cost for both contenders.
function echo(text: string | undefined, connection: RealtimeMockConnection): void {
  if (text === undefined) return;
  const start = text.indexOf(AUDIO_KEY);
  if (start === -1) return;
  const audio = text.slice(start + AUDIO_KEY.length, text.indexOf('"', start + AUDIO_KEY.length));
  connection.send(`{"type":"response.output_audio.delta","item_id":"item_1","delta":"${audio}"}`);
}

await using server = await startRealtimeMockServer({
  parseFrames: false,
  recordFrames: false,
  defaultScript: { onFrame: (frame, connection) => echo(frame.text, connection) },
});
const wsUrl = `${server.url.replace("http", "ws")}/realtime?model=gpt-realtime-1.5`;

interface SessionResult {
  sent: number;
  received: number;
  bytesIn: number;
}

async function codexwireSession(): Promise<SessionResult> {
  const connection = await connectRealtime({
    url: wsUrl,
    apiKey: "sk-bench",
    dialect: "v2",
    maxBufferedBytes: MAX_BUFFERED,
  });
  let received = 0;
  let bytesIn = 0;
  const reading = (async () => {
    for await (const event of connection) {
      if (event.type !== "audioOut") continue;
      bytesIn += decodePcm16Base64(event.data).byteLength;
      if (++received === FRAMES) return;
    }
  })();
  let sent = 0;
  for (const frame of frames) {
    await connection.appendAudio(frame);
    sent++;
  }
  await withTimeout(reading);
  await connection.close();
  return { sent, received, bytesIn };
}

// The conversation manager (what the CLI uses): frames go through its 256-frame queue; the
// producer waits while the queue is full, and any frame the queue dropped is counted.
async function managerSession(): Promise<SessionResult> {
  const manager = new RealtimeConversationManager();
  await manager.start({
    url: wsUrl,
    apiKey: "sk-bench",
    dialect: "v2",
    maxBufferedBytes: MAX_BUFFERED,
  });
  let received = 0;
  let bytesIn = 0;
  const reading = (async () => {
    for await (const event of manager) {
      if (event.type !== "realtime" || event.payload.type !== "audioOut") continue;
      bytesIn += decodePcm16Base64(event.payload.data).byteLength;
      if (++received === FRAMES) return;
    }
  })();
  let sent = 0;
  for (const frame of frames) {
    while (manager.audioQueueLength >= 256) await new Promise((resolve) => setTimeout(resolve, 0));
    manager.insertAudio(frame);
    sent++;
  }
  await withTimeout(reading);
  droppedByManager += manager.stats().audioFramesDropped;
  await manager[Symbol.asyncDispose]();
  return { sent: sent - manager.stats().audioFramesDropped, received, bytesIn };
}

let droppedByManager = 0;

async function baselineSession(): Promise<SessionResult> {
  const socket = new WebSocket(
    wsUrl,
    { headers: { authorization: "Bearer sk-bench" } } as unknown as string[],
  );
  let received = 0;
  let bytesIn = 0;
  let done: () => void = () => {};
  const reading = new Promise<void>((resolve) => done = resolve);
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data as string);
    if (event.type !== "response.output_audio.delta") return;
    bytesIn += Uint8Array.fromBase64(event.delta).byteLength;
    if (++received === FRAMES) done();
  };
  const closed = new Promise<void>((resolve) => socket.onclose = () => resolve());
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error("baseline socket failed"));
  });
  socket.send(JSON.stringify({ type: "session.update", session: { type: "realtime" } }));
  let sent = 0;
  for (const frame of frames) {
    socket.send(JSON.stringify({ type: "input_audio_buffer.append", audio: frame.toBase64() }));
    sent++;
    while (socket.bufferedAmount > MAX_BUFFERED) await new Promise((r) => setTimeout(r, 1));
  }
  await withTimeout(reading);
  socket.close(1000);
  await closed;
  return { sent, received, bytesIn };
}

async function withTimeout(promise: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise,
    new Promise((resolve) => timer = setTimeout(resolve, SESSION_TIMEOUT_MS)),
  ]);
  clearTimeout(timer);
}

const CONTENDERS = {
  baseline: baselineSession,
  codexwire: codexwireSession,
  manager: managerSession,
};
type Name = keyof typeof CONTENDERS;

interface RoundResult {
  seconds: number;
  realTimeFactor: number;
  lost: number;
  heapMb: number;
  peakRssMb: number;
}

async function round(name: Name): Promise<RoundResult> {
  let peakRss = Deno.memoryUsage().rss;
  const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 50);
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: SESSIONS }, () => CONTENDERS[name]()));
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const lost = results.reduce((sum, result) => sum + (result.sent - result.received), 0) +
    results.reduce((sum, result) => sum + (FRAMES - result.sent), 0);
  return {
    seconds,
    realTimeFactor: SESSIONS * SECONDS / seconds,
    lost,
    heapMb: Deno.memoryUsage().heapUsed / 1e6,
    peakRssMb: peakRss / 1e6,
  };
}

const NAMES = Object.keys(CONTENDERS) as Name[];
const rows: Record<Name, RoundResult[]> = { baseline: [], codexwire: [], manager: [] };
const ratios: number[] = [];
const managerRatios: number[] = [];
// One warm-up round each, not counted.
for (const name of NAMES) await round(name);
droppedByManager = 0;
for (let index = 0; index < ROUNDS; index++) {
  // Rotate the order each round.
  const order = NAMES.map((_, offset) => NAMES[(index + offset) % NAMES.length]);
  const result: Partial<Record<Name, RoundResult>> = {};
  for (const name of order) result[name] = await round(name);
  for (const name of NAMES) rows[name].push(result[name]!);
  ratios.push(result.codexwire!.realTimeFactor / result.baseline!.realTimeFactor);
  managerRatios.push(result.manager!.realTimeFactor / result.baseline!.realTimeFactor);
}

const summary = {
  sessions: SESSIONS,
  audioSecondsPerSession: SECONDS,
  framesPerSession: FRAMES,
  rounds: ROUNDS,
  baselineRealTime: median(rows.baseline.map((row) => row.realTimeFactor)),
  codexwireRealTime: median(rows.codexwire.map((row) => row.realTimeFactor)),
  codexwireOverBaseline: median(ratios),
  managerRealTime: median(rows.manager.map((row) => row.realTimeFactor)),
  managerOverBaseline: median(managerRatios),
  framesLost: {
    baseline: rows.baseline.reduce((sum, row) => sum + row.lost, 0),
    codexwire: rows.codexwire.reduce((sum, row) => sum + row.lost, 0),
    manager: rows.manager.reduce((sum, row) => sum + row.lost, 0),
  },
  framesDroppedByManagerQueue: droppedByManager,
  heapAfterRoundsMb: rows.codexwire.map((row) => Math.round(row.heapMb)),
  peakRssMb: Math.round(Math.max(...rows.codexwire.map((row) => row.peakRssMb))),
  frameCountsAtServer: server.connections.reduce(
    (sum, connection) => sum + connection.frameCount,
    0,
  ),
};
if (JSON_OUTPUT) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`${SESSIONS} sessions × ${SECONDS} s of 20 ms frames, ${ROUNDS} rounds (medians)`);
  console.log(
    `baseline  (bare WebSocket + base64): ${summary.baselineRealTime.toFixed(0)}× real time`,
  );
  console.log(
    `codexwire (connectRealtime):         ${summary.codexwireRealTime.toFixed(0)}× real time, ${
      summary.codexwireOverBaseline.toFixed(2)
    }× baseline`,
  );
  console.log(
    `manager   (RealtimeConversationManager): ${summary.managerRealTime.toFixed(0)}× real time, ${
      summary.managerOverBaseline.toFixed(2)
    }× baseline`,
  );
  console.log(
    `frames lost: baseline ${summary.framesLost.baseline}, codexwire ${summary.framesLost.codexwire}, manager ${summary.framesLost.manager} (dropped by its queue: ${summary.framesDroppedByManagerQueue})`,
  );
  console.log(
    `heap after each codexwire round: ${
      summary.heapAfterRoundsMb.join(", ")
    } MB; peak RSS ${summary.peakRssMb} MB`,
  );
}
