/**
 * The offline realtime demo: a bundled scenario (`fixtures/realtime/demo.json`) turned into
 * a realtime mock server script that answers typed text and spoken audio in the frames of
 * the chosen dialect, and the server behind the demo: a bundled tape of the scenario's
 * default session (`fixtures/tapes/realtime-NAME-DIALECT.jsonl`) replayed, or the mock.
 *
 * @module
 */

import { z } from "zod";
import { encodeBase64, PCM16_FRAME_SAMPLES, PCM16_SAMPLE_RATE } from "../audio/pcm16.ts";
import type { RealtimeDialect } from "../realtime/realtime_dialect.ts";
import { startReplayServer } from "../tape/replay_server.ts";
import {
  type RealtimeMockConnection,
  type RealtimeMockScript,
  startRealtimeMockServer,
} from "../testing/realtime_mock_server.ts";
import { TAPES_DIR } from "./offline_server.ts";

/** A bundled realtime scenario. */
export interface RealtimeScenario {
  /** The scenario's name (its file name without `.json`). */
  name: string;
  /** What it shows. */
  description: string;
  /** The server's session id. */
  sessionId: string;
  /** The line sent when the demo runs with no input flags. */
  defaultText: string;
  /** The reply to every text item. */
  textReply: string;
  /** The transcript of what the user "said" in a stretch of audio. */
  audioTranscript: string;
  /** The reply to a stretch of audio. */
  audioReply: string;
  /** How many 20 ms microphone frames make a stretch of speech that gets a reply. */
  speechAfterFrames: number;
  /** How long the reply audio is, in milliseconds. */
  replyAudioMs: number;
  /** The pitch of the tone that stands in for speech. */
  toneHz: number;
}

const SCENARIO_SCHEMA = z.object({
  name: z.string().min(1),
  description: z.string(),
  sessionId: z.string().min(1),
  defaultText: z.string().min(1),
  textReply: z.string().min(1),
  audioTranscript: z.string(),
  audioReply: z.string().min(1),
  speechAfterFrames: z.number().int().positive(),
  replyAudioMs: z.number().int().nonnegative().max(60_000),
  toneHz: z.number().positive().max(12_000),
});

/** The folder of the bundled realtime scenarios. */
export const REALTIME_SCENARIOS_DIR: URL = new URL("../../fixtures/realtime/", import.meta.url);

/**
 * Loads a bundled realtime scenario.
 *
 * @param name The scenario's name.
 * @param dir The folder to read from.
 * @returns The scenario.
 * @throws {Error} When the file is missing or does not match the format.
 *
 * @example Usage
 * ```ts
 * import { loadRealtimeScenario } from "./realtime_demo.ts";
 * import assert from "node:assert/strict";
 *
 * const scenario = await loadRealtimeScenario("demo");
 * assert.equal(scenario.name, "demo");
 * ```
 */
export async function loadRealtimeScenario(
  name: string,
  dir: URL = REALTIME_SCENARIOS_DIR,
): Promise<RealtimeScenario> {
  const text = await Deno.readTextFile(new URL(`${name}.json`, dir));
  const result = SCENARIO_SCHEMA.safeParse(JSON.parse(text));
  if (!result.success) {
    throw new Error(
      `The realtime scenario "${name}" does not match its format: ${result.error.message}`,
    );
  }
  return result.data;
}

/**
 * A mock server script that plays the scenario in a dialect: it answers the session message,
 * every text item, and every stretch of audio.
 *
 * @param scenario The scenario.
 * @param dialect The dialect whose server frames are sent.
 * @param outputModality `text` for text replies (v2), else audio with a transcript.
 * @returns The script.
 *
 * @example Serving the demo on a mock server
 * ```ts
 * import { loadRealtimeScenario, realtimeDemoScript } from "./realtime_demo.ts";
 * import { startRealtimeMockServer } from "../testing/realtime_mock_server.ts";
 *
 * const scenario = await loadRealtimeScenario("demo");
 * await using server = await startRealtimeMockServer({
 *   defaultScript: realtimeDemoScript(scenario, "v2"),
 * });
 * ```
 */
export function realtimeDemoScript(
  scenario: RealtimeScenario,
  dialect: RealtimeDialect,
  outputModality: "audio" | "text" = "audio",
): RealtimeMockScript {
  let framesHeard = 0;
  let responses = 0;
  const tone = toneFrames(scenario.replyAudioMs, scenario.toneHz);
  function reply(connection: RealtimeMockConnection, text: string): void {
    responses++;
    const responseId = `resp_demo_${responses}`;
    const itemId = `item_demo_${responses}`;
    const words = text.split(/(?<= )/);
    const legacyOrV2 = dialect === "v2" || dialect === "codex-session-create";
    if (legacyOrV2) connection.send({ type: "response.created", response: { id: responseId } });
    for (const word of words) {
      if (dialect === "v1") {
        connection.send({ type: "conversation.output_transcript.delta", delta: word });
      } else if (dialect === "v3") {
        connection.send({ type: "output_transcript.added", item: { text: word } });
      } else {
        connection.send({
          type: outputModality === "text"
            ? "response.output_text.delta"
            : "response.output_audio_transcript.delta",
          item_id: itemId,
          delta: word,
        });
      }
    }
    if (outputModality === "audio") {
      for (const frame of tone) {
        if (dialect === "v1") {
          connection.send({
            type: "conversation.output_audio.delta",
            delta: frame,
            sample_rate: PCM16_SAMPLE_RATE,
            channels: 1,
          });
        } else if (dialect === "v3") {
          connection.send({ type: "output_audio.delta", audio: frame });
        } else {
          connection.send({ type: "response.output_audio.delta", item_id: itemId, delta: frame });
        }
      }
    }
    if (dialect === "v3") {
      connection.send({ type: "turn.done", turn: { role: "assistant", transcript: text } });
    } else if (outputModality === "text") {
      connection.send({ type: "response.output_text.done", item_id: itemId, text });
    } else {
      connection.send({
        type: "response.output_audio_transcript.done",
        item_id: itemId,
        transcript: text,
      });
    }
    if (legacyOrV2) connection.send({ type: "response.done", response: { id: responseId } });
  }
  return {
    onFrame(frame, connection) {
      switch (frame.type) {
        case "session.update":
          if (dialect === "v3") {
            connection.send({ type: "session.started", session: { id: scenario.sessionId } });
          } else {
            connection.send({ type: "session.updated", session: { id: scenario.sessionId } });
          }
          return;
        case "session.create":
          connection.send({ type: "session.created", session: { id: scenario.sessionId } });
          return;
        case "conversation.item.create": {
          const item = (frame.json as { item?: { type?: string; role?: string } }).item;
          if (item?.type === "message" && item.role === "user") {
            reply(connection, scenario.textReply);
          }
          return;
        }
        case "session.context.append":
          reply(connection, scenario.textReply);
          return;
        case "input_audio_buffer.append":
        case "input_audio.append":
        case "response.input_audio.delta":
          framesHeard++;
          if (framesHeard % scenario.speechAfterFrames === 0) {
            if (dialect === "v3") {
              connection.send({
                type: "turn.done",
                turn: { role: "user", transcript: scenario.audioTranscript },
              });
            } else {
              connection.send({ type: "input_audio_buffer.speech_started" });
              connection.send({
                type: "conversation.item.input_audio_transcription.completed",
                transcript: scenario.audioTranscript,
              });
            }
            reply(connection, scenario.audioReply);
          }
          return;
      }
    },
  };
}

/**
 * The bundled tape of a scenario's default session in a dialect (recorded by
 * `bench/record_demo_tapes.ts`).
 *
 * @param scenario The scenario's name.
 * @param dialect The dialect.
 * @returns The tape's URL (the file may not exist).
 */
export function realtimeDemoTape(scenario: string, dialect: RealtimeDialect): URL {
  return new URL(`realtime-${scenario}-${dialect}.jsonl`, TAPES_DIR);
}

/** The server behind the offline realtime demo. */
export interface RealtimeDemoServer extends AsyncDisposable {
  /** The base URL to connect to. */
  readonly url: string;
  /** Where the answers come from: a bundled `tape`, or the scripted `mock`. */
  readonly source: "tape" | "mock";
}

/**
 * Starts the server of the offline demo. A tape replays one recorded conversation (the
 * scenario's default line) and cannot answer lines or audio it never heard, so it serves
 * only the default session (`defaultSession`); typed lines and audio get the mock, which
 * answers whatever comes.
 *
 * @param scenario The scenario.
 * @param dialect The dialect.
 * @param defaultSession Whether the session sends only the scenario's default line.
 * @returns The running server.
 */
export async function startRealtimeDemoServer(
  scenario: RealtimeScenario,
  dialect: RealtimeDialect,
  defaultSession: boolean,
): Promise<RealtimeDemoServer> {
  const tape = realtimeDemoTape(scenario.name, dialect);
  if (defaultSession && await isFile(tape)) {
    const server = await startReplayServer(tape, { speed: 1, log: () => {} });
    // codex-session-create connects to the base URL's own path, the others add theirs.
    const recorded = new URL(server.tape.webSockets[0]?.open.url ?? server.baseUrl).pathname;
    return {
      url: dialect === "codex-session-create" ? `${server.url}${recorded}` : server.baseUrl,
      source: "tape",
      [Symbol.asyncDispose]: () => server.close(),
    };
  }
  const server = await startRealtimeMockServer({
    defaultScript: realtimeDemoScript(scenario, dialect),
  });
  return { url: server.url, source: "mock", [Symbol.asyncDispose]: () => server.close() };
}

async function isFile(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile;
  } catch {
    return false;
  }
}

function toneFrames(ms: number, hz: number): string[] {
  const frames: string[] = [];
  const total = Math.round(ms / 20);
  for (let frame = 0; frame < total; frame++) {
    const samples = new Int16Array(PCM16_FRAME_SAMPLES);
    for (let index = 0; index < samples.length; index++) {
      const t = (frame * PCM16_FRAME_SAMPLES + index) / PCM16_SAMPLE_RATE;
      samples[index] = Math.round(6000 * Math.sin(2 * Math.PI * hz * t));
    }
    frames.push(encodeBase64(new Uint8Array(samples.buffer)));
  }
  return frames;
}
