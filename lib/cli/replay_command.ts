/**
 * The `replay` command: serves a tape on 127.0.0.1 so any client can run against it.
 *
 * @module
 */

import { parseChunking } from "../tape/pacing.ts";
import { parseFault } from "../tape/replay_fault.ts";
import { startReplayServer } from "../tape/replay_server.ts";
import { formatOptionsHelp, type OptionSpec, parseCommandArgs, UsageError } from "./args.ts";
import { type CliContext, EXIT_OK } from "./cli_context.ts";
import { logLineWriter, parsePort, reportFailure, untilInterrupted } from "./_command_support.ts";

/** The options of `replay`, in help order. */
export const REPLAY_OPTIONS: readonly OptionSpec[] = [
  {
    name: "port",
    type: "string",
    valueName: "N",
    description: "The port on 127.0.0.1",
    defaultText: "a free one",
  },
  {
    name: "speed",
    type: "string",
    valueName: "X",
    description: "0 sends at once, 1 keeps the recorded timing, N is N times faster",
    defaultText: "0",
  },
  {
    name: "chunking",
    type: "string",
    valueName: "MODE",
    description: "recorded, bytewise, coalesce or random:SEED",
    defaultText: "recorded",
  },
  {
    name: "fault",
    type: "string",
    valueName: "SPEC",
    description:
      "Faults, separated by ';': drop-after:N, ws-close:CODE[@N], delay:INDEX:MS, 429[:SECONDS], 5xx, error-frame[@N], refuse-upgrade; each may end with ,times=N",
  },
  {
    name: "match-body",
    type: "boolean",
    description: "Match requests by body too (volatile Codex ids normalised)",
    defaultText: "off",
  },
  {
    name: "base-url",
    type: "string",
    valueName: "URL",
    description: "Not used: a replay serves its own address (accepted for symmetry)",
  },
  {
    name: "json",
    type: "boolean",
    description: "Print the address and the log as JSON lines",
    defaultText: "off",
  },
  { name: "help", short: "h", type: "boolean", description: "Show this help" },
];

function replayHelp(): string {
  return `Serve a tape on 127.0.0.1 so any client can run against the recording.

Usage: codexwire replay TAPE [--port N] [--speed 0|1|N] [--chunking MODE] [--fault SPEC]

Options:
${formatOptionsHelp(REPLAY_OPTIONS)}

Requests match by method and path, then by order; with --match-body also by body.
A request with no recording gets a 404 JSON error naming the closest one.
OPENAI_API_KEY and OPENAI_BASE_URL are not used: clients may send any key.

Example:
  codexwire replay session.jsonl --port 8080 --speed 1 --fault "429:2,times=1"
`;
}

/**
 * Runs `replay` with the arguments after the command name, until interrupted.
 *
 * @param args The arguments.
 * @param context The process I/O.
 * @returns The exit status: 0 after an interrupt, 1 failed, 2 bad usage.
 *
 * @example Usage
 * ```ts ignore
 * import { runReplayCommand } from "./replay_command.ts";
 * import { denoCliContext } from "./cli_context.ts";
 *
 * await runReplayCommand(["fixtures/tapes/hello.jsonl", "--port", "8080"], denoCliContext());
 * ```
 */
export async function runReplayCommand(
  args: readonly string[],
  context: CliContext,
): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseCommandArgs(args, REPLAY_OPTIONS);
    json = values.json === true;
    if (values.help === true) {
      await context.stdout.write(replayHelp());
      return EXIT_OK;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? "Missing TAPE: pass the tape file to serve"
          : `Expected one TAPE but got ${positionals.length} arguments`,
      );
    }
    const speedText = (values.speed as string | undefined) ?? "0";
    const speed = Number(speedText);
    if (!/^\d+(\.\d+)?$/.test(speedText) || !Number.isFinite(speed)) {
      throw new UsageError(
        `--speed must be 0, 1 or another number of 0 or more, got "${speedText}"`,
      );
    }
    let chunking;
    let faults;
    try {
      chunking = parseChunking((values.chunking as string | undefined) ?? "recorded");
      faults = ((values.fault as string | undefined) ?? "").split(";")
        .filter((spec) => spec.trim() !== "").map(parseFault);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const log = logLineWriter(json, context);
    await using server = await startReplayServer(positionals[0], {
      port: parsePort(values.port as string | undefined),
      speed,
      chunking,
      faults,
      matchBody: values["match-body"] === true,
      log: (line) => void log(line),
    });
    if (json) {
      await context.stdout.write(
        `${
          JSON.stringify({
            type: "listening",
            url: server.url,
            baseUrl: server.baseUrl,
            tape: server.tape.name,
            connections: server.tape.interactions.length,
          })
        }\n`,
      );
    } else {
      await context.stdout.write(`${server.baseUrl}\n`);
      await context.stderr.write(
        `codexwire replay: serving ${server.tape.interactions.length} recorded connection(s) of ${server.tape.name} at ${server.baseUrl} (Ctrl-C to stop)\n`,
      );
    }
    await untilInterrupted(context);
    return EXIT_OK;
  } catch (error) {
    return await reportFailure(error, "replay", json, context);
  }
}
