/**
 * The option tables of the commands and their help text: {@linkcode OptionSpec} and
 * {@linkcode formatOptionsHelp}. Kept apart from the parser (`args.ts`), so that a
 * command's `--help` loads nothing heavier than this.
 *
 * @module
 */

/** One command-line option. */
export interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  /** A one-letter alias, without `-`. */
  short?: string;
  /** `string` takes a value; `boolean` is a switch. */
  type: "string" | "boolean";
  /** The value's placeholder in the help, such as `NAME`. */
  valueName?: string;
  /** What it does, in one sentence. */
  description: string;
  /** The default as the help shows it; omitted from the help when unset. */
  defaultText?: string;
}

/** Options of {@linkcode formatOptionsHelp}. */
export interface FormatOptionsHelpOptions {
  /**
   * Wrap descriptions so that lines stay within this many columns.
   *
   * @default {80}
   */
  width?: number;
}

/**
 * Formats the options as help lines: the flag and its value name, then the description
 * and the default, in two columns; long descriptions wrap under their column.
 *
 * @param specs The options.
 * @param options The line width.
 * @returns The lines, joined with newlines (no trailing newline).
 *
 * @example Usage
 * ```ts
 * import { formatOptionsHelp } from "./options_help.ts";
 * import assert from "node:assert/strict";
 *
 * const help = formatOptionsHelp([
 *   { name: "model", type: "string", valueName: "NAME", description: "The model.", defaultText: "gpt-5" },
 *   { name: "help", short: "h", type: "boolean", description: "Show this help." },
 * ]);
 * assert.equal(help, "  --model NAME  The model. (default: gpt-5)\n  -h, --help    Show this help.");
 * ```
 */
export function formatOptionsHelp(
  specs: readonly OptionSpec[],
  options: FormatOptionsHelpOptions = {},
): string {
  const flags = specs.map((spec) => {
    const long = spec.type === "string"
      ? `--${spec.name} ${spec.valueName ?? "VALUE"}`
      : `--${spec.name}`;
    return spec.short === undefined ? long : `-${spec.short}, ${long}`;
  });
  const flagWidth = Math.max(...flags.map((flag) => flag.length));
  const indent = 2 + flagWidth + 2;
  const textWidth = Math.max((options.width ?? 80) - indent, 20);
  return specs.map((spec, index) => {
    const defaultText = spec.defaultText === undefined ? "" : ` (default: ${spec.defaultText})`;
    const lines = wrap(`${spec.description}${defaultText}`, textWidth);
    return [
      `  ${flags[index].padEnd(flagWidth)}  ${lines[0]}`,
      ...lines.slice(1).map((line) => `${" ".repeat(indent)}${line}`),
    ].join("\n");
  }).join("\n");
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
