/**
 * {@linkcode CliContext}: the process I/O a command uses, injectable so that tests run
 * commands in-process with buffers and a fixed environment.
 *
 * @module
 */

import { denoOutputStream, type OutputStream } from "./output.ts";

/** Where a command reads its input from (stdin, or a string in tests). */
export interface InputStream {
  /** Whether this is an interactive terminal (then it is never read as a prompt). */
  readonly isTerminal: boolean;
  /**
   * Reads everything up to end of input, as UTF-8.
   *
   * @returns The text.
   */
  readText(): Promise<string>;
  /** The raw bytes, for commands that stream stdin (lines, audio); absent in some tests. */
  readonly readable?: ReadableStream<Uint8Array>;
}

/** The process as a command sees it. */
export interface CliContext {
  /** Standard output: results (text, or JSON lines). */
  readonly stdout: OutputStream;
  /** Standard error: status, notes, summaries, errors. */
  readonly stderr: OutputStream;
  /** Standard input: a prompt when none is given on the command line. */
  readonly stdin: InputStream;
  /**
   * Reads an environment variable.
   *
   * @param name The variable's name.
   * @returns Its value, or `undefined` when unset.
   */
  env(name: string): string | undefined;
  /** Standard output as bytes (audio), when the process has one. */
  readonly stdoutBytes?: { write(bytes: Uint8Array): Promise<number> };
  /** Fires when the user interrupts (Ctrl-C); the command stops and exits with 130. */
  readonly signal?: AbortSignal;
}

/** Exit status of a command that succeeded. */
export const EXIT_OK = 0;
/** Exit status of a command whose work failed (the request, the stream). */
export const EXIT_FAILURE = 1;
/** Exit status of a command called the wrong way (unknown flag, bad value). */
export const EXIT_USAGE = 2;
/** Exit status of a command interrupted by the user (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/**
 * The real process: `Deno.stdout`, `Deno.stderr`, `Deno.stdin`, `Deno.env`, and a signal
 * that fires on the first Ctrl-C (a second Ctrl-C exits at once with 130).
 *
 * @returns The context.
 *
 * @example Usage
 * ```ts ignore
 * import { denoCliContext } from "./cli_context.ts";
 *
 * const context = denoCliContext();
 * await context.stderr.write("hello\n");
 * ```
 */
export function denoCliContext(): CliContext {
  const interrupt = new AbortController();
  function onInterrupt(): void {
    if (interrupt.signal.aborted) Deno.exit(EXIT_INTERRUPTED);
    interrupt.abort(new DOMException("Interrupted by the user", "AbortError"));
  }
  try {
    Deno.addSignalListener("SIGINT", onInterrupt);
  } catch {
    // Some platforms cannot listen for SIGINT; Ctrl-C then ends the process at once,
    // which is the default behaviour anyway.
  }
  return {
    stdout: denoOutputStream(Deno.stdout),
    stderr: denoOutputStream(Deno.stderr),
    stdin: {
      isTerminal: Deno.stdin.isTerminal(),
      readText: () => new Response(Deno.stdin.readable).text(),
      get readable(): ReadableStream<Uint8Array> {
        return Deno.stdin.readable;
      },
    },
    stdoutBytes: Deno.stdout,
    env: (name) => Deno.env.get(name),
    signal: interrupt.signal,
  };
}
