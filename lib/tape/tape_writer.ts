/**
 * {@linkcode TapeWriter}: appends records to a tape file, one line each, written through
 * to the file before `write` returns, after checking that no secret is left in the line.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import {
  fromTapeData,
  TAPE_FORMAT,
  TAPE_VERSION,
  type TapeHeaderRecord,
  type TapeRecord,
} from "./tape_record.ts";

/** Options of {@linkcode TapeWriter.create}. */
export interface TapeWriterOptions {
  /** What writes the tape, kept in the header (such as `"codexwire capture"`). */
  tool?: string;
  /**
   * Values that must never reach the file: a line holding one is refused with a
   * `kind: "tape"` error, and nothing of it is written.
   */
  refuse?: readonly { label: string; value: string }[];
}

const ENCODER = new TextEncoder();

/**
 * An append-only tape file. Each {@linkcode TapeWriter.write} writes one whole line with a
 * synchronous write, so a process killed at any moment leaves every earlier record readable.
 *
 * @example Write a header and one record
 * ```ts
 * import { TapeWriter } from "./tape_writer.ts";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const writer = await TapeWriter.create(path, { tool: "example" });
 * writer.write({ type: "http.end", t: writer.now(), conn: "c1" });
 * writer.close();
 * const lines = (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
 * assert.equal(lines[0].format, "codexwire-tape");
 * assert.equal(lines[1].type, "http.end");
 * await Deno.remove(path);
 * ```
 */
export class TapeWriter implements Disposable {
  /** The file written. */
  readonly path: string;
  #file: Deno.FsFile | undefined;
  #origin: number;
  #refuse: readonly { label: string; value: string; json: string }[];

  private constructor(path: string, file: Deno.FsFile, options: TapeWriterOptions) {
    this.path = path;
    this.#file = file;
    this.#origin = performance.now();
    this.#refuse = (options.refuse ?? []).map((secret) => ({
      ...secret,
      json: JSON.stringify(secret.value).slice(1, -1),
    }));
  }

  /**
   * Creates (or empties) a tape file and writes its header line.
   *
   * @param path Where to write.
   * @param options The tool name and the values to refuse.
   * @returns The writer; `close()` it when done.
   */
  static async create(path: string | URL, options: TapeWriterOptions = {}): Promise<TapeWriter> {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    const writer = new TapeWriter(String(path), file, options);
    const header: TapeHeaderRecord = {
      type: "header",
      format: TAPE_FORMAT,
      version: TAPE_VERSION,
      created: new Date().toISOString(),
      ...(options.tool === undefined ? {} : { tool: options.tool }),
    };
    writer.#writeLine(JSON.stringify(header));
    return writer;
  }

  /**
   * Milliseconds since the writer was created, from the monotonic clock (to the microsecond).
   *
   * @returns The time offset to put in a record's `t`.
   */
  now(): number {
    return Math.round((performance.now() - this.#origin) * 1000) / 1000;
  }

  /** Whether {@linkcode TapeWriter.close} was called. */
  get closed(): boolean {
    return this.#file === undefined;
  }

  /**
   * Checks a record for secrets and appends it as one line.
   *
   * @param record The record.
   * @throws {CodexWireError} `kind: "tape"` if the line still holds a refused value (the
   * error says which record and field; nothing is written), or if the writer is closed.
   */
  write(record: TapeRecord): void {
    // type, t and conn first, so a tape reads well line by line.
    const { type, t, conn, ...rest } = record;
    const line = JSON.stringify({ type, t, conn, ...rest });
    for (const secret of this.#refuse) {
      const where = findSecret(record, secret.value, "");
      if (where !== undefined || line.includes(secret.value) || line.includes(secret.json)) {
        throw new CodexWireError(
          `Cannot write tape "${this.path}": the ${record.type} record of connection ${record.conn} still holds ${secret.label} in ${
            where ?? "its JSON"
          }; the line was not written, report this as a redaction bug`,
          { kind: "tape" },
        );
      }
    }
    this.#writeLine(line);
  }

  /** Closes the file; later writes fail. Closing twice does nothing. */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  /** Closes the file, as {@linkcode TapeWriter.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #writeLine(line: string): void {
    const file = this.#file;
    if (file === undefined) {
      throw new CodexWireError(`Cannot write tape "${this.path}": the writer is closed`, {
        kind: "tape",
      });
    }
    const bytes = ENCODER.encode(`${line}\n`);
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  }
}

/** The dotted path of the first field holding `secret` (base64 data decoded), if any. */
function findSecret(value: unknown, secret: string, path: string): string | undefined {
  if (typeof value === "string") return value.includes(secret) ? path : undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findSecret(value[index], secret, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, field] of Object.entries(value)) {
    const fieldPath = path === "" ? key : `${path}.${key}`;
    if (key === "base64" && typeof field === "string") {
      const bytes = fromTapeData({ base64: field });
      if (latin1(bytes).includes(latin1(ENCODER.encode(secret)))) return fieldPath;
      continue;
    }
    const found = findSecret(field, secret, fieldPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let start = 0; start < bytes.length; start += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return out;
}
