/**
 * The `capture` command: a recording proxy for any client, writing a tape with secrets
 * kept out.
 *
 * @module
 */

import { startCaptureProxy } from "../tape/capture_proxy.ts";
import { formatOptionsHelp, type OptionSpec, parseCommandArgs, UsageError } from "./args.ts";
import { type CliContext, EXIT_OK } from "./cli_context.ts";
import {
  logLineWriter,
  parseList,
  parsePort,
  reportFailure,
  untilInterrupted,
  wholeNumberOf,
} from "./_command_support.ts";

const DEFAULT_UPSTREAM = "https://api.openai.com/v1";

/** The options of `capture`, in help order. */
export const CAPTURE_OPTIONS: readonly OptionSpec[] = [
  {
    name: "upstream",
    type: "string",
    valueName: "URL",
    description: "The server to forward to (request paths are kept)",
    defaultText: `--base-url, else $OPENAI_BASE_URL, else ${DEFAULT_UPSTREAM}`,
  },
  { name: "base-url", type: "string", valueName: "URL", description: "Same as --upstream" },
  { name: "out", type: "string", valueName: "TAPE", description: "The tape file to write" },
  {
    name: "port",
    type: "string",
    valueName: "N",
    description: "The port on 127.0.0.1",
    defaultText: "a free one",
  },
  {
    name: "max-request-body-bytes",
    type: "string",
    valueName: "N",
    description: "The largest request body accepted, as sent and once decoded (413 past it)",
    defaultText: "67108864 (64 MiB)",
  },
  {
    name: "redact-header",
    type: "string",
    valueName: "NAMES",
    description: "More headers to redact, comma-separated (identity headers)",
  },
  {
    name: "secret-env",
    type: "string",
    valueName: "NAMES",
    description: "More environment variables whose values are secrets, comma-separated",
  },
  {
    name: "json",
    type: "boolean",
    description: "Print the proxy's address and its log as JSON lines",
    defaultText: "off",
  },
  { name: "help", short: "h", type: "boolean", description: "Show this help" },
];

function captureHelp(): string {
  return `Record any client's traffic to a tape: a proxy on 127.0.0.1 that forwards HTTP
(server-sent events passed on as they arrive) and WebSocket to the upstream.

Usage: codexwire capture --out TAPE [--upstream URL] [--port N]

Options:
${formatOptionsHelp(CAPTURE_OPTIONS)}

Secrets never reach the tape: Authorization, api-key, chatgpt-account-id and cookie
headers, API keys in query strings and in the openai-insecure-api-key WebSocket
subprotocol, and any value equal to $OPENAI_API_KEY (or --secret-env variables).

Environment:
  OPENAI_API_KEY   Redacted wherever it appears
  OPENAI_BASE_URL  The upstream, when --upstream and --base-url are not given

Stop it with Ctrl-C; the tape is complete up to its last line at any moment.

Example:
  codexwire capture --upstream https://api.openai.com/v1 --out session.jsonl --port 8080
  OPENAI_BASE_URL=http://127.0.0.1:8080/v1 codex exec "hi"
`;
}

function parseMaxRequestBodyBytes(value: string | undefined): { maxRequestBodyBytes?: number } {
  if (value === undefined) return {};
  const bytes = wholeNumberOf(value);
  if (bytes === undefined || bytes <= 0) {
    throw new UsageError(
      `--max-request-body-bytes must be a positive whole number of bytes, got "${value}"`,
    );
  }
  return { maxRequestBodyBytes: bytes };
}

/**
 * Runs `capture` with the arguments after the command name, until interrupted.
 *
 * @param args The arguments.
 * @param context The process I/O.
 * @returns The exit status: 0 after an interrupt, 1 failed, 2 bad usage.
 *
 * @example Usage
 * ```ts ignore
 * import { runCaptureCommand } from "./capture_command.ts";
 * import { denoCliContext } from "./cli_context.ts";
 *
 * await runCaptureCommand(["--out", "t.jsonl", "--upstream", "http://127.0.0.1:9/v1"], denoCliContext());
 * ```
 */
export async function runCaptureCommand(
  args: readonly string[],
  context: CliContext,
): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseCommandArgs(args, CAPTURE_OPTIONS);
    json = values.json === true;
    if (values.help === true) {
      await context.stdout.write(captureHelp());
      return EXIT_OK;
    }
    if (positionals.length > 0) {
      throw new UsageError(`Unexpected argument "${positionals[0]}": capture takes only options`);
    }
    const out = values.out as string | undefined;
    if (out === undefined || out === "") throw new UsageError("Missing --out TAPE");
    const upstream = (values.upstream ?? values["base-url"] ?? context.env("OPENAI_BASE_URL") ??
      DEFAULT_UPSTREAM) as string;
    try {
      new URL(upstream);
    } catch {
      throw new UsageError(`--upstream is not a URL: "${upstream}"`);
    }
    const log = logLineWriter(json, context);
    await using proxy = await startCaptureProxy({
      upstream,
      out,
      port: parsePort(values.port as string | undefined),
      ...parseMaxRequestBodyBytes(values["max-request-body-bytes"] as string | undefined),
      headers: parseList(values["redact-header"] as string | undefined),
      secretEnv: parseList(values["secret-env"] as string | undefined),
      env: (name) => context.env(name),
      log: (line) => void log(line),
    });
    if (json) {
      await context.stdout.write(
        `${
          JSON.stringify({
            type: "listening",
            url: proxy.url,
            baseUrl: proxy.baseUrl,
            upstream,
            tape: out,
          })
        }\n`,
      );
    } else {
      await context.stderr.write(
        `codexwire capture: recording ${upstream} to ${out}; point clients at ${proxy.baseUrl} (Ctrl-C to stop)\n`,
      );
    }
    await untilInterrupted(context);
    return EXIT_OK;
  } catch (error) {
    return await reportFailure(error, "capture", json, context);
  }
}
