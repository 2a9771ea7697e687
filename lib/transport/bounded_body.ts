/**
 * {@linkcode readBoundedText}: reads a body that is not an event stream (an error answer,
 * an HTML page from a proxy) without trusting its size or its pace.
 *
 * @module
 */

import { abortedError } from "./backoff.ts";
import { redactUrlsIn } from "./redact_url.ts";

/** The most bytes of a non-stream body that are kept: 64 KiB. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Options of {@linkcode readBoundedText}. */
export interface BoundedTextOptions {
  /** The most bytes to keep; the body is cancelled past them. @default {65536} */
  maxBytes?: number;
  /** The longest silence between two chunks, in milliseconds (`Infinity`: none). */
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
 * Reads at most `maxBytes` of a body as text, waiting at most `idleTimeoutMs` for each
 * chunk. A body that grows past the bound, stalls, or breaks is cancelled, and the prefix
 * read so far is returned with the reason; memory stays within `maxBytes` whatever the
 * server sends.
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
  try {
    for (;;) {
      const result = await readWithin(reader, idleTimeoutMs, signal);
      if (result === "stalled") {
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

// One read, ended early by the idle timeout ("stalled") or the signal (a rejection).
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ReadableStreamReadResult<Uint8Array> | "stalled"> {
  signal?.throwIfAborted();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const waits: Promise<ReadableStreamReadResult<Uint8Array> | "stalled">[] = [reader.read()];
  if (idleTimeoutMs !== Infinity) {
    waits.push(
      new Promise((resolve) => timer = setTimeout(() => resolve("stalled"), idleTimeoutMs)),
    );
  }
  if (signal !== undefined) {
    waits.push(
      new Promise((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    );
  }
  try {
    return await Promise.race(waits);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
  }
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
): Promise<Uint8Array | undefined> {
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
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
