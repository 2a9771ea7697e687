/**
 * {@linkcode Tape}: a tape read from its JSONL text, every line checked, and its records
 * grouped into HTTP exchanges and WebSocket sessions.
 *
 * @module
 */

import { describeIssues } from "../schema/_wire_schemas.ts";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import { HEADER_SCHEMA, RECORD_SCHEMAS } from "./_tape_schemas.ts";
import {
  type HttpChunkRecord,
  type HttpEndRecord,
  type HttpErrorRecord,
  type HttpRequestRecord,
  type HttpResponseRecord,
  TAPE_VERSION,
  type TapeHeaderRecord,
  type TapeRecord,
  type WsCloseRecord,
  type WsFrameRecord,
  type WsOpenRecord,
} from "./tape_record.ts";

/** One HTTP exchange of a tape: the request and whatever answer it got. */
export interface HttpInteraction {
  /** Always `"http"`. */
  kind: "http";
  /** The connection id. */
  conn: string;
  /** The request. */
  request: HttpRequestRecord;
  /** The response head, unless the request got no answer. */
  response?: HttpResponseRecord;
  /** The body pieces, in order. */
  chunks: HttpChunkRecord[];
  /** Set when the body ended normally. */
  end?: HttpEndRecord;
  /** Set when the exchange failed. */
  error?: HttpErrorRecord;
}

/** One WebSocket session of a tape. */
export interface WsInteraction {
  /** Always `"ws"`. */
  kind: "ws";
  /** The connection id. */
  conn: string;
  /** The handshake. */
  open: WsOpenRecord;
  /** The messages both ways, in order of arrival (by `t`). */
  frames: WsFrameRecord[];
  /** How it closed, if the tape saw it close. */
  close?: WsCloseRecord;
}

/** An HTTP exchange or a WebSocket session. */
export type TapeInteraction = HttpInteraction | WsInteraction;

/** Options of {@linkcode Tape.parse}. */
export interface TapeParseOptions {
  /**
   * The name used in error messages (a file name).
   *
   * @default {"(text)"}
   */
  name?: string;
}

/**
 * A tape in memory: its header, its records in file order, and its interactions.
 *
 * @example Parse a tape
 * ```ts
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * const tape = Tape.parse([
 *   '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}',
 *   '{"type":"http.request","t":0,"conn":"c1","method":"POST","url":"http://h/v1/responses","headers":[]}',
 *   '{"type":"http.response","t":5,"conn":"c1","status":200,"headers":[]}',
 *   '{"type":"http.chunk","t":6,"conn":"c1","data":{"text":"data: 1\\n\\n"}}',
 *   '{"type":"http.end","t":7,"conn":"c1"}',
 * ].join("\n"));
 * assert.equal(tape.records.length, 4);
 * const [exchange] = tape.interactions;
 * assert.equal(exchange.kind, "http");
 * assert.equal(exchange.kind === "http" && exchange.chunks.length, 1);
 * ```
 */
export class Tape {
  /** The name used in messages (the file path, when read from a file). */
  readonly name: string;
  /** The header line. */
  readonly header: TapeHeaderRecord;
  /** Every record after the header, in file order. */
  readonly records: readonly TapeRecord[];
  /** The records grouped by connection, in the order the connections started. */
  readonly interactions: readonly TapeInteraction[];
  /** Whether the last line was cut short (an interrupted capture) and was left out. */
  readonly truncated: boolean;

  private constructor(
    name: string,
    header: TapeHeaderRecord,
    records: TapeRecord[],
    interactions: TapeInteraction[],
    truncated: boolean,
  ) {
    this.name = name;
    this.header = header;
    this.records = records;
    this.interactions = interactions;
    this.truncated = truncated;
  }

  /**
   * Reads a tape file.
   *
   * @param path The file.
   * @returns The tape.
   * @throws {CodexWireError} `kind: "tape"` when a line is bad (the message names it).
   */
  static async read(path: string | URL): Promise<Tape> {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new CodexWireError(
        `Cannot read tape "${String(path)}": ${error instanceof Error ? error.message : error}`,
        { kind: "tape", cause: error },
      );
    }
    return Tape.parse(text, { name: String(path) });
  }

  /**
   * Parses the text of a tape. A last line without its newline that is not valid JSON is
   * taken for an interrupted write: it is left out and {@linkcode Tape.truncated} is set.
   *
   * @param text The JSONL text.
   * @param options The name for messages.
   * @returns The tape.
   * @throws {CodexWireError} `kind: "tape"` naming the line number of the first bad line.
   */
  static parse(text: string, options: TapeParseOptions = {}): Tape {
    const name = options.name ?? "(text)";
    const fail: (line: number, why: string) => never = (line, why) => {
      throw new CodexWireError(`Cannot read tape "${name}": line ${line} ${why}`, {
        kind: "tape",
      });
    };
    const lines = text.split("\n");
    let truncated = false;
    const last = lines.length - 1;
    if (lines[last] === "") {
      lines.pop();
    } else if (parseJson(lines[last]) === undefined) {
      lines.pop();
      truncated = true;
    }
    if (lines.length === 0) fail(1, "is missing: a tape starts with a header line");
    const headerJson = parseJson(lines[0]);
    if (headerJson === undefined) fail(1, "is not valid JSON");
    const header = HEADER_SCHEMA.safeParse(headerJson.value);
    if (!header.success) {
      fail(1, `is not a codexwire tape header: ${describeIssues(header.error)}`);
    }
    const head = header.data!;
    if (head.version > TAPE_VERSION) {
      fail(
        1,
        `says format version ${head.version}, but this codexwire reads up to version ${TAPE_VERSION}: update codexwire`,
      );
    }
    const records: TapeRecord[] = [];
    const byConn = new Map<string, TapeInteraction>();
    const interactions: TapeInteraction[] = [];
    for (let index = 1; index < lines.length; index++) {
      const lineNumber = index + 1;
      if (lines[index].trim() === "") continue;
      const json = parseJson(lines[index]);
      if (json === undefined) fail(lineNumber, "is not valid JSON");
      const type = (json!.value as { type?: unknown } | null)?.type;
      const schema = typeof type === "string" ? RECORD_SCHEMAS.get(type) : undefined;
      if (schema === undefined) {
        fail(
          lineNumber,
          `has an unknown record type ${JSON.stringify(type)}: expected one of ${
            [...RECORD_SCHEMAS.keys()].join(", ")
          }`,
        );
      }
      const parsed = schema!.safeParse(json!.value);
      if (!parsed.success) {
        fail(lineNumber, `is not a valid ${type} record: ${describeIssues(parsed.error)}`);
      }
      const record = parsed.data!;
      records.push(record);
      const problem = group(record, byConn, interactions);
      if (problem !== undefined) fail(lineNumber, problem);
    }
    // A piece held back for redaction is written after later records of its connection;
    // its time offset still says when it arrived, so order each connection by time.
    for (const interaction of interactions) {
      if (interaction.kind === "ws") interaction.frames.sort((a, b) => a.t - b.t);
      else interaction.chunks.sort((a, b) => a.t - b.t);
    }
    return new Tape(name, head, records, interactions, truncated);
  }

  /** The HTTP exchanges, in order. */
  get http(): HttpInteraction[] {
    return this.interactions.filter((item): item is HttpInteraction => item.kind === "http");
  }

  /** The WebSocket sessions, in order. */
  get webSockets(): WsInteraction[] {
    return this.interactions.filter((item): item is WsInteraction => item.kind === "ws");
  }
}

function group(
  record: TapeRecord,
  byConn: Map<string, TapeInteraction>,
  interactions: TapeInteraction[],
): string | undefined {
  const current = byConn.get(record.conn);
  if (record.type === "http.request" || record.type === "ws.open") {
    if (current !== undefined) {
      return `starts connection ${record.conn} again: each connection id is used once`;
    }
    const created: TapeInteraction = record.type === "http.request"
      ? { kind: "http", conn: record.conn, request: record, chunks: [] }
      : { kind: "ws", conn: record.conn, open: record, frames: [] };
    byConn.set(record.conn, created);
    interactions.push(created);
    return undefined;
  }
  const isHttp = record.type.startsWith("http.");
  if (current === undefined || (current.kind === "http") !== isHttp) {
    return `is a ${record.type} record of connection ${record.conn}, which has no ${
      isHttp ? "http.request" : "ws.open"
    } before it`;
  }
  if (current.kind === "http") {
    const http = current;
    if (http.end !== undefined || http.error !== undefined) {
      return `is a ${record.type} record after connection ${record.conn} ended`;
    }
    switch (record.type) {
      case "http.response":
        if (http.response !== undefined) return `repeats the response of ${record.conn}`;
        http.response = record;
        return undefined;
      case "http.chunk":
        if (http.response === undefined) {
          return `is a body chunk of ${record.conn} before its http.response`;
        }
        http.chunks.push(record);
        return undefined;
      case "http.end":
        http.end = record;
        return undefined;
      case "http.error":
        http.error = record;
        return undefined;
    }
    return undefined;
  }
  const ws = current;
  if (ws.close !== undefined) return `is a ${record.type} record after ${record.conn} closed`;
  if (record.type === "ws.frame") ws.frames.push(record);
  if (record.type === "ws.close") ws.close = record;
  return undefined;
}

function parseJson(line: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(line) };
  } catch {
    return undefined;
  }
}
