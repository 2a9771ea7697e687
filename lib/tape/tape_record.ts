/**
 * The records of a tape: one JSON object per line, a header first, then HTTP and
 * WebSocket records, each with a time offset and a connection id.
 *
 * @module
 */

/** The `format` of every tape's header line. */
export const TAPE_FORMAT = "codexwire-tape";
/** The version of the tape format this library writes and reads. */
export const TAPE_VERSION = 1;

/** Bytes as a tape stores them: UTF-8 text as is, anything else as base64. */
export type TapeData = { text: string } | { base64: string };

/** A header as a tape stores it: `[name, value]`, in the order it was sent. */
export type TapeHeader = [name: string, value: string];

/** The first line of a tape: which format and version, and when it was made. */
export interface TapeHeaderRecord {
  /** Always `"header"`. */
  type: "header";
  /** Always {@linkcode TAPE_FORMAT}. */
  format: typeof TAPE_FORMAT;
  /** The format version, {@linkcode TAPE_VERSION} for tapes written by this library. */
  version: number;
  /** When recording started, as an ISO 8601 time. */
  created: string;
  /** What wrote the tape, such as `"codexwire capture"`. */
  tool?: string;
}

/** The fields every record after the header has. */
export interface TapeRecordBase {
  /** Milliseconds since recording started, from a monotonic clock. */
  t: number;
  /** The connection the record belongs to, such as `"c1"`; one per HTTP exchange or socket. */
  conn: string;
}

/** An HTTP request, with its body decoded when it was zstd or gzip encoded. */
export interface HttpRequestRecord extends TapeRecordBase {
  /** Always `"http.request"`. */
  type: "http.request";
  /** The method, such as `"POST"`. */
  method: string;
  /** The full URL the client asked for, with secrets in its query replaced. */
  url: string;
  /** The request headers, secrets replaced. */
  headers: TapeHeader[];
  /** The body, decoded; absent when there was none. */
  body?: TapeData;
  /** The `Content-Encoding` the body arrived in (`"zstd"`, `"gzip"`), when it had one. */
  encoding?: string;
}

/** The status line and headers of an HTTP response. */
export interface HttpResponseRecord extends TapeRecordBase {
  /** Always `"http.response"`. */
  type: "http.response";
  /** The status code. */
  status: number;
  /** The response headers, secrets replaced. */
  headers: TapeHeader[];
}

/** One piece of a response body, exactly as it arrived (its boundaries kept). */
export interface HttpChunkRecord extends TapeRecordBase {
  /** Always `"http.chunk"`. */
  type: "http.chunk";
  /** The bytes of the piece. */
  data: TapeData;
}

/** The response body ended normally. */
export interface HttpEndRecord extends TapeRecordBase {
  /** Always `"http.end"`. */
  type: "http.end";
}

/** The exchange failed: no answer, or the body broke off. */
export interface HttpErrorRecord extends TapeRecordBase {
  /** Always `"http.error"`. */
  type: "http.error";
  /** What went wrong. */
  message: string;
  /**
   * `client` when the client cancelled the body (the server had not failed: a replay
   * ends the body there), else the server or the network failed.
   */
  by?: "client" | "server";
}

/** A WebSocket connection opened. */
export interface WsOpenRecord extends TapeRecordBase {
  /** Always `"ws.open"`. */
  type: "ws.open";
  /** The URL the client connected to, with secrets in its query replaced. */
  url: string;
  /** The handshake request headers, secrets replaced. */
  requestHeaders: TapeHeader[];
  /** The handshake response headers, when they could be read. */
  responseHeaders: TapeHeader[];
  /** The subprotocols the client offered, secrets replaced. */
  protocols: string[];
  /** The subprotocol the server chose (empty for none). */
  protocol: string;
}

/** One WebSocket message, whole. */
export interface WsFrameRecord extends TapeRecordBase {
  /** Always `"ws.frame"`. */
  type: "ws.frame";
  /** Who sent it. */
  from: "client" | "server";
  /** A text or a binary message. */
  opcode: "text" | "binary";
  /** The payload. */
  data: TapeData;
}

/** A WebSocket connection closed. */
export interface WsCloseRecord extends TapeRecordBase {
  /** Always `"ws.close"`. */
  type: "ws.close";
  /** The close code (1005 when none was given, 1006 when the connection broke). */
  code: number;
  /** The close reason. */
  reason: string;
  /** Who closed it. */
  by: "client" | "server";
}

/** Any record after the header. */
export type TapeRecord =
  | HttpRequestRecord
  | HttpResponseRecord
  | HttpChunkRecord
  | HttpEndRecord
  | HttpErrorRecord
  | WsOpenRecord
  | WsFrameRecord
  | WsCloseRecord;

/** A record before the writer stamps its time offset. */
export type UntimedTapeRecord = TapeRecord extends infer R
  ? R extends TapeRecord ? Omit<R, "t"> : never
  : never;

const UTF8: TextDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ENCODER: TextEncoder = new TextEncoder();

/**
 * Stores bytes as a tape does: as text when they are valid UTF-8, else as base64.
 *
 * @param bytes The bytes.
 * @returns The tape data.
 *
 * @example Usage
 * ```ts
 * import { toTapeData } from "./tape_record.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(toTapeData(new TextEncoder().encode("hi")), { text: "hi" });
 * assert.deepEqual(toTapeData(new Uint8Array([0xff])), { base64: "/w==" });
 * ```
 */
export function toTapeData(bytes: Uint8Array): TapeData {
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    return { base64: toBase64(bytes) };
  }
}

/**
 * The bytes of tape data.
 *
 * @param data The tape data.
 * @returns The bytes it stands for.
 *
 * @example Usage
 * ```ts
 * import { fromTapeData } from "./tape_record.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(fromTapeData({ base64: "/w==" }), new Uint8Array([0xff]));
 * ```
 */
export function fromTapeData(data: TapeData): Uint8Array<ArrayBuffer> {
  if ("text" in data) return ENCODER.encode(data.text);
  const binary = atob(data.base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: String.fromCharCode with a huge argument list overflows the stack.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}
