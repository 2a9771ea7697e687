/**
 * What the commands share: reporting usage errors and failures, log lines that follow
 * `--json`, and (for the serving commands) waiting until the user interrupts.
 *
 * @module
 */

import { UsageError } from "./args.ts";
import { type CliContext, EXIT_FAILURE, EXIT_USAGE } from "./cli_context.ts";
import { colorEnabled, createPalette } from "./output.ts";
import { errorLine } from "./response_renderer.ts";
import { MIN_SECRET_LENGTH } from "../tape/redaction.ts";
import { TapeRecorder } from "../tape/tape_recorder.ts";

/**
 * Reports an error: a usage error with a hint (exit 2), anything else as an error line
 * (a JSON line with `--json`, exit 1).
 *
 * @param error What went wrong.
 * @param command The command name, for the hint.
 * @param json Whether `--json` was given.
 * @param context The process I/O.
 * @returns The exit status.
 */
export async function reportFailure(
  error: unknown,
  command: string,
  json: boolean,
  context: CliContext,
): Promise<number> {
  const palette = createPalette(colorEnabled(context.stderr, context.env));
  if (error instanceof UsageError) {
    await context.stderr.write(
      `${palette.red("error:")} ${error.message}\n${
        palette.dim("hint:")
      } see "${command} --help" for the options\n`,
    );
    return EXIT_USAGE;
  }
  if (json) await context.stdout.write(`${JSON.stringify(errorLine(error))}\n`);
  else await context.stderr.write(`${palette.red("error:")} ${errorLine(error).message}\n`);
  return EXIT_FAILURE;
}

/**
 * A writer of log lines: a `{"type":"log","message":…}` JSON line on stdout with `--json`,
 * else the plain line on stderr.
 *
 * @param json Whether `--json` was given.
 * @param context The process I/O.
 * @returns The writer.
 */
export function logLineWriter(json: boolean, context: CliContext): (line: string) => Promise<void> {
  return (line) =>
    json
      ? context.stdout.write(`${JSON.stringify({ type: "log", message: line })}\n`)
      : context.stderr.write(`${line}\n`);
}

/**
 * Waits until the user interrupts (the context's signal fires).
 *
 * @param context The process I/O.
 * @returns A promise that settles on the interrupt.
 */
export function untilInterrupted(context: CliContext): Promise<void> {
  const signal = context.signal;
  if (signal === undefined) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

/**
 * The whole number a flag's text holds: digits only (blanks around them allowed), within
 * the safe integers.
 *
 * @param value The flag's text.
 * @returns The number, or `undefined` when the text is not one.
 */
export function wholeNumberOf(value: string): number | undefined {
  const text = value.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : undefined;
}

/**
 * Reads a port number option.
 *
 * @param value The option's text.
 * @returns The port (0 when not given).
 * @throws {UsageError} If it is not a port number.
 */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = value.trim() === value ? wholeNumberOf(value) : undefined;
  if (port === undefined || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  }
  return port;
}

/**
 * Reads a comma-separated list option.
 *
 * @param value The option's text.
 * @returns The items, trimmed, empty ones left out.
 */
export function parseList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter((item) => item !== "");
}

/**
 * Checks a `--record` value: the path of a tape file to write.
 *
 * @param path The flag's value, if given.
 * @param example A file name for the message.
 * @returns The path, if given.
 * @throws {UsageError} When it is empty or `-`.
 */
export function parseRecordPath(path: string | undefined, example: string): string | undefined {
  if (path === "" || path === "-") {
    throw new UsageError(`--record takes the path of a tape file to write, such as ${example}`);
  }
  return path;
}

/**
 * Opens the tape `--record` asked for, if any. The credentials given are kept out of it;
 * values too short to be secrets are skipped.
 *
 * @param path The tape's path, if `--record` was given.
 * @param tool The tool named in the tape.
 * @param credentials The credentials in use.
 * @returns The recorder, or `undefined`.
 */
export async function openRecorder(
  path: string | undefined,
  tool: string,
  credentials: readonly (string | undefined)[],
): Promise<TapeRecorder | undefined> {
  if (path === undefined) return undefined;
  const secrets = credentials.filter((value): value is string =>
    value !== undefined && value.length >= MIN_SECRET_LENGTH
  );
  return await TapeRecorder.create(path, { tool, secrets });
}
