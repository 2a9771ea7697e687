/**
 * What `realtime --help` shows: the option table of the `realtime` command, its defaults
 * and its help text. Light on purpose: `cli.ts realtime --help` loads this module and
 * nothing of the realtime client.
 *
 * @module
 */

import { REALTIME_DIALECTS } from "../realtime/realtime_dialect.ts";
import { formatOptionsHelp, type OptionSpec } from "./options_help.ts";

/** The API base URL when neither `--base-url` nor `OPENAI_BASE_URL` is set. */
export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
/** The offline scenario played when `--scenario` is not given. */
export const DEFAULT_SCENARIO = "demo";
/** The quiet period when `--idle-ms` is not given. */
export const DEFAULT_IDLE_MS = 2_000;

/** The options of `realtime`, in help order. */
export const REALTIME_OPTIONS: readonly OptionSpec[] = [
  {
    name: "dialect",
    type: "string",
    valueName: "NAME",
    description: `The wire dialect: ${REALTIME_DIALECTS.join(", ")}`,
    defaultText: "v2",
  },
  {
    name: "model",
    type: "string",
    valueName: "NAME",
    description: "The model in the URL",
    defaultText: "gpt-realtime-1.5 on v2, gpt-live-1-codex on v3, none otherwise",
  },
  {
    name: "prompt",
    type: "string",
    valueName: "TEXT",
    description: "The session instructions (the backend prompt)",
    defaultText: "a short built-in prompt",
  },
  {
    name: "voice",
    type: "string",
    valueName: "NAME",
    description:
      "The voice, checked against the dialect: v2 alloy, ash, ballad, coral, echo, sage, shimmer, verse, marin, cedar; v1 and v3 juniper, maple, spruce, ember, vale, breeze, arbor, sol, cove",
    defaultText: "marin on v2, cove on v1 and v3",
  },
  {
    name: "text",
    type: "boolean",
    description:
      "Read lines from stdin and send each as a user message; the reply transcript streams to stdout",
    defaultText: "off",
  },
  {
    name: "audio-in",
    type: "string",
    valueName: "FILE",
    description:
      "Send audio: a PCM16 WAV file (other rates and channel counts are converted to 24 kHz mono), or - for raw PCM16 24 kHz mono on stdin",
  },
  {
    name: "audio-out",
    type: "string",
    valueName: "FILE",
    description: "Write the reply audio as a 24 kHz mono WAV file, or - for a WAV stream on stdout",
  },
  {
    name: "base-url",
    type: "string",
    valueName: "URL",
    description: "The API base URL; the WebSocket URL is built from it",
    defaultText: `$OPENAI_BASE_URL, else ${DEFAULT_BASE_URL}`,
  },
  {
    name: "json",
    type: "boolean",
    description:
      "Print the started and closed events and every realtime event as JSON lines on stdout",
    defaultText: "off",
  },
  {
    name: "record",
    type: "string",
    valueName: "TAPE",
    description:
      "Record the session to a tape (JSONL: the handshake, every frame both ways, the close), secrets replaced",
  },
  {
    name: "idle-ms",
    type: "string",
    valueName: "MS",
    description: "After the input ends, close once the server has been quiet this long",
    defaultText: String(DEFAULT_IDLE_MS),
  },
  {
    name: "scenario",
    type: "string",
    valueName: "NAME",
    description: "Play this bundled realtime scenario from a local server: the offline demo",
    defaultText: `${DEFAULT_SCENARIO}, when there is no API key and no base URL`,
  },
  { name: "help", short: "h", type: "boolean", description: "Show this help" },
];

/**
 * The help text of `realtime`.
 *
 * @returns The help, ending with a newline.
 *
 * @example Usage
 * ```ts
 * import { realtimeHelp } from "./realtime_help.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(realtimeHelp(), /--dialect NAME/);
 * ```
 */
export function realtimeHelp(): string {
  return `Hold a realtime conversation (text and audio) over WebSocket.

Usage: codexwire realtime [OPTIONS]
       deno run -A cli.ts realtime [OPTIONS]

Options:
${formatOptionsHelp(REALTIME_OPTIONS)}

Environment:
  OPENAI_API_KEY   The API key, sent as "Authorization: Bearer <key>"
  OPENAI_BASE_URL  The API base URL, when --base-url is not given
  NO_COLOR         Set to anything to turn colors off

Output:
  The reply transcript streams to stdout (to stderr when --audio-out is -); stderr shows
  what you said, a live status line on a terminal (session id, audio in and out, dropped
  frames, state) and a summary at the end. With --json, stdout has one JSON object per
  event. The session ends when the input ends and the server has gone quiet, when the
  server closes it, or on Ctrl-C (a clean close, exit 0).

Offline demo:
  With no OPENAI_API_KEY and no base URL (or with --scenario), a local server speaks the
  chosen dialect from a bundled scenario. Without --text or --audio-in it sends one line by
  itself and the answers replay from the scenario's bundled tape; with --text or --audio-in
  a scripted mock answers every line and every stretch of audio.

Exit status: 0 closed (by you, the input ending, or the server), 1 failed, 2 bad usage.

Examples:
  codexwire realtime
  echo "What changed in this repo?" | codexwire realtime --text --dialect v1
  arecord -f S16_LE -r 24000 -c 1 | codexwire realtime --audio-in - --audio-out reply.wav
  codexwire realtime --text --audio-out - | aplay
`;
}
