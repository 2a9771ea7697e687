/**
 * Bytes to Server-Sent Events messages, incremental and bounded: strict UTF-8, any
 * chunking, CR / LF / CRLF line ends, a leading BOM and comments, as the SSE standard
 * says (through `eventsource-parser`).
 *
 * @module
 */

import { createParser, type EventSourceParser } from "eventsource-parser";
import { concatBytes } from "../compression/_bytes.ts";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import { incompleteTailLength, validUtf8PrefixLength } from "./_utf8.ts";

/** One SSE message: the `event:` name (if any) and the joined `data:` lines. */
export interface SseMessage {
  /** The `event:` field, when the server wrote one. */
  event?: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The `id:` field, when the server wrote one. */
  id?: string;
}

/** Options of {@linkcode SseDecoder}. */
export interface SseDecoderOptions {
  /**
   * The most characters one event (its partial line plus its buffered `data:` lines) may
   * hold before decoding fails with a `stream` error. Bounds memory against a peer that
   * never ends an event.
   * @default {64 * 1024 * 1024}
   */
  maxEventSize?: number;
}

/** The default of {@linkcode SseDecoderOptions.maxEventSize}: 64 Mi characters. */
export const DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024;

/**
 * Small chunks without a line end are held, up to this many bytes, and decoded together:
 * a line fed to the parser a byte at a time is held as a rope of one-character strings,
 * 30 to 50 bytes of memory per character, so `maxEventSize` would not bound memory.
 * Holding them cannot delay an event: an event ends only at a line end.
 */
const COALESCE_BYTES = 64 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Where a chunk is cut: after its last line end (LF, or a CR after the last LF), else
 * before a UTF-8 sequence its end cuts (the parser holds a partial line itself).
 */
function lineEndCut(bytes: Uint8Array): number {
  const afterLf = bytes.lastIndexOf(LF) + 1;
  if (afterLf === 0) {
    const afterCr = bytes.lastIndexOf(CR) + 1;
    return afterCr > 0 ? afterCr : bytes.length - incompleteTailLength(bytes);
  }
  // Only the bytes after the last LF are searched: most streams have no CR at all.
  const cr = bytes.subarray(afterLf).lastIndexOf(CR);
  return cr === -1 ? afterLf : afterLf + cr + 1;
}

/**
 * Decodes an SSE byte stream chunk by chunk. Chunks may split anything, including a
 * multi-byte character or a CRLF pair. When the bytes go bad (invalid UTF-8, an event over
 * the size bound), every message before the fault is still returned and
 * {@linkcode SseDecoder.failure} is set; later calls throw it.
 *
 * @example Decoding two chunks
 * ```ts
 * import { SseDecoder } from "./sse_decoder.ts";
 * import assert from "node:assert/strict";
 *
 * const decoder = new SseDecoder();
 * const bytes = new TextEncoder().encode('event: ping\ndata: {"type":"ping"}\n\n');
 * assert.deepEqual(decoder.push(bytes.subarray(0, 9)), []);
 * assert.deepEqual(decoder.push(bytes.subarray(9)), [{ event: "ping", data: '{"type":"ping"}' }]);
 * assert.deepEqual(decoder.end(), []);
 * assert.equal(decoder.failure, undefined);
 * ```
 */
export class SseDecoder {
  // Whole sequences are decoded loosely and without `stream`: Deno decodes a buffer that
  // way about three times faster than a strict, streamed decoder does (0.56 against 1.7 ns
  // a character). A text with U+FFFD in it (a bad byte, or one the server really sent) is
  // decoded again strictly, to tell which.
  #loose: TextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
  #strict: TextDecoder | undefined;
  // The bytes after the last chunk's last line end, or of a UTF-8 sequence it ended inside.
  #carried: Uint8Array | undefined;
  #parser: EventSourceParser;
  #maxEventSize: number;
  #messages: SseMessage[] = [];
  #overflow: string | undefined;
  #failure: CodexWireError | undefined;
  /** Small chunks without a line end, copied in one reused buffer (not one array each). */
  #held: Uint8Array | undefined;
  #heldBytes = 0;

  /**
   * Creates a decoder for one stream.
   *
   * @param options The size bound.
   */
  constructor(options: SseDecoderOptions = {}) {
    const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
    if (!(maxEventSize > 0)) {
      throw new RangeError(
        `Cannot create SseDecoder: maxEventSize must be positive, got ${maxEventSize}`,
      );
    }
    this.#maxEventSize = maxEventSize;
    this.#parser = createParser({
      maxBufferSize: maxEventSize,
      onEvent: ({ event, id, data }) => {
        // Absent fields stay absent (the parser reports them as `undefined`).
        const message: SseMessage = { data };
        if (event !== undefined) message.event = event;
        if (id !== undefined) message.id = id;
        this.#messages.push(message);
      },
      onError: (error) => {
        if (error.type === "max-buffer-size-exceeded") this.#overflow = error.message;
      },
    });
  }

  /**
   * Why decoding stopped (`stream` kind: not UTF-8, or an event over the size bound), once
   * it has. Check it after handling the messages a call returned.
   */
  get failure(): CodexWireError | undefined {
    return this.#failure;
  }

  /**
   * Feeds a chunk of bytes.
   *
   * @param bytes The next chunk.
   * @returns The messages completed before the end of the chunk or the first fault.
   * @throws {CodexWireError} The earlier {@linkcode SseDecoder.failure}, if any.
   */
  push(bytes: Uint8Array): SseMessage[] {
    if (this.#failure !== undefined) throw this.#failure;
    if (
      bytes.length < COALESCE_BYTES && this.#heldBytes + bytes.length < COALESCE_BYTES &&
      bytes.indexOf(LF) < 0 && bytes.indexOf(CR) < 0
    ) {
      this.#held ??= new Uint8Array(COALESCE_BYTES);
      this.#held.set(bytes, this.#heldBytes);
      this.#heldBytes += bytes.length;
      return [];
    }
    return this.#pushNow(bytes);
  }

  // The chunk is decoded up to its last line end, and the bytes after it wait for the next
  // chunk: the parser then never holds a partial line, which it would join with the whole
  // next chunk (a copy of every chunk on the heap, a quarter of the client's allocations).
  // A chunk without a line end is decoded whole but for a cut UTF-8 sequence, and the
  // parser holds it (its fragments are joined once, when the line ends).
  #pushNow(bytes: Uint8Array): SseMessage[] {
    const input = this.#withWaiting(bytes);
    const end = lineEndCut(input);
    if (end < input.length) {
      const tail = input.subarray(end);
      // What waits is at most one bounded event (its characters are no more than its
      // bytes); a longer partial line goes to the parser, which holds it to the bound. A
      // bad byte in it is reported now, not when its line ends.
      if (
        tail.length <= this.#maxEventSize &&
        validUtf8PrefixLength(tail) + incompleteTailLength(tail) >= tail.length
      ) {
        this.#carried = tail.slice();
        return this.#feed(this.#decode(input.subarray(0, end)));
      }
    }
    return this.#feed(this.#decode(input));
  }

  /**
   * The bytes waiting (carried, then held) followed by `bytes`, in one array: no copy when
   * none wait.
   */
  #withWaiting(bytes: Uint8Array): Uint8Array {
    if (this.#carried === undefined && this.#heldBytes === 0) return bytes;
    const parts: Uint8Array[] = [];
    if (this.#carried !== undefined) parts.push(this.#carried);
    if (this.#heldBytes > 0) parts.push(this.#held!.subarray(0, this.#heldBytes));
    parts.push(bytes);
    this.#carried = undefined;
    this.#heldBytes = 0;
    return concatBytes(parts);
  }

  /**
   * Ends the stream. An event not ended by a blank line is discarded, as the SSE
   * standard says; a stream that ends inside a UTF-8 character fails.
   *
   * @returns Any messages still complete in the buffer (normally none).
   * @throws {CodexWireError} The earlier {@linkcode SseDecoder.failure}, if any.
   */
  end(): SseMessage[] {
    if (this.#failure !== undefined) throw this.#failure;
    // What waits: a last line without its line end, or a cut UTF-8 sequence (which fails
    // here).
    return this.#feed(this.#decode(this.#withWaiting(new Uint8Array(0))));
  }

  #decode(bytes: Uint8Array): string {
    if (this.#failure !== undefined) throw this.#failure;
    const text = this.#loose.decode(bytes);
    if (text.indexOf("\uFFFD") === -1) return text;
    this.#strict ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    try {
      return this.#strict.decode(bytes);
    } catch (cause) {
      this.#failure = new CodexWireError(
        "Cannot decode the event stream: the body is not valid UTF-8; check what the server or proxy sends",
        { kind: "stream", retryable: true, cause },
      );
      // The valid text before the bad byte, so no event before the fault is lost.
      return this.#loose.decode(bytes.subarray(0, validUtf8PrefixLength(bytes)));
    }
  }

  #feed(text: string): SseMessage[] {
    if (text !== "" && this.#overflow === undefined) {
      try {
        this.#parser.feed(text);
      } catch (cause) {
        this.#overflow ??= String(cause);
      }
      if (this.#overflow !== undefined) {
        this.#failure ??= new CodexWireError(
          `Cannot decode the event stream: one event is larger than the limit (${this.#overflow}); raise maxEventSize if the server really sends such events`,
          { kind: "stream", retryable: false },
        );
      }
    }
    const messages = this.#messages;
    if (messages.length === 0) return [];
    this.#messages = [];
    return messages;
  }
}
