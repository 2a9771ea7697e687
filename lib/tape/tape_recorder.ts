/**
 * {@linkcode TapeRecorder}: the one recorder behind the capture proxy and the clients'
 * `record` option. It stamps times, numbers connections, replaces secrets and writes.
 *
 * @module
 */

import {
  type GuardedPiece,
  type RedactionOptions,
  Redactor,
  type SplitSecretGuard,
} from "./redaction.ts";
import { toTapeData, type UntimedTapeRecord } from "./tape_record.ts";
import { TapeWriter } from "./tape_writer.ts";

/** Options of {@linkcode TapeRecorder.create}. */
export interface TapeRecorderOptions extends RedactionOptions {
  /**
   * What writes the tape, kept in its header.
   *
   * @default {"codexwire"}
   */
  tool?: string;
}

/** The handshake of a WebSocket, as {@linkcode TapeRecorder.wsOpen} takes it. */
export interface WsOpenInfo {
  /** The URL the client connected to. */
  url: string;
  /** The handshake request headers. */
  requestHeaders: Iterable<[string, string]>;
  /** The handshake response headers, when known. */
  responseHeaders?: Iterable<[string, string]>;
  /** The subprotocols the client offered. */
  protocols: readonly string[];
  /** The subprotocol chosen (empty for none). */
  protocol: string;
}

interface PieceMeta {
  t: number;
  opcode: "text" | "binary";
}

const ENCODER = new TextEncoder();

/**
 * Records HTTP and WebSocket traffic to a tape, secrets replaced: credential headers,
 * query keys, key subprotocols, cookies, and values equal to environment secrets (also
 * split across two pieces). Every line is checked again before it is written.
 *
 * @example Record one HTTP exchange
 * ```ts
 * import { TapeRecorder } from "./tape_recorder.ts";
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const recorder = await TapeRecorder.create(path, { secrets: ["sk-example-key"] });
 * const conn = recorder.newConnection();
 * recorder.httpRequest(conn, {
 *   method: "POST",
 *   url: "http://127.0.0.1/v1/responses",
 *   headers: [["authorization", "Bearer sk-example-key"]],
 * });
 * recorder.httpResponse(conn, 200, [["content-type", "text/event-stream"]]);
 * recorder.httpChunk(conn, new TextEncoder().encode("data: {}\n\n"));
 * recorder.httpEnd(conn);
 * await recorder.close();
 *
 * const tape = await Tape.read(path);
 * assert.equal(tape.records.length, 4);
 * assert.ok(!(await Deno.readTextFile(path)).includes("sk-example-key"));
 * await Deno.remove(path);
 * ```
 */
export class TapeRecorder implements AsyncDisposable {
  #writer: TapeWriter;
  #redactor: Redactor;
  #guards: Map<string, SplitSecretGuard<PieceMeta>> = new Map();
  #nextConnection = 1;

  private constructor(writer: TapeWriter, redactor: Redactor) {
    this.#writer = writer;
    this.#redactor = redactor;
  }

  /**
   * Creates (or empties) a tape file and returns a recorder writing to it.
   *
   * @param path The tape file.
   * @param options The tool name and what to redact besides the defaults.
   * @returns The recorder; close it when done.
   * @throws {RangeError} If a literal secret is too short to look for.
   */
  static async create(
    path: string | URL,
    options: TapeRecorderOptions = {},
  ): Promise<TapeRecorder> {
    const redactor = new Redactor(options);
    const writer = await TapeWriter.create(path, {
      tool: options.tool ?? "codexwire",
      refuse: redactor.secrets,
    });
    return new TapeRecorder(writer, redactor);
  }

  /** The tape file. */
  get path(): string {
    return this.#writer.path;
  }

  /**
   * A fresh connection id (`c1`, `c2`, …).
   *
   * @returns The id.
   */
  newConnection(): string {
    return `c${this.#nextConnection++}`;
  }

  /**
   * Records a request. Pass the decoded body and the `Content-Encoding` it came in.
   *
   * @param conn The connection id.
   * @param request The request parts.
   */
  httpRequest(
    conn: string,
    request: {
      method: string;
      url: string;
      headers: Iterable<[string, string]>;
      body?: Uint8Array;
      encoding?: string;
    },
  ): void {
    const redactor = this.#redactor;
    this.#write({
      type: "http.request",
      conn,
      method: request.method,
      url: redactor.url(request.url),
      headers: redactor.headers(request.headers),
      ...(request.body === undefined || request.body.length === 0
        ? {}
        : { body: toTapeData(redactor.bytes(request.body)) }),
      ...(request.encoding === undefined ? {} : { encoding: request.encoding }),
    });
  }

  /**
   * Records a response head.
   *
   * @param conn The connection id.
   * @param status The status code.
   * @param headers The response headers.
   */
  httpResponse(conn: string, status: number, headers: Iterable<[string, string]>): void {
    this.#write({
      type: "http.response",
      conn,
      status,
      headers: this.#redactor.headers(headers),
    });
  }

  /**
   * Records a body piece as it arrived (it may be written a little later, when its end
   * could be the start of a secret).
   *
   * @param conn The connection id.
   * @param bytes The piece.
   */
  httpChunk(conn: string, bytes: Uint8Array): void {
    const t = this.#writer.now();
    for (const piece of this.#guard(conn).push(bytes, { t, opcode: "binary" })) {
      this.#writeTimed({
        type: "http.chunk",
        conn,
        t: piece.meta.t,
        data: toTapeData(piece.bytes),
      });
    }
  }

  /**
   * Records the normal end of a body.
   *
   * @param conn The connection id.
   */
  httpEnd(conn: string): void {
    const t = this.#writer.now();
    this.#flushChunks(conn);
    this.#writeTimed({ type: "http.end", conn, t });
  }

  /**
   * Records a failed exchange.
   *
   * @param conn The connection id.
   * @param message What went wrong.
   * @param by `client` when the client cancelled the body.
   */
  httpError(conn: string, message: string, by: "client" | "server" = "server"): void {
    const t = this.#writer.now();
    this.#flushChunks(conn);
    this.#writeTimed({ type: "http.error", conn, t, message: this.#redactor.text(message), by });
  }

  /**
   * Records a WebSocket handshake.
   *
   * @param conn The connection id.
   * @param open The handshake.
   */
  wsOpen(conn: string, open: WsOpenInfo): void {
    const redactor = this.#redactor;
    this.#write({
      type: "ws.open",
      conn,
      url: redactor.url(open.url),
      requestHeaders: redactor.headers(open.requestHeaders),
      responseHeaders: redactor.headers(open.responseHeaders ?? []),
      protocols: redactor.protocols(open.protocols),
      protocol: redactor.protocols([open.protocol])[0],
    });
  }

  /**
   * Records one WebSocket message.
   *
   * @param conn The connection id.
   * @param from Who sent it.
   * @param data The message: a string is a text message, bytes a binary one.
   */
  wsFrame(conn: string, from: "client" | "server", data: string | Uint8Array): void {
    const t = this.#writer.now();
    const opcode = typeof data === "string" ? "text" : "binary";
    const bytes = typeof data === "string" ? ENCODER.encode(data) : data;
    for (const piece of this.#guard(`${conn} ${from}`).push(bytes, { t, opcode })) {
      this.#writeFrame(conn, from, piece);
    }
  }

  /**
   * Records the close of a WebSocket.
   *
   * @param conn The connection id.
   * @param close The close code, reason, and who closed.
   */
  wsClose(conn: string, close: { code: number; reason: string; by: "client" | "server" }): void {
    const t = this.#writer.now();
    for (const from of ["client", "server"] as const) {
      const key = `${conn} ${from}`;
      for (const piece of this.#guards.get(key)?.flush() ?? []) this.#writeFrame(conn, from, piece);
      this.#guards.delete(key);
    }
    const code = close.code >= 1000 && close.code <= 4999 ? close.code : 1006;
    this.#writeTimed({
      type: "ws.close",
      conn,
      t,
      code,
      reason: this.#redactor.text(close.reason),
      by: close.by,
    });
  }

  /**
   * Writes what is still held back and closes the file.
   *
   * @returns A promise that settles when the file is closed.
   */
  close(): Promise<void> {
    if (!this.#writer.closed) {
      for (const [key, guard] of this.#guards) {
        const [conn, from] = key.split(" ");
        for (const piece of guard.flush()) {
          if (from === undefined) {
            this.#writeTimed({
              type: "http.chunk",
              conn,
              t: piece.meta.t,
              data: toTapeData(piece.bytes),
            });
          } else {
            this.#writeFrame(conn, from as "client" | "server", piece);
          }
        }
      }
      this.#guards.clear();
      this.#writer.close();
    }
    return Promise.resolve();
  }

  /** Closes the recorder, as {@linkcode TapeRecorder.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #guard(key: string): SplitSecretGuard<PieceMeta> {
    let guard = this.#guards.get(key);
    if (guard === undefined) {
      guard = this.#redactor.streamGuard<PieceMeta>();
      this.#guards.set(key, guard);
    }
    return guard;
  }

  #flushChunks(conn: string): void {
    for (const piece of this.#guards.get(conn)?.flush() ?? []) {
      this.#writeTimed({
        type: "http.chunk",
        conn,
        t: piece.meta.t,
        data: toTapeData(piece.bytes),
      });
    }
    this.#guards.delete(conn);
  }

  #writeFrame(conn: string, from: "client" | "server", piece: GuardedPiece<PieceMeta>): void {
    this.#writeTimed({
      type: "ws.frame",
      conn,
      t: piece.meta.t,
      from,
      opcode: piece.meta.opcode,
      data: toTapeData(piece.bytes),
    });
  }

  #write(record: UntimedTapeRecord): void {
    this.#writer.write({ ...record, t: this.#writer.now() } as Parameters<TapeWriter["write"]>[0]);
  }

  #writeTimed(record: Parameters<TapeWriter["write"]>[0]): void {
    this.#writer.write(record);
  }
}
