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
import { parseCommandArgs, UsageError } from "./args.ts";
import { type CliContext, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from "./cli_context.ts";
import { HumanRenderer } from "./human_renderer.ts";
import { colorEnabled, createPalette } from "./output.ts";
import { JsonLinesRenderer, type ResponseRenderer } from "./response_renderer.ts";
import { openRecorder, parseRecordPath, reportFailure, wholeNumberOf } from "./_command_support.ts";
import {
  DEFAULT_BASE_URL,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MODEL,
  DEFAULT_REASONING_EFFORT,
  DEFAULT_REASONING_SUMMARY,
  DEFAULT_RETRIES,
  DEFAULT_SCENARIO,
  REASONING_EFFORTS,
  REASONING_SUMMARIES,
  RESPONSES_OPTIONS,
  responsesHelp,
} from "./responses_help.ts";
import { listScenarios, loadScenario, type Scenario } from "./scenarios.ts";
import { startOfflineServer } from "./offline_server.ts";

/** The checked settings of one run. */
interface ResponsesSettings {
  request: ResponsesRequest;
  json: boolean;
  idleTimeoutMs: number;
  retries: number;
  headersTimeoutMs: number;
  /** The tape to record the exchange to. */
  record: string | undefined;
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
    // A failure before the stream started (a broken scenario file, no port for the mock
    // server) is reported like a stream failure.
    return await reportFailure(error, "responses", json, context);
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
  await using recorder = await openRecorder(settings.record, "codexwire responses", [
    chatgpt?.accessToken,
    settings.online?.apiKey,
  ]);
  await using client = new ResponsesClient({
    baseUrl,
    ...(recorder === undefined ? {} : { record: recorder }),
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
    record: parseRecordPath(values.record as string | undefined, "turn.jsonl"),
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
  const number = wholeNumberOf(value);
  if (number === undefined) {
    throw new UsageError(`--retries must be a whole number of 0 or more, got "${value}"`);
  }
  return number;
}

function parsePositiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = wholeNumberOf(value);
  if (number === undefined || number <= 0) {
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
