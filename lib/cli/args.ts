/**
 * Command-line parsing on top of the built-in `node:util` `parseArgs` (strict): one table
 * of options drives both the parser and the help text, so every documented flag exists
 * and every flag is documented with its default.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { OptionSpec } from "./options_help.ts";

// The option table and its help live apart, so that help text loads without `node:util`.
export {
  formatOptionsHelp,
  type FormatOptionsHelpOptions,
  type OptionSpec,
} from "./options_help.ts";

/** The parsed command line. */
export interface ParsedArgs {
  /** Option values by long name; a switch that was not given is `undefined`. */
  values: Record<string, string | boolean | undefined>;
  /** The arguments that are not options, in order. */
  positionals: string[];
}

/**
 * The command line was wrong (unknown flag, missing or bad value): the CLI prints the
 * message and a pointer to `--help`, and exits with status 2.
 *
 * @example Usage
 * ```ts
 * import { UsageError } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new UsageError('Unknown option "--foo"');
 * assert.equal(error.name, "UsageError");
 * ```
 */
export class UsageError extends Error {
  /**
   * Creates a usage error.
   *
   * @param message What is wrong and what to do instead, in sentence case.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const QUOTED_OPTION_REGEXP = /'(-[^' ]+)/;

/**
 * Parses a command line strictly: options must be in `specs`, string options need a
 * value, switches take none. Positionals may come before, between or after options, and
 * everything after `--` is positional.
 *
 * @param args The arguments after the command name.
 * @param specs The options the command accepts.
 * @returns The values and positionals.
 * @throws {UsageError} When an option is unknown, lacks its value or has one it must not.
 *
 * @example Usage
 * ```ts
 * import { parseCommandArgs, UsageError } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const specs = [
 *   { name: "model", type: "string", description: "The model." },
 *   { name: "json", type: "boolean", description: "JSON lines." },
 * ] as const;
 * const parsed = parseCommandArgs(["hi", "--model", "gpt-5", "--json"], specs);
 * assert.deepEqual(parsed.positionals, ["hi"]);
 * assert.equal(parsed.values.model, "gpt-5");
 * assert.throws(() => parseCommandArgs(["--colour"], specs), UsageError);
 * ```
 */
export function parseCommandArgs(
  args: readonly string[],
  specs: readonly OptionSpec[],
): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const spec of specs) {
    options[spec.name] = spec.short === undefined
      ? { type: spec.type }
      : { type: spec.type, short: spec.short };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: true,
    });
    return { values: { ...values } as ParsedArgs["values"], positionals };
  } catch (error) {
    throw toUsageError(error);
  }
}

// `parseArgs` messages are long and speak of its own syntax; say the same thing shorter,
// naming the flag.
function toUsageError(error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const flag = QUOTED_OPTION_REGEXP.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag !== undefined) {
    return new UsageError(`Unknown option "${flag}"`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag !== undefined) {
    if (message.includes("does not take an argument")) {
      return new UsageError(`Option "${flag}" is a switch and takes no value`);
    }
    return new UsageError(
      `Option "${flag}" needs a value: write ${flag} VALUE, or ${flag}=VALUE for a value that starts with "-"`,
    );
  }
  return new UsageError(message.replace(/\.$/, ""));
}
