/**
 * {@linkcode readBoundedText}: reads a body that is not an event stream (an error answer,
 * an HTML page from a proxy) without trusting its size or its pace.
 *
 * @module
 */

import { abortedError } from "./backoff.ts";
import { redactUrlsIn } from "./redact_url.ts";
import { readWithin } from "./timeout.ts";
import { concatBytes } from "../compression/_bytes.ts";

/** The most bytes of a non-stream body that are kept: 64 KiB. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Options of {@linkcode readBoundedText}. */
export interface BoundedTextOptions {
  /** The most bytes to keep; the body is cancelled past them. @default {65536} */
  maxBytes?: number;
  /**
   * The longest the whole read may take, in milliseconds (`Infinity`: no bound). Such a
   * body holds no events, so, as for an event stream, nothing restarts the idle clock: a
   * body that trickles a byte at a time is bounded too.
   */
  idleTimeoutMs: number;
  /** Cancels the read with an `aborted` error. */
  signal?: AbortSignal;
}

/** What {@linkcode readBoundedText} read. */
export interface BoundedText {
  /** The body's text, at most `maxBytes` of it (lenient UTF-8). */
  text: string;
  /** Why the read stopped early, when it did. */
  stopped?: "tooLarge" | "stalled" | "broken";
}

/**
 * Reads at most `maxBytes` of a body as text, within `idleTimeoutMs` in all. A body that
 * grows past the bound, stalls or trickles past the time, or breaks is cancelled, and the
 * prefix read so far is returned with the reason; memory stays within `maxBytes` and time
 * within `idleTimeoutMs` whatever the server sends.
 *
 * @param response The answer whose body to read.
 * @param options The bounds and a signal.
 * @returns The text and why it is short, if it is.
 * @throws {CodexWireError} `aborted` when the signal fires.
 *
 * @example Usage
 * ```ts
 * import { readBoundedText } from "./bounded_body.ts";
 * import assert from "node:assert/strict";
 *
 * const answer = new Response("x".repeat(100), { status: 500 });
 * const body = await readBoundedText(answer, { maxBytes: 10, idleTimeoutMs: 1000 });
 * assert.deepEqual(body, { text: "xxxxxxxxxx", stopped: "tooLarge" });
 * ```
 */
export async function readBoundedText(
  response: Response,
  options: BoundedTextOptions,
): Promise<BoundedText> {
  const { maxBytes = MAX_ERROR_BODY_BYTES, idleTimeoutMs, signal } = options;
  if (response.body === null) return { text: "" };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let kept = 0;
  let stopped: BoundedText["stopped"];
  const started = performance.now();
  try {
    for (;;) {
      const remainingMs = idleTimeoutMs - (performance.now() - started);
      const result = remainingMs > 0 ? await readWithin(reader, remainingMs, signal) : "timeout";
      if (result === "timeout") {
        stopped = "stalled";
        break;
      }
      if (result.done) break;
      const room = maxBytes - kept;
      const piece = result.value.length > room ? result.value.subarray(0, room) : result.value;
      kept += piece.length;
      text += decoder.decode(piece, { stream: true });
      if (result.value.length > room) {
        stopped = "tooLarge";
        break;
      }
    }
    text += decoder.decode();
  } catch (cause) {
    if (signal?.aborted) throw abortedError(signal);
    stopped = "broken";
    if (text === "") {
      text = `(the body could not be read: ${
        redactUrlsIn(cause instanceof Error ? cause.message : String(cause))
      })`;
    }
  } finally {
    // Stops the transfer of whatever is left; a broken body may reject, which says nothing.
    reader.cancel().catch(() => {});
  }
  if (signal?.aborted) throw abortedError(signal);
  return stopped === undefined ? { text } : { text, stopped };
}

/**
 * Reads a whole body of at most `maxBytes` bytes, or stops reading (and cancels it) as
 * soon as it is larger: memory stays within `maxBytes`.
 *
 * @param body The body stream (`null` reads as empty).
 * @param maxBytes The most bytes allowed.
 * @returns The bytes, or `undefined` when the body is larger.
 *
 * @example Usage
 * ```ts
 * import { readBytesUpTo } from "./bounded_body.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal((await readBytesUpTo(new Response("abc").body, 3))?.length, 3);
 * assert.equal(await readBytesUpTo(new Response("abcd").body, 3), undefined);
 * ```
 */
export async function readBytesUpTo(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) return undefined;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return concatBytes(chunks);
}
