/**
 * The `inspect` command: the timeline of a tape, per connection.
 *
 * @module
 */

import { type ConnectionReport, inspectTape } from "../tape/inspect_tape.ts";
import { Tape } from "../tape/tape.ts";
import type { RateLimitSnapshot } from "../ratelimits/rate_limit_snapshot.ts";
import { formatOptionsHelp, type OptionSpec, parseCommandArgs, UsageError } from "./args.ts";
import { type CliContext, EXIT_OK } from "./cli_context.ts";
import { colorEnabled, createPalette, type Palette } from "./output.ts";
import { reportFailure } from "./_command_support.ts";

/** The options of `inspect`, in help order. */
export const INSPECT_OPTIONS: readonly OptionSpec[] = [
  {
    name: "json",
    type: "boolean",
    description: "Print one JSON object for the tape, then one per connection",
    defaultText: "off",
  },
  {
    name: "base-url",
    type: "string",
    valueName: "URL",
    description: "Not used: inspect reads a file (accepted for symmetry)",
  },
  { name: "help", short: "h", type: "boolean", description: "Show this help" },
];

function inspectHelp(): string {
  return `Show the timeline of a tape: per connection, the time to first byte and first
event, the largest gap, events by type, rate limits, errors, and events the wire
schemas do not know (drift).

Usage: codexwire inspect TAPE [--json]

Options:
${formatOptionsHelp(INSPECT_OPTIONS)}

OPENAI_API_KEY and OPENAI_BASE_URL are not used.
`;
}

/**
 * Runs `inspect` with the arguments after the command name.
 *
 * @param args The arguments.
 * @param context The process I/O.
 * @returns The exit status: 0 done, 1 the tape is bad, 2 bad usage.
 *
 * @example Usage
 * ```ts ignore
 * import { runInspectCommand } from "./inspect_command.ts";
 * import { denoCliContext } from "./cli_context.ts";
 *
 * await runInspectCommand(["fixtures/tapes/hello.jsonl"], denoCliContext());
 * ```
 */
export async function runInspectCommand(
  args: readonly string[],
  context: CliContext,
): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseCommandArgs(args, INSPECT_OPTIONS);
    json = values.json === true;
    if (values.help === true) {
      await context.stdout.write(inspectHelp());
      return EXIT_OK;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? "Missing TAPE: pass the tape file to inspect"
          : `Expected one TAPE but got ${positionals.length} arguments`,
      );
    }
    const report = inspectTape(await Tape.read(positionals[0]));
    if (json) {
      const { connections, ...tape } = report;
      const lines = [{ type: "tape", ...tape, connections: connections.length }];
      for (const connection of connections) {
        lines.push({ type: "connection", ...connection } as never);
      }
      await context.stdout.write(lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
      return EXIT_OK;
    }
    const palette = createPalette(colorEnabled(context.stdout, context.env));
    let text = `${
      palette.bold(report.tape)
    }  recorded ${report.created}, ${report.connections.length} connection(s)${
      report.truncated ? ", last line cut short" : ""
    }\n`;
    for (const connection of report.connections) text += formatConnection(connection, palette);
    await context.stdout.write(text);
    return EXIT_OK;
  } catch (error) {
    return await reportFailure(error, "inspect", json, context);
  }
}

function formatConnection(report: ConnectionReport, palette: Palette): string {
  const ms = (value: number | undefined) => value === undefined ? "–" : `${value.toFixed(1)} ms`;
  const lines = [
    `\n${palette.bold(report.conn)}  ${report.request}${
      report.status === undefined ? "" : ` → ${report.status}`
    }  (${report.ending})`,
    `  first byte ${ms(report.timeToFirstByteMs)}, first event ${
      ms(report.timeToFirstEventMs)
    }, largest gap ${ms(report.largestGapMs)}, total ${ms(report.durationMs)}`,
    `  ${report.events} event(s)${report.events === 0 ? "" : ":"}`,
  ];
  const types = Object.entries(report.eventsByType).sort((a, b) => b[1] - a[1]);
  for (const [type, count] of types) lines.push(`    ${String(count).padStart(5)}  ${type}`);
  for (const snapshot of report.rateLimits) lines.push(`  rate limits: ${formatLimits(snapshot)}`);
  for (const error of report.errors) lines.push(`  ${palette.red("error:")} ${error}`);
  for (const drift of report.drift) {
    lines.push(`  ${palette.yellow("drift:")} ${drift.type} ×${drift.count} (${drift.reason})`);
  }
  return `${lines.join("\n")}\n`;
}

function formatLimits(snapshot: RateLimitSnapshot): string {
  const windows = [snapshot.primary, snapshot.secondary]
    .filter((window) => window !== null)
    .map((window) =>
      `${window!.usedPercent}% used${
        window!.windowMinutes === null ? "" : ` of ${window!.windowMinutes} min`
      }`
    );
  return `${snapshot.limitId}${windows.length === 0 ? "" : ` ${windows.join(", ")}`}`;
}
