/**
 * The codexwire command line: `deno run -A cli.ts <COMMAND> [OPTIONS]`.
 *
 * This file only dispatches; each command lives in `lib/cli/`. Run `cli.ts --help` for the
 * commands and `cli.ts <COMMAND> --help` for a command's options.
 *
 * @example Streaming one response (the offline demo without OPENAI_API_KEY)
 * ```sh
 * deno run -A cli.ts responses "Say hello"
 * deno run -A cli.ts responses --json "Say hello"
 * ```
 *
 * @module
 */

// Only light modules load up front: each command is imported when it runs, and its
// `--help` comes from a help module that loads none of the client (bench/cli_startup.ts).
import { type CliContext, denoCliContext, EXIT_OK, EXIT_USAGE } from "./lib/cli/cli_context.ts";
import { colorEnabled, createPalette } from "./lib/cli/output.ts";
import { VERSION } from "./lib/version.ts";

/** A subcommand: what the top-level help says about it, and how to run it. */
interface Command {
  usage: string;
  summary: string;
  /** The command's help text, for `<COMMAND> --help`, from a light module. */
  help?: () => Promise<string>;
  run(args: readonly string[], context: CliContext): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  responses: {
    usage: "responses [PROMPT]",
    summary: "Stream one response (a bundled offline demo when there is no API key or base URL)",
    help: async () => (await import("./lib/cli/responses_help.ts")).responsesHelpText(),
    run: async (args, context) =>
      (await import("./lib/cli/responses_command.ts")).runResponsesCommand(args, context),
  },
  realtime: {
    usage: "realtime",
    summary:
      "Hold a realtime conversation, text or audio (an offline demo without a key or base URL)",
    help: async () => (await import("./lib/cli/realtime_help.ts")).realtimeHelp(),
    run: async (args, context) =>
      (await import("./lib/cli/realtime_command.ts")).runRealtimeCommand(args, context),
  },
  capture: {
    usage: "capture --out TAPE [--upstream URL]",
    summary: "Record any client's HTTP and WebSocket traffic to a tape, secrets kept out",
    run: async (args, context) =>
      (await import("./lib/cli/capture_command.ts")).runCaptureCommand(args, context),
  },
  replay: {
    usage: "replay TAPE",
    summary: "Serve a tape on 127.0.0.1 so any client can run against the recording",
    run: async (args, context) =>
      (await import("./lib/cli/replay_command.ts")).runReplayCommand(args, context),
  },
  inspect: {
    usage: "inspect TAPE",
    summary: "Show a tape's timeline: first byte, gaps, events, rate limits, errors, drift",
    run: async (args, context) =>
      (await import("./lib/cli/inspect_command.ts")).runInspectCommand(args, context),
  },
};

const HELP_FLAGS: ReadonlySet<string> = new Set(["-h", "--help"]);

function topLevelHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((command) => command.usage.length));
  const commands = Object.values(COMMANDS)
    .map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`)
    .join("\n");
  return `codexwire ${VERSION}: the Codex client's wire protocols (Responses, Realtime) and tapes from the command line.

Usage: codexwire <COMMAND> [OPTIONS]
       deno run -A cli.ts <COMMAND> [OPTIONS]

Commands:
${commands}

Options:
  -h, --help  Show this help
  --version   Print the version (anywhere on the command line)

Run "codexwire help <COMMAND>" or "<COMMAND> --help" for a command's options.
`;
}

/**
 * Runs the CLI: dispatches to a command, or answers `--help` / `--version`.
 *
 * @param args The command line after the program, such as `["responses", "hi"]`.
 * @param context The process I/O.
 * @returns The exit status: 0 done, 1 failed, 2 bad usage, 130 interrupted.
 *
 * @example Usage
 * ```ts ignore
 * import { main } from "./cli.ts";
 * import { denoCliContext } from "./lib/cli/cli_context.ts";
 *
 * Deno.exit(await main(["--version"], denoCliContext()));
 * ```
 */
export async function main(args: readonly string[], context: CliContext): Promise<number> {
  // `--version` wins anywhere on the line (up to a `--`); no arguments at all is a request
  // for help.
  const endOfOptions = args.indexOf("--");
  if ((endOfOptions === -1 ? args : args.slice(0, endOfOptions)).includes("--version")) {
    await context.stdout.write(`codexwire ${VERSION}\n`);
    return EXIT_OK;
  }
  if (args.length === 0) {
    await context.stdout.write(topLevelHelp());
    return EXIT_OK;
  }
  // Top-level options come before the command; the rest belongs to the command.
  const commandIndex = args.findIndex((arg) => !arg.startsWith("-"));
  const head = commandIndex === -1 ? args : args.slice(0, commandIndex);
  // `--help` alone (for the CLI or a command) is answered without loading the parser or
  // the command; any other command line takes the full path below.
  if (head.length > 0 && commandIndex === -1 && head.every((arg) => HELP_FLAGS.has(arg))) {
    await context.stdout.write(topLevelHelp());
    return EXIT_OK;
  }
  const name = args[commandIndex];
  const rest = args.slice(commandIndex + 1);
  const help = commandIndex === 0 && Object.hasOwn(COMMANDS, name)
    ? COMMANDS[name].help
    : undefined;
  if (help !== undefined && rest.length > 0 && rest.every((arg) => HELP_FLAGS.has(arg))) {
    await context.stdout.write(await help());
    return EXIT_OK;
  }
  const { parseCommandArgs, UsageError } = await import("./lib/cli/args.ts");
  try {
    const { values } = parseCommandArgs(head, [
      { name: "help", short: "h", type: "boolean", description: "Show this help" },
      { name: "version", type: "boolean", description: "Print the version" },
    ]);
    if (values.help === true) {
      await context.stdout.write(topLevelHelp());
      return EXIT_OK;
    }
    if (commandIndex === -1) {
      throw new UsageError(`Missing COMMAND: choose one of ${Object.keys(COMMANDS).join(", ")}`);
    }
    const commandNamed = (wanted: string): Command => {
      if (Object.hasOwn(COMMANDS, wanted)) return COMMANDS[wanted];
      throw new UsageError(
        `Unknown command "${wanted}": choose one of ${Object.keys(COMMANDS).join(", ")}`,
      );
    };
    if (name === "help") {
      // `help` alone is the top-level help; `help COMMAND` is `COMMAND --help`.
      if (rest.length === 0) {
        await context.stdout.write(topLevelHelp());
        return EXIT_OK;
      }
      if (rest.length > 1) {
        throw new UsageError(`"help" takes one COMMAND, got ${rest.length}: write help ${rest[0]}`);
      }
      const target = commandNamed(rest[0]);
      if (target.help === undefined) return await target.run(["--help"], context);
      await context.stdout.write(await target.help());
      return EXIT_OK;
    }
    const command = commandNamed(name);
    return await command.run(rest, context);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const palette = createPalette(colorEnabled(context.stderr, context.env));
    await context.stderr.write(
      `${palette.red("error:")} ${error.message}\n${
        palette.dim("hint:")
      } see "--help" for the commands\n`,
    );
    return EXIT_USAGE;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, denoCliContext()));
}
