/**
 * {@linkcode ResponseRenderer}: how the `responses` command shows a stream, and the JSON
 * lines renderer of `--json`.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import type { ResponseEvent } from "../responses/response_event.ts";
import type { OutputStream } from "./output.ts";

/** Shows the events of one response as they arrive, then its end. */
export interface ResponseRenderer {
  /**
   * Shows one event.
   *
   * @param event The event.
   * @returns A promise that settles once it is written.
   */
  event(event: ResponseEvent): Promise<void>;
  /**
   * Shows the end of a response that completed.
   *
   * @returns A promise that settles once it is written.
   */
  finish(): Promise<void>;
  /**
   * Shows the failure that ended the stream.
   *
   * @param error What was thrown: a {@linkcode CodexWireError}, or anything else.
   * @returns A promise that settles once it is written.
   */
  fail(error: unknown): Promise<void>;
}

/** The JSON form of a failure, the last line of `--json` output. */
export interface ErrorLine {
  /** Always `error`. */
  type: "error";
  /** The {@linkcode CodexWireError} kind, or `cli` for a failure of the CLI itself. */
  kind: string;
  /** What went wrong. */
  message: string;
  /** Whether the same request may succeed when tried again (wire errors only). */
  retryable?: boolean;
  /** The HTTP status, when there was an HTTP answer. */
  status?: number;
  /** The delay the server asked for before a retry, in milliseconds. */
  retryAfterMs?: number;
  /** The server's error `code`, when it sent one. */
  code?: string;
  /** The request field the server's error names, when it sent one. */
  param?: string;
}

/**
 * The JSON form of any failure: {@linkcode CodexWireError.toJSON} for wire errors,
 * `{ type: "error", kind: "cli", message }` for anything else.
 *
 * @param error What was thrown.
 * @returns The error line.
 *
 * @example Usage
 * ```ts
 * import { errorLine } from "./response_renderer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(errorLine(new Error("Disk full")), { type: "error", kind: "cli", message: "Disk full" });
 * ```
 */
export function errorLine(error: unknown): ErrorLine {
  if (error instanceof CodexWireError) return error.toJSON();
  return {
    type: "error",
    kind: "cli",
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Writes each event as one line of JSON (`JSON.stringify(event)`), and a failure as a
 * last `{"type":"error",…}` line.
 *
 * @example Usage
 * ```ts
 * import { JsonLinesRenderer } from "./response_renderer.ts";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * const renderer = new JsonLinesRenderer({ isTerminal: false, write: (text) => { out += text; return Promise.resolve(); } });
 * await renderer.event({ type: "outputTextDelta", delta: "Hi" });
 * assert.equal(out, '{"type":"outputTextDelta","delta":"Hi"}\n');
 * ```
 */
export class JsonLinesRenderer implements ResponseRenderer {
  #stdout: OutputStream;

  /**
   * Creates the renderer.
   *
   * @param stdout Where the lines go.
   */
  constructor(stdout: OutputStream) {
    this.#stdout = stdout;
  }

  /**
   * Writes the event as one JSON line.
   *
   * @param event The event.
   * @returns A promise that settles once it is written.
   */
  event(event: ResponseEvent): Promise<void> {
    return this.#stdout.write(`${JSON.stringify(event)}\n`);
  }

  /**
   * Writes nothing: the `completed` line already says it.
   *
   * @returns A settled promise.
   */
  finish(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Writes the error line.
   *
   * @param error What was thrown.
   * @returns A promise that settles once it is written.
   */
  fail(error: unknown): Promise<void> {
    return this.#stdout.write(`${JSON.stringify(errorLine(error))}\n`);
  }
}
