/**
 * Terminal output for the CLI: the stream seam that tests replace, colors that honour
 * `NO_COLOR` and TTY-ness, and a status line redrawn in place.
 *
 * @module
 */

/** Where the CLI writes text: stdout, stderr, or a buffer in tests. */
export interface OutputStream {
  /** Whether this is an interactive terminal (live redraws and colors are allowed). */
  readonly isTerminal: boolean;
  /**
   * The terminal's width in columns, when it is a terminal and the size is known.
   *
   * @returns The width, or `undefined`.
   */
  columns?(): number | undefined;
  /**
   * Writes the text in full.
   *
   * @param text The text to write.
   * @returns A promise that settles once every byte was written.
   */
  write(text: string): Promise<void>;
}

/** Erases the current terminal line and returns the cursor to its start. */
export const CLEAR_LINE: string = "\r\x1b[2K";

/** The width assumed for a terminal whose size cannot be read. */
export const DEFAULT_COLUMNS = 80;

// deno-lint-ignore no-control-regex
const ESCAPE_SEQUENCE_REGEXP = /\x1b\[[0-9;?]*[A-Za-z]/y;
// deno-lint-ignore no-control-regex
const ESCAPE_SEQUENCE_REGEXP_GLOBAL = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Cuts text to at most `width` visible characters, keeping escape sequences (colors)
 * intact and ending with `…` when something was cut. A code point counts as one column.
 *
 * @param text One line of text, possibly with SGR escape sequences.
 * @param width The most columns it may take.
 * @returns The text, cut to fit.
 *
 * @example Usage
 * ```ts
 * import { fitToWidth } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fitToWidth("thinking: a long header", 12), "thinking: a…");
 * assert.equal(fitToWidth("\x1b[1mbold\x1b[22m", 3), "\x1b[1mbo…\x1b[22m");
 * assert.equal(fitToWidth("short", 12), "short");
 * ```
 */
export function fitToWidth(text: string, width: number): string {
  const visible = [...text.replace(ESCAPE_SEQUENCE_REGEXP_GLOBAL, "")].length;
  if (visible <= width) return text;
  let out = "";
  let shown = 0;
  let cut = false;
  for (let i = 0; i < text.length;) {
    ESCAPE_SEQUENCE_REGEXP.lastIndex = i;
    const escape = ESCAPE_SEQUENCE_REGEXP.exec(text);
    if (escape !== null) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(i)!);
    i += char.length;
    if (cut) continue;
    if (shown === width - 1) {
      out += "…";
      cut = true;
      continue;
    }
    out += char;
    shown++;
  }
  return out;
}

const ENCODER = new TextEncoder();

/**
 * Wraps a Deno output file (`Deno.stdout`, `Deno.stderr`) as an {@linkcode OutputStream}
 * that writes every byte before it resolves.
 *
 * @param file The file to write to.
 * @returns The stream.
 *
 * @example Usage
 * ```ts ignore
 * import { denoOutputStream } from "./output.ts";
 *
 * const stderr = denoOutputStream(Deno.stderr);
 * await stderr.write("hello\n");
 * ```
 */
export function denoOutputStream(
  file: { write(bytes: Uint8Array): Promise<number>; isTerminal(): boolean },
): OutputStream {
  const isTerminal = file.isTerminal();
  return {
    isTerminal,
    columns(): number | undefined {
      if (!isTerminal) return undefined;
      try {
        return Deno.consoleSize().columns;
      } catch {
        // No console attached after all (a closed terminal): the caller picks a default.
        return undefined;
      }
    },
    async write(text: string): Promise<void> {
      let bytes = ENCODER.encode(text);
      while (bytes.byteLength > 0) {
        const written = await file.write(bytes);
        bytes = bytes.subarray(written);
      }
    },
  };
}

/**
 * Whether colors may be written to a stream: only to a terminal, and never when the
 * `NO_COLOR` environment variable is set to a non-empty value (https://no-color.org).
 *
 * @param stream The stream to write to.
 * @param env Reads an environment variable.
 * @returns `true` when colors may be used.
 *
 * @example Usage
 * ```ts
 * import { colorEnabled } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * const tty = { isTerminal: true, write: () => Promise.resolve() };
 * assert.equal(colorEnabled(tty, () => undefined), true);
 * assert.equal(colorEnabled(tty, (name) => name === "NO_COLOR" ? "1" : undefined), false);
 * assert.equal(colorEnabled({ ...tty, isTerminal: false }, () => undefined), false);
 * ```
 */
export function colorEnabled(
  stream: OutputStream,
  env: (name: string) => string | undefined,
): boolean {
  const noColor = env("NO_COLOR");
  return stream.isTerminal && (noColor === undefined || noColor === "");
}

/** SGR styles; each returns its text unchanged when colors are off. */
export interface Palette {
  /** Whether the styles write escape codes. */
  readonly enabled: boolean;
  /**
   * Faint text, for status and summaries.
   *
   * @param text The text.
   * @returns The styled text.
   */
  dim(text: string): string;
  /**
   * Bold text.
   *
   * @param text The text.
   * @returns The styled text.
   */
  bold(text: string): string;
  /**
   * Red text, for errors.
   *
   * @param text The text.
   * @returns The styled text.
   */
  red(text: string): string;
  /**
   * Yellow text, for warnings and retries.
   *
   * @param text The text.
   * @returns The styled text.
   */
  yellow(text: string): string;
  /**
   * Cyan text, for the reasoning status.
   *
   * @param text The text.
   * @returns The styled text.
   */
  cyan(text: string): string;
}

/**
 * Creates a {@linkcode Palette}.
 *
 * @param enabled Whether to write escape codes (see {@linkcode colorEnabled}).
 * @returns The palette.
 *
 * @example Usage
 * ```ts
 * import { createPalette } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(createPalette(true).red("x"), "\x1b[31mx\x1b[39m");
 * assert.equal(createPalette(false).red("x"), "x");
 * ```
 */
export function createPalette(enabled: boolean): Palette {
  function style(open: number, close: number): (text: string) => string {
    return enabled ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;
  }
  return {
    enabled,
    dim: style(2, 22),
    bold: style(1, 22),
    red: style(31, 39),
    yellow: style(33, 39),
    cyan: style(36, 39),
  };
}

/**
 * A one-line status on a terminal, redrawn in place with {@linkcode CLEAR_LINE}. It
 * writes nothing to a stream that is not a terminal.
 *
 * @example Usage
 * ```ts
 * import { StatusLine } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * let written = "";
 * const status = new StatusLine({ isTerminal: true, write: (text) => { written += text; return Promise.resolve(); } });
 * await status.show("Reading files");
 * await status.clear();
 * assert.equal(written, "\r\x1b[2KReading files\r\x1b[2K");
 * ```
 */
export class StatusLine {
  #stream: OutputStream;
  #shown = false;

  /**
   * Creates a status line on a stream.
   *
   * @param stream Where to draw it (usually stderr).
   */
  constructor(stream: OutputStream) {
    this.#stream = stream;
  }

  /** Whether a status is on screen now. */
  get shown(): boolean {
    return this.#shown;
  }

  /**
   * Replaces the status with this text (one line, no newline), cut to the terminal's
   * width so that it never wraps onto a line it cannot erase.
   *
   * @param text The status.
   * @returns A promise that settles once it is drawn.
   */
  async show(text: string): Promise<void> {
    if (!this.#stream.isTerminal) return;
    const columns = this.#stream.columns?.() ?? DEFAULT_COLUMNS;
    await this.#stream.write(`${CLEAR_LINE}${fitToWidth(text, Math.max(columns - 1, 1))}`);
    this.#shown = true;
  }

  /**
   * Erases the status, if one is on screen.
   *
   * @returns A promise that settles once it is erased.
   */
  async clear(): Promise<void> {
    if (!this.#shown) return;
    this.#shown = false;
    await this.#stream.write(CLEAR_LINE);
  }
}
