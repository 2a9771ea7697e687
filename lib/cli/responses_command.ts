/**
 * The `responses` command: stream one response from the Responses API (or, with no API
 * key and no base URL, from a bundled scenario on a local mock server) and show it.
 *
 * @module
 */

import type { ReasoningOptions, ResponsesRequest } from "../responses/request_body.ts";
import type { RequestCompression } from "../responses/request_compression.ts";
import { CHATGPT_BASE_URL, ResponsesClient } from "../responses/responses_client.ts";
import { redactUrl } from "../transport/redact_url.ts";
import { MAX_TIMER_MS } from "../transport/timeout.ts";
import { formatOptionsHelp, type OptionSpec, parseCommandArgs, UsageError } from "./args.ts";
import {
  type CliContext,
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_USAGE,
} from "./cli_context.ts";
import { HumanRenderer } from "./human_renderer.ts";
import { colorEnabled, createPalette } from "./output.ts";
import { errorLine, JsonLinesRenderer, type ResponseRenderer } from "./response_renderer.ts";
import { listScenarios, loadScenario, type Scenario } from "./scenarios.ts";
import { startOfflineServer } from "./offline_server.ts";

/** The model asked for when `--model` is not given. */
export const DEFAULT_MODEL = "gpt-5.2-codex";
/** The offline scenario replayed when `--scenario` is not given. */
export const DEFAULT_SCENARIO = "hello";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
const DEFAULT_REASONING_EFFORT = "medium";
const DEFAULT_REASONING_SUMMARY = "auto";
const DEFAULT_RETRIES = 5;
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

const USAGE_HINT = 'see "responses --help" for the options';

/**
 * The help text of `responses`.
 *
 * @param scenarios The names of the bundled scenarios.
 * @returns The help, ending with a newline.
 *
 * @example Usage
 * ```ts
 * import { responsesHelp } from "./responses_command.ts";
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

/** The checked settings of one run. */
interface ResponsesSettings {
  request: ResponsesRequest;
  json: boolean;
  idleTimeoutMs: number;
  retries: number;
  headersTimeoutMs: number;
  /** The compression asked for; `undefined` leaves the client's default. */
  compression: RequestCompression | undefined;
  /** The transport asked for. */
  transport: "sse" | "websocket" | "auto";
  /** The server to ask, or `undefined` for the offline demo. */
  online: {
    baseUrl: string | undefined;
    apiKey: string | undefined;
    chatgpt: { accessToken: string; accountId?: string } | undefined;
  } | undefined;
  /** The offline scenario and why it is used. */
  offline: { scenario: Scenario; reason: string } | undefined;
}

/**
 * Runs `responses` with the arguments after the command name.
 *
 * @param args The arguments, such as `["--json", "Say hello"]`.
 * @param context The process I/O.
 * @returns The exit status: 0 done, 1 failed, 2 bad usage, 130 interrupted.
 *
 * @example Replaying the offline demo in-process
 * ```ts ignore
 * import { runResponsesCommand } from "./responses_command.ts";
 * import { denoCliContext } from "./cli_context.ts";
 *
 * const status = await runResponsesCommand(["hi"], denoCliContext());
 * ```
 */
export async function runResponsesCommand(
  args: readonly string[],
  context: CliContext,
): Promise<number> {
  let json = false;
  try {
    const parsed = parseCommandArgs(args, RESPONSES_OPTIONS);
    json = parsed.values.json === true;
    if (parsed.values.help === true) {
      await context.stdout.write(responsesHelp(await listScenarios()));
      return EXIT_OK;
    }
    const settings = await resolveSettings(parsed.values, parsed.positionals, context);
    return await stream(settings, context);
  } catch (error) {
    const palette = createPalette(colorEnabled(context.stderr, context.env));
    if (error instanceof UsageError) {
      await context.stderr.write(
        `${palette.red("error:")} ${error.message}\n${palette.dim("hint:")} ${USAGE_HINT}\n`,
      );
      return EXIT_USAGE;
    }
    // A failure before the stream started (a broken scenario file, no port for the mock
    // server): reported like a stream failure.
    if (json) {
      await context.stdout.write(`${JSON.stringify(errorLine(error))}\n`);
    } else {
      await context.stderr.write(`${palette.red("error:")} ${errorLine(error).message}\n`);
    }
    return EXIT_FAILURE;
  }
}

async function stream(settings: ResponsesSettings, context: CliContext): Promise<number> {
  const palette = createPalette(colorEnabled(context.stderr, context.env));
  const { offline } = settings;
  await using server = offline === undefined
    ? undefined
    : await startOfflineServer(offline.scenario, { websocket: settings.transport !== "sse" });
  const chatgpt = settings.online?.chatgpt;
  const baseUrl = server?.url ?? settings.online?.baseUrl ??
    (chatgpt === undefined ? DEFAULT_BASE_URL : CHATGPT_BASE_URL);
  if (offline !== undefined) {
    await context.stderr.write(
      `${
        palette.dim(
          `codexwire: ${offline.reason}; replaying the bundled offline scenario "${offline.scenario.name}" from ${
            server?.source === "tape" ? "its recorded tape" : "a local mock server"
          } (the prompt is sent to it, but the answer is scripted)`,
        )
      }\n`,
    );
  }
  const renderer: ResponseRenderer = settings.json
    ? new JsonLinesRenderer(context.stdout)
    : new HumanRenderer({
      stdout: context.stdout,
      stderr: context.stderr,
      palette,
      requestedModel: settings.request.model,
      baseUrl: redactUrl(baseUrl),
    });
  await using client = new ResponsesClient({
    baseUrl,
    ...(chatgpt !== undefined
      ? { auth: { chatgpt } }
      : settings.online?.apiKey === undefined
      ? {}
      : { apiKey: settings.online.apiKey }),
    transport: settings.transport,
    ...(settings.compression === undefined ? {} : { compression: settings.compression }),
    idleTimeoutMs: settings.idleTimeoutMs,
    headersTimeoutMs: settings.headersTimeoutMs,
    retry: { maxRetries: settings.retries },
  });
  try {
    for await (const event of client.stream(settings.request, { signal: context.signal })) {
      await renderer.event(event);
    }
    await renderer.finish();
    return EXIT_OK;
  } catch (error) {
    // The reader of stdout went away (`| head`): there is nobody left to tell.
    if (error instanceof Deno.errors.BrokenPipe) return EXIT_FAILURE;
    try {
      await renderer.fail(error);
    } catch (writeError) {
      // The output itself is broken (a closed pipe): say so where it can still be read.
      await context.stderr.write(
        `error: ${
          error instanceof Error ? error.message : String(error)
        } (and it could not be written: ${
          writeError instanceof Error ? writeError.message : String(writeError)
        })\n`,
      );
    }
    return context.signal?.aborted === true ? EXIT_INTERRUPTED : EXIT_FAILURE;
  }
}

async function resolveSettings(
  values: Record<string, string | boolean | undefined>,
  positionals: readonly string[],
  context: CliContext,
): Promise<ResponsesSettings> {
  const string = (name: string): string | undefined => values[name] as string | undefined;

  const transport = string("transport") ?? "sse";
  if (transport !== "sse" && transport !== "websocket" && transport !== "auto") {
    throw new UsageError(
      `Unknown transport "${transport}": use --transport sse, websocket or auto`,
    );
  }

  const compress = string("compress");
  if (
    compress !== undefined && compress !== "none" && compress !== "zstd" && compress !== "auto"
  ) {
    throw new UsageError(`Unknown compression "${compress}": use --compress none, zstd or auto`);
  }

  const idleTimeoutMs = parsePositiveInteger(
    string("idle-timeout-ms"),
    "--idle-timeout-ms",
    DEFAULT_IDLE_TIMEOUT_MS,
  );
  const headersTimeoutMs = parsePositiveInteger(
    string("headers-timeout-ms"),
    "--headers-timeout-ms",
    DEFAULT_HEADERS_TIMEOUT_MS,
  );
  const retries = parseRetries(string("retries"));
  const reasoning = resolveReasoning(string("reasoning-effort"), string("reasoning-summary"));
  const model = nonEmpty(string("model"), "--model") ?? DEFAULT_MODEL;
  const instructions = string("instructions");

  const baseUrlFlag = checkBaseUrl(string("base-url"), "--base-url");
  const baseUrlEnv = checkBaseUrl(
    blankToUndefined(context.env("OPENAI_BASE_URL")),
    "OPENAI_BASE_URL",
  );
  const apiKey = blankToUndefined(context.env("OPENAI_API_KEY"));
  const accessToken = nonEmpty(string("chatgpt-access-token"), "--chatgpt-access-token") ??
    blankToUndefined(context.env("CHATGPT_ACCESS_TOKEN"));
  const accountIdFlag = nonEmpty(string("chatgpt-account-id"), "--chatgpt-account-id");
  if (accountIdFlag !== undefined && accessToken === undefined) {
    throw new UsageError(
      "--chatgpt-account-id needs a ChatGPT access token: pass --chatgpt-access-token or set CHATGPT_ACCESS_TOKEN",
    );
  }
  const accountId = accountIdFlag ?? blankToUndefined(context.env("CHATGPT_ACCOUNT_ID"));
  const chatgpt = accessToken === undefined
    ? undefined
    : { accessToken, ...(accountId === undefined ? {} : { accountId }) };
  const scenarioFlag = string("scenario");
  if (scenarioFlag !== undefined && baseUrlFlag !== undefined) {
    throw new UsageError(
      "--scenario replays the offline demo and cannot be used with --base-url: leave one of them out",
    );
  }

  let offline: ResponsesSettings["offline"];
  let online: ResponsesSettings["online"];
  if (
    scenarioFlag !== undefined ||
    (apiKey === undefined && chatgpt === undefined && (baseUrlFlag ?? baseUrlEnv) === undefined)
  ) {
    const name = scenarioFlag ?? DEFAULT_SCENARIO;
    const scenario = await loadScenario(name);
    if (scenario === undefined) {
      const names = await listScenarios();
      throw new UsageError(
        `Unknown scenario "${name}": choose one of ${
          names.length === 0 ? "(none found)" : names.join(", ")
        }`,
      );
    }
    offline = {
      scenario,
      reason: scenarioFlag === undefined
        ? "no OPENAI_API_KEY or --base-url"
        : apiKey === undefined && baseUrlEnv === undefined
        ? "--scenario given"
        : "--scenario given, so OPENAI_API_KEY and OPENAI_BASE_URL are not used",
    };
  } else {
    online = { baseUrl: baseUrlFlag ?? baseUrlEnv, apiKey, chatgpt };
  }

  const prompt = await resolvePrompt(positionals, context);
  const request: ResponsesRequest = { model, input: prompt, reasoning };
  if (instructions !== undefined && instructions !== "") request.instructions = instructions;
  return {
    request,
    json: values.json === true,
    idleTimeoutMs,
    headersTimeoutMs,
    retries,
    compression: compress,
    transport,
    online,
    offline,
  };
}

function resolveReasoning(
  effort: string | undefined,
  summary: string | undefined,
): ReasoningOptions | null {
  checkChoice(effort, "--reasoning-effort", REASONING_EFFORTS);
  checkChoice(summary, "--reasoning-summary", REASONING_SUMMARIES);
  if (effort === "off") {
    if (summary !== undefined) {
      throw new UsageError(
        "--reasoning-summary has no effect with --reasoning-effort off: leave one of them out",
      );
    }
    return null;
  }
  return {
    effort: nonEmpty(effort, "--reasoning-effort") ?? DEFAULT_REASONING_EFFORT,
    summary: nonEmpty(summary, "--reasoning-summary") ?? DEFAULT_REASONING_SUMMARY,
  };
}

async function resolvePrompt(positionals: readonly string[], context: CliContext): Promise<string> {
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one PROMPT but got ${positionals.length} arguments: quote the prompt, as in responses "Say hello"`,
    );
  }
  const given = positionals[0];
  if (given !== undefined && given !== "-") {
    if (given.trim() === "") throw new UsageError("The prompt is empty: pass some text");
    return given;
  }
  if (context.stdin.isTerminal) {
    throw new UsageError("Missing PROMPT: pass it as an argument, or pipe it on stdin");
  }
  const text = (await context.stdin.readText()).trim();
  if (text === "") {
    throw new UsageError("The prompt read from stdin is empty: pipe some text, or pass PROMPT");
  }
  return text;
}

function checkChoice(value: string | undefined, flag: string, allowed: readonly string[]): void {
  if (value === undefined || allowed.includes(value)) return;
  throw new UsageError(
    `${flag} must be one of ${allowed.join(", ")}, got "${value}"`,
  );
}

function parseRetries(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RETRIES;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new UsageError(`--retries must be a whole number of 0 or more, got "${value}"`);
  }
  return number;
}

function parsePositiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number <= 0) {
    throw new UsageError(`${flag} must be a positive whole number of milliseconds, got "${value}"`);
  }
  if (number > MAX_TIMER_MS) {
    throw new UsageError(`${flag} must be at most ${MAX_TIMER_MS} milliseconds, got "${value}"`);
  }
  return number;
}

function checkBaseUrl(value: string | undefined, source: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${source} is not a URL: "${redactUrl(value)}"; use one such as https://api.openai.com/v1`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${source} must be an http or https URL, got "${value}"`);
  }
  return value;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && value.trim() === "") {
    throw new UsageError(`${flag} needs a value that is not empty`);
  }
  return value;
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
