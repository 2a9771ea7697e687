/**
 * Telling an event stream from a page by its first bytes, for a 2xx answer labelled with
 * another content type: a valid event stream under the wrong label still streams, while a
 * page (the HTML or JSON of a wrong base URL) fails at once, since asking again gets the
 * same page.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { redactUrl } from "../transport/redact_url.ts";

/** One read of the body (the caller bounds its wait). */
export type BodyRead = () => Promise<ReadableStreamReadResult<Uint8Array>>;

/** How many characters (after leading blanks) tell an event stream from a page. */
const SNIFF_CHARS = 6;
/** The most of a page an error keeps, in characters. */
const PAGE_LIMIT_CHARS = 64 * 1024;
/** The most of a page a message quotes, in characters. */
const PAGE_EXCERPT_CHARS = 2000;
/** An event stream starts with a comment or a known field (after a BOM and blank lines). */
const EVENT_STREAM_START_REGEXP = /^\uFEFF?\s*(?::|(?:event|data|id|retry)(?::|\r|\n|$))/;

/** What the first reads of a body said. */
export interface SniffedBody {
  /** The reads made, to be handed on before any new read. */
  reads: ReadableStreamReadResult<Uint8Array>[];
  /** Whether the body starts like an event stream. */
  eventStream: boolean;
}

/**
 * Reads until the first characters say whether the body is an event stream.
 *
 * @param read One read of the body.
 * @returns The reads made and the verdict.
 */
export async function sniffBody(read: BodyRead): Promise<SniffedBody> {
  const decoder = new TextDecoder();
  const reads: ReadableStreamReadResult<Uint8Array>[] = [];
  let head = "";
  while (head.trimStart().length < SNIFF_CHARS) {
    const result = await read();
    reads.push(result);
    if (result.done) break;
    head += decoder.decode(result.value, { stream: true });
  }
  return { reads, eventStream: EVENT_STREAM_START_REGEXP.test(head) };
}

/**
 * The error for a 2xx answer that is not an event stream: an `http` error, not retryable,
 * naming the URL (redacted) and the content type, with the page (its first 64 KiB, what
 * came before a stall or a break) as the body.
 *
 * @param response The answer.
 * @param url The URL requested.
 * @param sniffed The reads already made.
 * @param read One more read of the body; a stall or a break ends the page.
 * @returns The error to throw.
 */
export async function notAnEventStreamError(
  response: Response,
  url: string,
  sniffed: SniffedBody,
  read: BodyRead,
): Promise<CodexWireError> {
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = sniffed.reads.shift() ?? await read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length >= PAGE_LIMIT_CHARS) break;
    }
  } catch {
    // A stall, a break or an abort: the page so far says enough (the turn engine raises an
    // abort as such whatever error it meets).
  }
  text = (text + decoder.decode()).slice(0, PAGE_LIMIT_CHARS);
  const contentType = response.headers.get("content-type");
  return new CodexWireError(
    `Expected an event stream from ${
      redactUrl(url)
    } but the server answered ${response.status} with content-type "${contentType}"; check the base URL and any proxy in between: ${
      text.slice(0, PAGE_EXCERPT_CHARS)
    }`,
    { kind: "http", status: response.status, headers: response.headers, body: text },
  );
}
