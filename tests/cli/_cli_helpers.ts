/**
 * Helpers for the CLI tests: the real CLI as a subprocess, and an in-memory
 * {@linkcode CliContext} for running commands in-process.
 *
 * @module
 */

import type { CliContext } from "../../lib/cli/cli_context.ts";
import type { OutputStream } from "../../lib/cli/output.ts";

/** The repository root, where `cli.ts` lives. */
export const REPO_ROOT: string = new URL("../../", import.meta.url).pathname;

// The escape character is the point of these patterns.
/** Matches any escape sequence (colors, cursor moves, line clears). */
// deno-lint-ignore no-control-regex
export const ESCAPE_REGEXP: RegExp = /\x1b/;
/** Matches SGR (color and style) escape sequences. */
// deno-lint-ignore no-control-regex
export const SGR_REGEXP: RegExp = /\x1b\[[0-9;]*m/;

/** What a CLI subprocess did. */
export interface CliRun {
  /** The exit status. */
  code: number;
  /** Everything it wrote to stdout. */
  stdout: string;
  /** Everything it wrote to stderr. */
  stderr: string;
}

/** Options of {@linkcode runCliProcess}. */
export interface CliProcessOptions {
  /** Environment variables beside PATH, HOME and DENO_DIR (the rest is cleared). */
  env?: Record<string, string>;
  /** Text to pipe on stdin; stdin is empty (not a terminal) when unset. */
  stdin?: string;
}

/**
 * Runs `deno run -A cli.ts ...args` from the repository root with a cleared environment,
 * so a developer's OPENAI_API_KEY or NO_COLOR never leaks into a test.
 *
 * @param args The arguments after `cli.ts`.
 * @param options The environment and stdin.
 * @returns The exit status and the output.
 */
export async function runCliProcess(
  args: readonly string[],
  options: CliProcessOptions = {},
): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.env);
  const command = new Deno.Command(Deno.execPath(), {
    // --quiet keeps a cold module cache from adding "Download …" lines to stderr.
    args: ["run", "--quiet", "-A", "cli.ts", ...args],
    cwd: REPO_ROOT,
    env,
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** An output stream that keeps what is written. */
export interface MemoryOutput extends OutputStream {
  /** Everything written so far. */
  readonly text: string;
}

/**
 * Creates an in-memory output stream.
 *
 * @param isTerminal Whether it claims to be a terminal.
 * @param onWrite Called after each write, with the text written.
 * @returns The stream.
 */
export function memoryOutput(
  isTerminal = false,
  onWrite?: (text: string) => void,
): MemoryOutput {
  let text = "";
  return {
    isTerminal,
    get text(): string {
      return text;
    },
    write(chunk: string): Promise<void> {
      text += chunk;
      onWrite?.(chunk);
      return Promise.resolve();
    },
  };
}

/** Options of {@linkcode memoryContext}. */
export interface MemoryContextOptions {
  /** The whole environment. */
  env?: Record<string, string>;
  /** The stdin text; stdin is a terminal when unset. */
  stdin?: string;
  /** Whether stdout is a terminal. */
  stdoutIsTerminal?: boolean;
  /** Whether stderr is a terminal. */
  stderrIsTerminal?: boolean;
  /** The interrupt signal. */
  signal?: AbortSignal;
  /** Called after each stdout write. */
  onStdout?: (text: string) => void;
}

/** An in-memory context and its outputs. */
export interface MemoryContext {
  /** The context to pass to a command. */
  context: CliContext;
  /** What was written to stdout. */
  stdout: MemoryOutput;
  /** What was written to stderr. */
  stderr: MemoryOutput;
}

/**
 * Creates a {@linkcode CliContext} that writes to memory and reads a fixed environment.
 *
 * @param options The environment, stdin, terminals and signal.
 * @returns The context and its outputs.
 */
export function memoryContext(options: MemoryContextOptions = {}): MemoryContext {
  const stdout = memoryOutput(options.stdoutIsTerminal ?? false, options.onStdout);
  const stderr = memoryOutput(options.stderrIsTerminal ?? false);
  const env = options.env ?? {};
  const context: CliContext = {
    stdout,
    stderr,
    stdin: {
      isTerminal: options.stdin === undefined,
      readText: () => Promise.resolve(options.stdin ?? ""),
    },
    env: (name) => env[name],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  return { context, stdout, stderr };
}

/**
 * Parses JSON lines output, failing on any line that is not JSON.
 *
 * @param text The output.
 * @returns The parsed objects.
 */
export function parseJsonLines(text: string): Record<string, unknown>[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, index) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`Line ${index + 1} of the output is not JSON: ${line}`);
    }
  });
}
