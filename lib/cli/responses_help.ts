/**
 * What `responses --help` shows: the option table of the `responses` command, its
 * defaults and its help text. Light on purpose: `cli.ts responses --help` loads this
 * module (and the scenario names) and nothing of the client.
 *
 * @module
 */

import { formatOptionsHelp, type OptionSpec } from "./options_help.ts";
import { listScenarios } from "./scenario_names.ts";

/**
 * Where requests go with a ChatGPT token: the same value as `CHATGPT_BASE_URL` of
 * `responses_client.ts` (tests/cli/cli_startup_test.ts checks), written here so that the
 * help loads none of the client.
 */
export const CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/codex";

/** The model asked for when `--model` is not given. */
export const DEFAULT_MODEL = "gpt-5.2-codex";
/** The offline scenario replayed when `--scenario` is not given. */
export const DEFAULT_SCENARIO = "hello";

/** The API base URL when neither `--base-url` nor `OPENAI_BASE_URL` is set (and no ChatGPT token). */
export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
/** The idle timeout when `--idle-timeout-ms` is not given. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** The headers timeout when `--headers-timeout-ms` is not given. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/** The reasoning effort when `--reasoning-effort` is not given. */
export const DEFAULT_REASONING_EFFORT = "medium";
/** The reasoning summary when `--reasoning-summary` is not given. */
export const DEFAULT_REASONING_SUMMARY = "auto";
/** The most retries in all when `--retries` is not given. */
export const DEFAULT_RETRIES = 5;
/** The values `--reasoning-effort` takes (`off` sends no reasoning settings). */
export const REASONING_EFFORTS: readonly string[] = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
  "ultra",
  "off",
];
/** The values `--reasoning-summary` takes (`none` asks for no summary). */
export const REASONING_SUMMARIES: readonly string[] = ["auto", "concise", "detailed", "none"];

/** The options of `responses`, in help order. */
export const RESPONSES_OPTIONS: readonly OptionSpec[] = [
  {
    name: "model",
    type: "string",
    valueName: "NAME",
    description: "The model to ask",
    defaultText: DEFAULT_MODEL,
  },
  {
    name: "instructions",
    type: "string",
    valueName: "TEXT",
    description: "System instructions sent with the prompt",
    defaultText: "none",
  },
  {
    name: "reasoning-effort",
    type: "string",
    valueName: "LEVEL",
    description:
      "Reasoning effort: none, minimal, low, medium, high, xhigh, max, or ultra (sent as max, as Codex does); off sends no reasoning settings, for models without reasoning",
    defaultText: DEFAULT_REASONING_EFFORT,
  },
  {
    name: "reasoning-summary",
    type: "string",
    valueName: "MODE",
    description: "Reasoning summary: auto, concise, detailed, or none to ask for none",
    defaultText: DEFAULT_REASONING_SUMMARY,
  },
  {
    name: "transport",
    type: "string",
    valueName: "NAME",
    description:
      "How to reach the server: sse (HTTP + server-sent events), websocket (a Responses WebSocket), or auto (WebSocket, falling back to HTTP)",
    defaultText: "sse",
  },
  {
    name: "record",
    type: "string",
    valueName: "TAPE",
    description:
      "Record the exchange to a tape (JSONL: request, response headers, every body chunk or frame, timed), secrets replaced",
  },
  {
    name: "compress",
    type: "string",
    valueName: "MODE",
    description:
      "Request body compression: none, zstd (level 3), or auto (bodies of 8 KiB and more)",
    defaultText: "zstd with a ChatGPT access token, else none",
  },
  {
    name: "chatgpt-access-token",
    type: "string",
    valueName: "TOKEN",
    description:
      'Sign in as a ChatGPT user with this access token (as Codex after "Sign in with ChatGPT"); OPENAI_API_KEY is then not used',
    defaultText: "$CHATGPT_ACCESS_TOKEN",
  },
  {
    name: "chatgpt-account-id",
    type: "string",
    valueName: "ID",
    description: "The ChatGPT account id, sent as ChatGPT-Account-ID with a ChatGPT token",
    defaultText: "$CHATGPT_ACCOUNT_ID",
  },
  {
    name: "base-url",
    type: "string",
    valueName: "URL",
    description: "The API base URL; requests go to URL/responses",
    defaultText:
      `$OPENAI_BASE_URL, else ${DEFAULT_BASE_URL} (${CHATGPT_BASE_URL} with a ChatGPT token)`,
  },
  {
    name: "idle-timeout-ms",
    type: "string",
    valueName: "MS",
    description: "Fail when no event arrives for this many milliseconds",
    defaultText: String(DEFAULT_IDLE_TIMEOUT_MS),
  },
  {
    name: "headers-timeout-ms",
    type: "string",
    valueName: "MS",
    description:
      "Fail (and retry) when the server sends no response headers for this many milliseconds",
    defaultText: String(DEFAULT_HEADERS_TIMEOUT_MS),
  },
  {
    name: "retries",
    type: "string",
    valueName: "N",
    description:
      "The most retries in all, before an answer (a failed connection, a 5xx) and of a broken stream; 0 tries once",
    defaultText: String(DEFAULT_RETRIES),
  },
  {
    name: "json",
    type: "boolean",
    description: "Print each event as one JSON object per line on stdout",
    defaultText: "off",
  },
  {
    name: "scenario",
    type: "string",
    valueName: "NAME",
    description: "Replay this bundled scenario from a local mock server: the offline demo",
    defaultText: `${DEFAULT_SCENARIO}, when there is no API key and no base URL`,
  },
  { name: "help", short: "h", type: "boolean", description: "Show this help" },
];

/**
 * The help text of `responses`.
 *
 * @param scenarios The names of the bundled scenarios.
 * @returns The help, ending with a newline.
 *
 * @example Usage
 * ```ts
 * import { responsesHelp } from "./responses_help.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(responsesHelp(["hello"]), /--model NAME/);
 * ```
 */
export function responsesHelp(scenarios: readonly string[]): string {
  return `Stream one response from the OpenAI Responses API and show it as it arrives.

Usage: codexwire responses [OPTIONS] [PROMPT]
       deno run -A cli.ts responses [OPTIONS] [PROMPT]

PROMPT is the user message. When it is left out (or is "-") and stdin is not a
terminal, the prompt is read from stdin.

Options:
${formatOptionsHelp(RESPONSES_OPTIONS)}

Environment:
  OPENAI_API_KEY        The API key, sent as "Authorization: Bearer <key>"
  OPENAI_BASE_URL       The API base URL, when --base-url is not given
  CHATGPT_ACCESS_TOKEN  A ChatGPT access token, when --chatgpt-access-token is not given
  CHATGPT_ACCOUNT_ID    The ChatGPT account id, when --chatgpt-account-id is not given
  NO_COLOR              Set to anything to turn colors off

ChatGPT sign-in:
  With a ChatGPT access token (flag or environment; never read from a file), requests
  go to ${CHATGPT_BASE_URL} unless a base URL is given, carry the
  ChatGPT-Account-ID header, and their bodies are zstd-compressed, as Codex does.

Output:
  By default the assistant's text goes to stdout, once: on a terminal it streams and
  a retry erases the abandoned partial text; to a pipe or a file it is written when
  the response ends. stderr shows the reasoning header while the model thinks, each
  retry as "reconnecting n/max in <delay> (<layer> layer, retry i/m): <why>" (one status
  line on a terminal), a "warning:" line when the server routes the request to
  another model (ignoring ASCII case), then token usage, rate limits, and the
  server's model when it differs from --model.
  With --json, stdout has one JSON object per event; a failure ends with
  {"type":"error","kind":...,"message":...}.

Offline demo:
  With no OPENAI_API_KEY and no base URL (or with --scenario), a bundled scenario is
  replayed from a local mock server: the prompt is sent to it, but the answer is
  scripted. Scenarios: ${scenarios.length === 0 ? "(none found)" : scenarios.join(", ")}.

Exit status: 0 done, 1 the request or the stream failed, 2 bad usage, 130 interrupted.

Examples:
  codexwire responses "Say hello"
  echo "Explain SSE in one line" | codexwire responses --json
  codexwire responses --scenario reconnect "hi"
`;
}

/**
 * The help text of `responses`, with the bundled scenarios listed from disk.
 *
 * @returns The help, ending with a newline.
 *
 * @example Usage
 * ```ts
 * import { responsesHelpText } from "./responses_help.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(await responsesHelpText(), /Scenarios: .*hello/);
 * ```
 */
export async function responsesHelpText(): Promise<string> {
  return responsesHelp(await listScenarios());
}
