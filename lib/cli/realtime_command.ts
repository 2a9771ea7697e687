/**
 * The `realtime` command: a realtime conversation from the terminal (typed lines, WAV or
 * raw PCM16 audio in, the reply transcript and WAV audio out), or, with no API key and no
 * base URL, the offline demo against a bundled scenario on a local mock server.
 *
 * @module
 */

import { decodePcm16Base64, PCM16_SAMPLE_RATE, Pcm16Framer } from "../audio/pcm16.ts";
import { Pcm16Resampler } from "../audio/resample.ts";
import { readWav, WavWriter } from "../audio/wav.ts";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import { redactUrl } from "../transport/redact_url.ts";
import {
  type RealtimeConversationEvent,
  RealtimeConversationManager,
  type RealtimeConversationStartOptions,
} from "../realtime/realtime_conversation_manager.ts";
import {
  isRealtimeDialect,
  REALTIME_DIALECTS,
  type RealtimeDialect,
  resolveRealtimeVoice,
} from "../realtime/realtime_dialect.ts";
import type { RealtimeEvent } from "../realtime/realtime_event.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import { type CliContext, EXIT_FAILURE, EXIT_OK } from "./cli_context.ts";
import { colorEnabled, createPalette, type Palette, StatusLine } from "./output.ts";
import {
  loadRealtimeScenario,
  type RealtimeScenario,
  startRealtimeDemoServer,
} from "./realtime_demo.ts";
import { errorLine } from "./response_renderer.ts";
import { openRecorder, parseRecordPath, reportFailure } from "./_command_support.ts";
import {
  DEFAULT_BASE_URL,
  DEFAULT_IDLE_MS,
  DEFAULT_SCENARIO,
  REALTIME_OPTIONS,
  realtimeHelp,
} from "./realtime_help.ts";

const DEFAULT_REPLY_TIMEOUT_MS = 30_000;
// Frames queued before the file reader waits, below the manager's 256 so nothing drops.
const AUDIO_QUEUE_HIGH_WATER = 192;

interface RealtimeSettings {
  dialect: RealtimeDialect;
  start: RealtimeConversationStartOptions;
  json: boolean;
  text: boolean;
  audioIn: string | undefined;
  audioOut: string | undefined;
  record: string | undefined;
  idleMs: number;
  offline: { scenario: RealtimeScenario; reason: string } | undefined;
}

/**
 * Runs `realtime` with the arguments after the command name.
 *
 * @param args The arguments, such as `["--text", "--dialect", "v1"]`.
 * @param context The process I/O.
 * @returns The exit status: 0 closed, 1 failed, 2 bad usage.
 *
 * @example Playing the offline demo in-process
 * ```ts ignore
 * import { runRealtimeCommand } from "./realtime_command.ts";
 * import { denoCliContext } from "./cli_context.ts";
 *
 * const status = await runRealtimeCommand(["--text"], denoCliContext());
 * ```
 */
export async function runRealtimeCommand(
  args: readonly string[],
  context: CliContext,
): Promise<number> {
  let json = false;
  const palette = createPalette(colorEnabled(context.stderr, context.env));
  try {
    const parsed = parseCommandArgs(args, REALTIME_OPTIONS);
    json = parsed.values.json === true;
    if (parsed.values.help === true) {
      await context.stdout.write(realtimeHelp());
      return EXIT_OK;
    }
    if (parsed.positionals.length > 0) {
      throw new UsageError(
        `realtime takes no arguments, got "${parsed.positionals[0]}": type lines with --text`,
      );
    }
    const settings = await resolveSettings(parsed.values, context);
    return await converse(settings, context, palette);
  } catch (error) {
    return await reportFailure(error, "realtime", json, context);
  }
}

async function resolveSettings(
  values: Record<string, string | boolean | undefined>,
  context: CliContext,
): Promise<RealtimeSettings> {
  const string = (name: string): string | undefined => values[name] as string | undefined;
  const dialect = string("dialect") ?? "v2";
  if (!isRealtimeDialect(dialect)) {
    throw new UsageError(
      `Unknown dialect "${dialect}": use one of ${REALTIME_DIALECTS.join(", ")}`,
    );
  }
  const voice = string("voice");
  try {
    resolveRealtimeVoice(dialect, voice);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const json = values.json === true;
  const text = values.text === true;
  const audioIn = string("audio-in");
  const audioOut = string("audio-out");
  if (audioOut === "-" && json) {
    throw new UsageError("--audio-out - and --json both write to stdout: leave one of them out");
  }
  if (audioIn === "-" && text) {
    throw new UsageError("--audio-in - and --text both read stdin: leave one of them out");
  }
  const idleText = string("idle-ms");
  const idleMs = idleText === undefined ? DEFAULT_IDLE_MS : Number(idleText);
  if (!/^\d+$/.test(idleText ?? "0") || !Number.isSafeInteger(idleMs)) {
    throw new UsageError(`--idle-ms must be a whole number of milliseconds, got "${idleText}"`);
  }

  const baseUrlFlag = checkBaseUrl(string("base-url"), "--base-url");
  const baseUrlEnv = checkBaseUrl(blank(context.env("OPENAI_BASE_URL")), "OPENAI_BASE_URL");
  const apiKey = blank(context.env("OPENAI_API_KEY"));
  const scenarioFlag = string("scenario");
  if (scenarioFlag !== undefined && baseUrlFlag !== undefined) {
    throw new UsageError(
      "--scenario plays the offline demo and cannot be used with --base-url: leave one of them out",
    );
  }
  let offline: RealtimeSettings["offline"];
  if (
    scenarioFlag !== undefined ||
    (apiKey === undefined && (baseUrlFlag ?? baseUrlEnv) === undefined)
  ) {
    const name = scenarioFlag ?? DEFAULT_SCENARIO;
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new UsageError(`Unknown scenario "${name}"`);
    let scenario: RealtimeScenario;
    try {
      scenario = await loadRealtimeScenario(name);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new UsageError(`Unknown scenario "${name}": use ${DEFAULT_SCENARIO}`);
      }
      throw error;
    }
    offline = {
      scenario,
      reason: scenarioFlag === undefined ? "no OPENAI_API_KEY or --base-url" : "--scenario given",
    };
  }
  const model = string("model");
  const prompt = string("prompt");
  const start: RealtimeConversationStartOptions = {
    dialect,
    apiKey: offline === undefined ? apiKey : "sk-offline-demo",
    baseUrl: baseUrlFlag ?? baseUrlEnv ?? DEFAULT_BASE_URL,
  };
  if (model !== undefined) start.model = model;
  if (prompt !== undefined) start.prompt = prompt;
  if (voice !== undefined) start.voice = voice;
  const record = parseRecordPath(string("record"), "session.jsonl");
  return { dialect, start, json, text, audioIn, audioOut, record, idleMs, offline };
}

/** What the command saw, for the status line and the summary. */
interface Progress {
  sessionId: string | undefined;
  state: string;
  repliesDone: number;
  lastEventAt: number;
  printed: boolean;
  closedReason: string | undefined;
}

async function converse(
  settings: RealtimeSettings,
  context: CliContext,
  palette: Palette,
): Promise<number> {
  // Open the audio files before connecting, so a bad WAV fails without a session.
  const audioSource = settings.audioIn === undefined
    ? undefined
    : await openAudioIn(settings.audioIn, context);
  await using server = settings.offline === undefined ? undefined : await startRealtimeDemoServer(
    settings.offline.scenario,
    settings.dialect,
    !settings.text && audioSource === undefined,
  );
  if (server !== undefined && settings.offline !== undefined) {
    settings.start.baseUrl = server.url;
    const from = server.source === "tape"
      ? "from its bundled tape (the recorded answers, in their recorded timing)"
      : "from a local mock server (what you send reaches it, but the answers are scripted)";
    await context.stderr.write(
      `${
        palette.dim(
          `codexwire: ${settings.offline.reason}; playing the bundled offline realtime scenario "${settings.offline.scenario.name}" (${settings.dialect}) ${from}`,
        )
      }\n`,
    );
  }
  const audioOut = settings.audioOut === undefined
    ? undefined
    : await openAudioOut(settings.audioOut, context, async (message) => {
      await status.clear();
      await context.stderr.write(`${palette.yellow("warning:")} ${message}\n`);
    });
  await using recorder = await openRecorder(settings.record, "codexwire realtime", [
    settings.start.apiKey,
  ]);
  if (recorder !== undefined) settings.start.record = recorder;
  await using manager = new RealtimeConversationManager();
  const status = new StatusLine(context.stderr);
  const transcriptOut = settings.audioOut === "-" ? context.stderr : context.stdout;
  const progress: Progress = {
    sessionId: undefined,
    state: "connecting",
    repliesDone: 0,
    lastEventAt: Date.now(),
    printed: false,
    closedReason: undefined,
  };
  let lastStatusAt = 0;
  const showStatus = async (force = false) => {
    if (settings.json || !context.stderr.isTerminal) return;
    const now = Date.now();
    if (!force && now - lastStatusAt < 100) return;
    lastStatusAt = now;
    await status.show(palette.dim(statusText(progress, manager)));
  };

  const render = async (event: RealtimeConversationEvent) => {
    if (settings.json) {
      await context.stdout.write(
        `${JSON.stringify(event.type === "realtime" ? event.payload : event)}\n`,
      );
    }
    if (event.type === "realtime") {
      await audioOut?.write(event.payload);
      if (!settings.json) await renderHuman(event.payload);
    } else if (event.type === "error" && !settings.json) {
      await status.clear();
      await context.stderr.write(`${palette.red("error:")} ${event.message}\n`);
    }
    await showStatus();
  };
  const renderHuman = async (event: RealtimeEvent) => {
    switch (event.type) {
      case "outputTranscriptDelta":
        await status.clear();
        await transcriptOut.write(event.delta);
        progress.printed = true;
        break;
      case "outputTranscriptDone":
        await status.clear();
        await transcriptOut.write(progress.printed ? "\n" : `${event.text}\n`);
        progress.printed = false;
        break;
      case "inputTranscriptDone":
        await status.clear();
        await context.stderr.write(`${palette.dim("you:")} ${event.text}\n`);
        break;
      case "handoffRequested":
        await status.clear();
        await context.stderr.write(
          `${
            palette.dim("handoff requested (no agent here to run it):")
          } ${event.inputTranscript}\n`,
        );
        break;
      case "error":
        await status.clear();
        await context.stderr.write(`${palette.red("error:")} ${event.message}\n`);
        break;
    }
  };

  const track = (event: RealtimeConversationEvent) => {
    progress.lastEventAt = Date.now();
    if (event.type === "started") progress.state = "active";
    if (event.type === "closed") {
      progress.state = "closed";
      progress.closedReason = event.reason;
    }
    if (event.type !== "realtime") return;
    const payload = event.payload;
    if (payload.type === "sessionUpdated" || payload.type === "sessionCreated") {
      progress.sessionId = payload.realtimeSessionId;
    }
    if (payload.type === "outputTranscriptDone") progress.repliesDone++;
  };

  const started = await manager.start(settings.start);
  if (!started) {
    const event = await manager.next();
    if (event !== undefined) {
      track(event);
      await render(event);
    }
    await audioOut?.close();
    await audioSource?.cancel();
    if (settings.json) {
      await context.stdout.write(`${JSON.stringify(errorLine(manager.lastError))}\n`);
    }
    return EXIT_FAILURE;
  }
  const onInterrupt = () => void manager.close();
  context.signal?.addEventListener("abort", onInterrupt, { once: true });
  let inputSent = 0;
  let readingStdin = false;
  const events = (async () => {
    for await (const event of manager) {
      track(event);
      await render(event);
      if (event.type === "closed") return event.reason;
    }
    return "requested";
  })();
  try {
    const inputs = (async () => {
      if (settings.text) {
        readingStdin = true;
        for await (const line of readLines(context)) {
          if (!manager.running) return;
          if (line.trim() === "") continue;
          await manager.insertText(line, { respond: true });
          inputSent++;
        }
        readingStdin = false;
      }
      if (audioSource !== undefined) {
        readingStdin = settings.audioIn === "-";
        await feedAudio(audioSource, manager);
        readingStdin = false;
      }
      if (!settings.text && audioSource === undefined && settings.offline !== undefined) {
        await manager.insertText(settings.offline.scenario.defaultText, { respond: true });
        inputSent++;
      }
      const listenOnly = !settings.text && audioSource === undefined &&
        settings.offline === undefined;
      if (listenOnly) return;
      // The quiet period counts from when the last input left, not from the last event.
      // Queued audio that stops leaving (a server that no longer reads) is given up on.
      let queued = manager.audioQueueLength;
      let movedAt = Date.now();
      while (manager.running && manager.audioQueueLength > 0) {
        if (manager.audioQueueLength < queued) movedAt = Date.now();
        queued = manager.audioQueueLength;
        if (Date.now() - movedAt >= DEFAULT_REPLY_TIMEOUT_MS) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      progress.lastEventAt = Math.max(progress.lastEventAt, Date.now());
      // Wait for the replies, then for the server to go quiet (bounded).
      const deadline = Date.now() + DEFAULT_REPLY_TIMEOUT_MS;
      while (manager.running && Date.now() < deadline) {
        const quiet = Date.now() - progress.lastEventAt >= settings.idleMs;
        if (progress.repliesDone >= inputSent && quiet) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, settings.idleMs + 1)));
      }
      if (manager.running) await manager.close();
    })();
    const reason = await events;
    // A read of an interactive stdin cannot be cut short; the process exits without it.
    if (!readingStdin) await inputs.catch(() => {});
    await status.clear();
    await audioOut?.close();
    if (!settings.json) {
      await context.stderr.write(`${palette.dim(summaryText(progress, manager, reason))}\n`);
    } else if (reason === "error") {
      // A failure ends with the error line of the CLI contract (with its kind).
      await context.stdout.write(`${JSON.stringify(errorLine(manager.lastError))}\n`);
    }
    return reason === "error" ? EXIT_FAILURE : EXIT_OK;
  } finally {
    context.signal?.removeEventListener("abort", onInterrupt);
    await audioSource?.cancel().catch(() => {});
    // Also on a failure: the WAV gets its sizes and the file is closed (close is idempotent).
    await audioOut?.close().catch(() => {});
  }
}

function statusText(progress: Progress, manager: RealtimeConversationManager): string {
  const stats = manager.stats();
  return `session ${progress.sessionId ?? "…"} · in ${seconds(stats.audioInMs)} · out ${
    seconds(stats.audioOutMs)
  } · dropped ${stats.audioFramesDropped} · ${progress.state}`;
}

function summaryText(
  progress: Progress,
  manager: RealtimeConversationManager,
  reason: string,
): string {
  const stats = manager.stats();
  const why = reason === "transportClosed"
    ? "closed by the server"
    : reason === "error"
    ? "ended by an error"
    : "closed";
  return `session ${progress.sessionId ?? "(none)"}: audio in ${seconds(stats.audioInMs)}, out ${
    seconds(stats.audioOutMs)
  }, ${stats.audioFramesDropped} frames dropped; ${why}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function* readLines(context: CliContext): AsyncIterable<string> {
  if (context.stdin.readable === undefined) {
    yield* (await context.stdin.readText()).split("\n");
    return;
  }
  let rest = "";
  for await (const chunk of context.stdin.readable.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    yield* lines;
  }
  if (rest !== "") yield rest;
}

/** Mono 24 kHz PCM16 bytes, converted on the way when the WAV was another format. */
interface AudioSource {
  chunks: AsyncIterable<Uint8Array>;
  cancel(): Promise<void>;
}

async function openAudioIn(path: string, context: CliContext): Promise<AudioSource> {
  if (path === "-") {
    const readable = context.stdin.readable;
    if (readable === undefined) {
      throw new UsageError("--audio-in - needs stdin, which is not available here");
    }
    return { chunks: readable, cancel: () => readable.cancel().catch(() => {}) };
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    throw new CodexWireError(`Cannot open --audio-in "${path}": ${(error as Error).message}`, {
      kind: "audio",
      cause: error,
    });
  }
  const wav = await readWav(file.readable);
  const direct = wav.sampleRate === PCM16_SAMPLE_RATE && wav.numChannels === 1;
  const resampler = direct ? undefined : new Pcm16Resampler(wav);
  async function* chunks(): AsyncIterable<Uint8Array> {
    let odd: number | undefined;
    for await (const chunk of wav.data) {
      if (resampler === undefined) {
        yield chunk;
        continue;
      }
      let bytes = chunk;
      if (odd !== undefined) {
        bytes = new Uint8Array(chunk.length + 1);
        bytes[0] = odd;
        bytes.set(chunk, 1);
        odd = undefined;
      }
      if (bytes.length % 2 === 1) {
        odd = bytes[bytes.length - 1];
        bytes = bytes.subarray(0, bytes.length - 1);
      }
      const samples = new Int16Array(bytes.slice().buffer);
      yield new Uint8Array(resampler.push(samples).buffer);
    }
  }
  return { chunks: chunks(), cancel: () => wav.data.cancel().catch(() => {}) };
}

async function feedAudio(source: AudioSource, manager: RealtimeConversationManager): Promise<void> {
  const framer = new Pcm16Framer();
  for await (const chunk of source.chunks) {
    for (const frame of framer.push(chunk)) {
      while (manager.running && manager.audioQueueLength >= AUDIO_QUEUE_HIGH_WATER) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      if (!manager.running) return;
      manager.insertAudio(frame);
    }
  }
  const rest = framer.flush();
  // A trailing partial frame is sent as it is (whole samples only).
  if (rest !== undefined && rest.length >= 2 && manager.running) {
    manager.insertAudio(rest.subarray(0, rest.length - (rest.length % 2)));
  }
}

/** Writes reply audio as 24 kHz mono WAV, converting other formats. */
interface AudioSink {
  write(event: RealtimeEvent): Promise<void>;
  close(): Promise<void>;
}

async function openAudioOut(
  path: string,
  context: CliContext,
  warn: (message: string) => Promise<void>,
): Promise<AudioSink> {
  let file: Deno.FsFile | undefined;
  let writer: WavWriter;
  const format = { sampleRate: PCM16_SAMPLE_RATE, numChannels: 1 };
  if (path === "-") {
    if (context.stdoutBytes === undefined) {
      throw new UsageError("--audio-out - needs stdout, which is not available here");
    }
    writer = new WavWriter(context.stdoutBytes, format);
  } else {
    try {
      file = await Deno.open(path, { write: true, create: true, truncate: true });
    } catch (error) {
      throw new CodexWireError(`Cannot write --audio-out "${path}": ${(error as Error).message}`, {
        kind: "audio",
        cause: error,
      });
    }
    writer = new WavWriter(file, format);
  }
  const resamplers = new Map<string, Pcm16Resampler>();
  let closed = false;
  return {
    async write(event: RealtimeEvent): Promise<void> {
      if (event.type !== "audioOut" || closed) return;
      let bytes: Uint8Array;
      try {
        bytes = decodePcm16Base64(event.data);
        if (event.sampleRate !== PCM16_SAMPLE_RATE || event.numChannels !== 1) {
          const key = `${event.sampleRate}/${event.numChannels}`;
          let resampler = resamplers.get(key);
          if (resampler === undefined) {
            resampler = new Pcm16Resampler(event);
            resamplers.set(key, resampler);
          }
          bytes = new Uint8Array(resampler.push(new Int16Array(bytes.slice().buffer)).buffer);
        }
      } catch (error) {
        // One frame that cannot be played is skipped; the conversation and the file go on.
        if (!(error instanceof CodexWireError)) throw error;
        await warn(`skipped a reply audio frame: ${error.message}`);
        return;
      }
      await writer.write(bytes);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await writer.close();
      file?.close();
    },
  };
}

function checkBaseUrl(value: string | undefined, source: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${source} is not a URL: "${redactUrl(value)}"; use one such as ${DEFAULT_BASE_URL}`,
    );
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
    throw new UsageError(
      `${source} must be an http, https, ws or wss URL, got "${redactUrl(value)}"`,
    );
  }
  return value;
}

function blank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

// A key worth looking for in a tape: the redaction skips values too short to be secrets.
