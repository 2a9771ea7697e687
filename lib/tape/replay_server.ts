/**
 * {@linkcode startReplayServer}: serves a tape's HTTP exchanges and WebSocket sessions on
 * loopback, so any client can run against a recording.
 *
 * @module
 */

import {
  type Chunking,
  pacedBody,
  Pacer,
  parseChunking,
  rechunk,
  ReplayBreak,
  type TimedPiece,
} from "./pacing.ts";
import { bodyDifferences, normalizeRequestBody } from "./normalize_request_body.ts";
import { FaultBook, INJECTED_ERROR_EVENT, parseFault, type ReplayFault } from "./replay_fault.ts";
import { type HttpInteraction, Tape, type WsInteraction } from "./tape.ts";
import { fromTapeData, type WsFrameRecord } from "./tape_record.ts";
import {
  checkMaxRequestBodyBytes,
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  readRequestBody,
} from "../transport/_request_body.ts";
import { offeredProtocols, upgradeWithProtocol } from "./_upgrade.ts";
import { LoopbackServer, settleWithin } from "./_loopback_server.ts";

/** Options of {@linkcode startReplayServer}. */
export interface ReplayServerOptions {
  /**
   * The port on 127.0.0.1; 0 picks a free one.
   *
   * @default {0}
   */
  port?: number;
  /**
   * `0` sends everything at once, `1` keeps the recorded timing, `N` is N times faster.
   *
   * @default {0}
   */
  speed?: number;
  /**
   * How bodies are cut into writes (`"random:SEED"` is accepted as text).
   *
   * @default {"recorded"}
   */
  chunking?: Chunking | string;
  /** Faults to add (objects, or their command-line text such as `"429:1,times=1"`). */
  faults?: readonly (ReplayFault | string)[];
  /**
   * Match requests by their (normalised) body too, not only method, path and order.
   *
   * @default {false}
   */
  matchBody?: boolean;
  /**
   * Move rate-limit reset times (`x-*-reset-at` response headers, Unix seconds) forward
   * by the time since the tape was recorded, so they lie as far ahead as they did then.
   *
   * @default {false}
   */
  shiftResetTimes?: boolean;
  /**
   * Where log lines go (an unmatched request and what differed, a client message that
   * differs from the recording).
   *
   * @default {console.error}
   */
  log?: (line: string) => void;
  /**
   * The largest request body accepted, in bytes, both as sent and once decoded (a gzip or
   * zstd bomb); a larger one gets a 413 JSON error.
   *
   * @default {67108864}
   */
  maxRequestBodyBytes?: number;
}

/** A running replay server; close it with `close()` or `await using`. */
export interface ReplayServer extends AsyncDisposable {
  /** The origin, such as `http://127.0.0.1:41234`. */
  readonly url: string;
  /**
   * The origin plus the path prefix of the tape's first request (such as
   * `http://127.0.0.1:41234/v1`): a base URL for SDKs.
   */
  readonly baseUrl: string;
  /** The port. */
  readonly port: number;
  /** The tape served. */
  readonly tape: Tape;
  /** How many requests and sockets found no recording. */
  readonly unmatched: number;
  /**
   * Stops the server: bodies being paced break off, sockets close with 1001.
   *
   * @returns A promise that settles once every connection is gone.
   */
  close(): Promise<void>;
}

/**
 * Starts a server that replays a tape.
 *
 * Requests are matched by method and path, then by order (the n-th request on a path gets
 * the n-th recording, round and round), and with `matchBody` also by the body with its
 * volatile parts normalised. A request with no match gets a 404 JSON error naming the tape
 * and the closest recording, and a log line says what differed. WebSocket server messages
 * are sent after the client messages they followed, each delayed as recorded (scaled by
 * `speed`) from that client message; those before any client message are timed from the
 * handshake.
 *
 * @param tape A tape, or the path of a tape file.
 * @param options Port, speed, chunking, faults, matching and logging.
 * @returns The running server.
 * @throws {CodexWireError} `kind: "tape"` when the tape file is bad.
 * @throws {TypeError} When a chunking or fault text is not understood.
 *
 * @example Replay an SSE exchange
 * ```ts
 * import { startReplayServer } from "./replay_server.ts";
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * const tape = Tape.parse([
 *   '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}',
 *   '{"type":"http.request","t":0,"conn":"c1","method":"POST","url":"http://h/v1/responses","headers":[]}',
 *   '{"type":"http.response","t":1,"conn":"c1","status":200,"headers":[["content-type","text/event-stream"]]}',
 *   '{"type":"http.chunk","t":2,"conn":"c1","data":{"text":"data: {}\\n\\n"}}',
 *   '{"type":"http.end","t":3,"conn":"c1"}',
 * ].join("\n"));
 * await using server = await startReplayServer(tape);
 * const response = await fetch(`${server.baseUrl}/responses`, { method: "POST", body: "{}" });
 * assert.equal(await response.text(), "data: {}\n\n");
 * ```
 */
export async function startReplayServer(
  tape: Tape | string | URL,
  options: ReplayServerOptions = {},
): Promise<ReplayServer> {
  const loaded = tape instanceof Tape ? tape : await Tape.read(tape);
  const speed = options.speed ?? 0;
  if (!Number.isFinite(speed) || speed < 0) {
    throw new RangeError(`Cannot replay at speed ${speed}: use 0 (instant), 1 (recorded) or more`);
  }
  const chunking = typeof options.chunking === "string"
    ? parseChunking(options.chunking)
    : options.chunking ?? "recorded";
  const faults = (options.faults ?? []).map((fault) =>
    typeof fault === "string" ? parseFault(fault) : fault
  );
  return new TapeReplayServer(loaded, {
    port: options.port ?? 0,
    speed,
    chunking,
    faults,
    matchBody: options.matchBody ?? false,
    shiftSeconds: options.shiftResetTimes === true
      ? Math.max(0, Math.floor((Date.now() - Date.parse(loaded.header.created)) / 1000) || 0)
      : 0,
    // deno-lint-ignore no-console
    log: options.log ?? ((line) => console.error(line)),
    maxBodyBytes: checkMaxRequestBodyBytes(
      "the replay server",
      options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
    ),
  });
}

interface Settings {
  port: number;
  speed: number;
  chunking: Chunking;
  faults: ReplayFault[];
  matchBody: boolean;
  shiftSeconds: number;
  log: (line: string) => void;
  maxBodyBytes: number;
}

interface Candidate<T> {
  interaction: T;
  method: string;
  path: string;
  body: unknown;
}

const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "date",
]);
const DROPPED_UPGRADE_HEADERS_REGEXP =
  /^(upgrade|connection|sec-websocket-.*|date|content-length)$/i;

class TapeReplayServer implements ReplayServer {
  readonly url: string;
  readonly baseUrl: string;
  readonly port: number;
  readonly tape: Tape;
  unmatched = 0;
  #settings: Settings;
  #faults: FaultBook;
  #http: Candidate<HttpInteraction>[];
  #ws: Candidate<WsInteraction>[];
  #cursors: Map<string, number> = new Map();
  #server: LoopbackServer;
  #closing: AbortController = new AbortController();
  #sockets: Set<{ socket: WebSocket; closed: Promise<void> }> = new Set();

  constructor(tape: Tape, settings: Settings) {
    this.tape = tape;
    this.#settings = settings;
    this.#faults = new FaultBook(settings.faults);
    this.#http = tape.http.map((interaction) => ({
      interaction,
      method: interaction.request.method,
      path: pathOf(interaction.request.url),
      body: parseBody(
        interaction.request.body === undefined ? undefined : fromTapeData(interaction.request.body),
      ),
    }));
    this.#ws = tape.webSockets.map((interaction) => ({
      interaction,
      method: "GET",
      path: pathOf(interaction.open.url),
      body: undefined,
    }));
    this.#server = new LoopbackServer({
      port: settings.port,
      beforeShutdown: () => this.#endSockets(),
      onError: (error) => {
        if (!(error instanceof ReplayBreak)) settings.log(`codexwire replay: ${String(error)}`);
        return Response.json({ error: { message: String(error), type: "replay_error" } }, {
          status: 500,
        });
      },
    }, (request) => this.#handle(request));
    this.port = this.#server.port;
    this.url = `http://127.0.0.1:${this.port}`;
    const first = this.#http[0]?.path ?? this.#ws[0]?.path ?? "/";
    this.baseUrl = `${this.url}${first.slice(0, first.lastIndexOf("/"))}`;
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #endSockets(): Promise<void> {
    this.#closing.abort();
    for (const { socket } of this.#sockets) {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
        try {
          socket.close(1001, "The replay server is closing");
        } catch {
          // Already closing: its close event still comes.
        }
      }
    }
    await Promise.all([...this.#sockets].map(({ closed }) => settleWithin(closed, 2000)));
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const isUpgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
    let body: unknown;
    if (!isUpgrade) {
      const maxBytes = this.#settings.maxBodyBytes;
      const tooLarge = () =>
        jsonError(
          413,
          "replay_body_too_large",
          `The replay server accepts request bodies of up to ${maxBytes} bytes (maxRequestBodyBytes), sent and decoded`,
        );
      const read = await readRequestBody(request, maxBytes);
      if (read.kind === "tooLarge") return tooLarge();
      if (read.kind === "unreadable") {
        return jsonError(
          415,
          "replay_unreadable_body",
          `Cannot read the request body: ${read.message}`,
        );
      }
      body = parseBody(read.decoded);
    }
    const candidates: Candidate<HttpInteraction | WsInteraction>[] = isUpgrade
      ? this.#ws
      : this.#http;
    const match = this.#match(candidates, request.method, url.pathname, body);
    if (match === undefined) {
      // An upgrade the upstream refused (a 426, say) was recorded as an HTTP exchange.
      const refused = isUpgrade
        ? this.#match(this.#http, request.method, url.pathname, undefined)
        : undefined;
      if (refused !== undefined) return this.#replayHttp(refused, this.#faults.take("http"));
      return this.#unmatched(request.method, url.pathname, body, isUpgrade);
    }

    const faults = this.#faults.take(isUpgrade ? "ws" : "http");
    const status = faults.find((fault) => fault.kind === "status");
    if (status?.kind === "status") return faultStatus(status);
    if (isUpgrade) {
      if (faults.some((fault) => fault.kind === "refuseUpgrade")) {
        return jsonError(
          426,
          "upgrade_required",
          "The replay server refuses WebSocket upgrades (fault)",
        );
      }
      return this.#replayWebSocket(request, match as WsInteraction, faults);
    }
    return this.#replayHttp(match as HttpInteraction, faults);
  }

  #match<T>(
    candidates: Candidate<T>[],
    method: string,
    path: string,
    body: unknown,
  ): T | undefined {
    let fitting = candidates.filter((c) => c.method === method && c.path === path);
    let key = `${method} ${path}`;
    if (this.#settings.matchBody && fitting.length > 0) {
      const normalized = JSON.stringify(normalizeRequestBody(body));
      fitting = fitting.filter((c) => JSON.stringify(normalizeRequestBody(c.body)) === normalized);
      key += ` ${normalized}`;
    }
    if (fitting.length === 0) return undefined;
    const turn = this.#cursors.get(key) ?? 0;
    this.#cursors.set(key, turn + 1);
    return fitting[turn % fitting.length].interaction;
  }

  #unmatched(method: string, path: string, body: unknown, isUpgrade: boolean): Response {
    this.unmatched++;
    const kind = isUpgrade ? "WebSocket upgrade" : "request";
    const all: Candidate<unknown>[] = [...this.#http, ...this.#ws];
    let closest: { candidate: Candidate<unknown>; differences: string[] } | undefined;
    for (const candidate of all) {
      const differences: string[] = [];
      if (candidate.method !== method) differences.push(`method: ${candidate.method} ≠ ${method}`);
      if (candidate.path !== path) differences.push(`path: ${candidate.path} ≠ ${path}`);
      if (this.#settings.matchBody) {
        differences.push(
          ...bodyDifferences(normalizeRequestBody(candidate.body), normalizeRequestBody(body)),
        );
      }
      if (closest === undefined || differences.length < closest.differences.length) {
        closest = { candidate, differences };
      }
    }
    const named = closest === undefined
      ? "the tape has no recordings"
      : `the closest is ${closest.candidate.method} ${closest.candidate.path} (${
        connOf(closest.candidate.interaction)
      }), which differs in ${closest.differences.join("; ")}`;
    const message =
      `No recording in tape "${this.tape.name}" matches the ${kind} ${method} ${path}: ${named}`;
    this.#settings.log(`codexwire replay: ${message}`);
    return Response.json({
      error: {
        message,
        type: "replay_no_match",
        code: "replay_no_match",
        tape: this.tape.name,
        closest: closest === undefined ? null : {
          method: closest.candidate.method,
          path: closest.candidate.path,
          conn: (closest.candidate.interaction as { conn: string }).conn,
          differences: closest.differences,
        },
      },
    }, { status: 404 });
  }

  #replayHttp(interaction: HttpInteraction, faults: ReplayFault[]): Response {
    const { response } = interaction;
    if (response === undefined) {
      return jsonError(
        502,
        "replay_no_answer",
        `The recorded request got no answer: ${
          interaction.error?.message ?? "the tape ends first"
        }`,
      );
    }
    const headers = new Headers();
    const shift = this.#settings.shiftSeconds;
    for (const [name, value] of response.headers) {
      const lower = name.toLowerCase();
      if (DROPPED_RESPONSE_HEADERS.has(lower)) continue;
      const shifted = shift > 0 && lower.endsWith("-reset-at") && /^\d+$/.test(value)
        ? String(Number(value) + shift)
        : value;
      headers.append(name, shifted);
    }
    let pieces: TimedPiece[] = interaction.chunks.map((chunk) => ({
      bytes: fromTapeData(chunk.data),
      atMs: chunk.t - response.t,
    }));
    // A body the client cancelled had not failed: it ends where the client stopped reading.
    const ended = interaction.end !== undefined || interaction.error?.by === "client";
    let ending: "end" | "break" = ended ? "end" : "break";
    for (const fault of faults) {
      if (fault.kind === "errorFrame") {
        const event = `event: error\ndata: ${JSON.stringify(INJECTED_ERROR_EVENT)}\n\n`;
        pieces = insertAfterEvents(pieces, fault.afterEvents ?? 0, new TextEncoder().encode(event));
      }
    }
    for (const fault of faults) {
      if (fault.kind === "dropAfter") {
        pieces = cutAfterEvents(pieces, fault.events);
        ending = "break";
      }
    }
    pieces = rechunk(pieces, this.#settings.chunking);
    const delays = new Map<number, number>();
    for (const fault of faults) {
      if (fault.kind === "delayChunk") delays.set(fault.index, fault.ms);
    }
    const init = { status: response.status, headers };
    if (pieces.length === 0 && ending === "end") {
      return new Response(NULL_BODY_STATUSES.has(response.status) ? null : "", init);
    }
    return new Response(
      pacedBody(pieces, {
        speed: this.#settings.speed,
        signal: this.#closing.signal,
        delays,
        ending,
      }),
      init,
    );
  }

  #replayWebSocket(request: Request, interaction: WsInteraction, faults: ReplayFault[]): Response {
    const { open } = interaction;
    const protocol = choose(open.protocol, offeredProtocols(request));
    const { socket, response } = upgradeWithProtocol(request, protocol);
    for (const [name, value] of open.responseHeaders) {
      if (!DROPPED_UPGRADE_HEADERS_REGEXP.test(name)) {
        try {
          response.headers.append(name, value);
        } catch {
          // Some runtimes give the upgrade response immutable headers: the frames still replay.
        }
      }
    }
    socket.binaryType = "arraybuffer";
    const closed = Promise.withResolvers<void>();
    const entry = { socket, closed: closed.promise };
    this.#sockets.add(entry);
    new WebSocketScript(socket, interaction, faults, this.#settings, this.#closing.signal, () => {
      this.#sockets.delete(entry);
      closed.resolve();
    });
    return response;
  }
}

/** Plays one recorded WebSocket session on one server socket. */
class WebSocketScript {
  #socket: WebSocket;
  #settings: Settings;
  #groups: WsFrameRecord[][] = [[]];
  #anchors: number[];
  #clientFrames: WsFrameRecord[];
  #received = 0;
  #sent = 0;
  #chain: Promise<void> = Promise.resolve();
  #stop: AbortController = new AbortController();
  #faults: ReplayFault[];
  #interaction: WsInteraction;
  #finished = false;

  constructor(
    socket: WebSocket,
    interaction: WsInteraction,
    faults: ReplayFault[],
    settings: Settings,
    closing: AbortSignal,
    onClosed: () => void,
  ) {
    this.#socket = socket;
    this.#settings = settings;
    this.#faults = faults;
    this.#interaction = interaction;
    this.#clientFrames = interaction.frames.filter((frame) => frame.from === "client");
    this.#anchors = [interaction.open.t, ...this.#clientFrames.map((frame) => frame.t)];
    for (const frame of interaction.frames) {
      if (frame.from === "client") this.#groups.push([]);
      else this.#groups.at(-1)!.push(frame);
    }
    const signal = AbortSignal.any([closing, this.#stop.signal]);
    socket.addEventListener("open", () => this.#schedule(0, signal));
    socket.addEventListener("message", (event) => this.#onMessage(event, signal));
    socket.addEventListener("close", () => {
      this.#stop.abort();
      onClosed();
    });
    socket.addEventListener("error", () => {});
  }

  #onMessage(event: MessageEvent, signal: AbortSignal): void {
    const index = this.#received++;
    const recorded = this.#clientFrames[index];
    if (this.#settings.matchBody && recorded !== undefined) {
      const text = typeof event.data === "string" ? event.data : undefined;
      const expected = new TextDecoder().decode(fromTapeData(recorded.data));
      const differences = bodyDifferences(
        normalizeRequestBody(parseBody(new TextEncoder().encode(expected))),
        normalizeRequestBody(parseBody(new TextEncoder().encode(text ?? ""))),
      );
      if (differences.length > 0) {
        this.#settings.log(
          `codexwire replay: client message ${
            index + 1
          } on ${this.#interaction.conn} differs from the recording: ${differences.join("; ")}`,
        );
      }
    }
    if (index + 1 < this.#groups.length) this.#schedule(index + 1, signal);
  }

  #schedule(group: number, signal: AbortSignal): void {
    const start = performance.now();
    this.#chain = this.#chain.then(() => this.#play(group, start, signal)).catch(() => {});
  }

  async #play(group: number, start: number, signal: AbortSignal): Promise<void> {
    if (this.#finished) return;
    const pacer = new Pacer(this.#settings.speed, signal);
    // The pacer counts from now; the group's clock started when its trigger arrived.
    const lag = performance.now() - start;
    const anchor = this.#anchors[group];
    for (const frame of this.#groups[group]) {
      if (!await pacer.waitUntil(Math.max(0, frame.t - anchor - lag * this.#settings.speed))) {
        return;
      }
      if (!this.#applyFaults()) return;
      this.#send(fromTapeData(frame.data), frame.opcode);
      this.#sent++;
    }
    if (!this.#applyFaults()) return;
    const { close } = this.#interaction;
    const lastGroup = this.#groups.length - 1;
    if (group === lastGroup && close !== undefined && close.by === "server") {
      if (!await pacer.waitUntil(Math.max(0, close.t - anchor - lag * this.#settings.speed))) {
        return;
      }
      this.#close(close.code === 1005 || close.code === 1006 ? 1000 : close.code, close.reason);
    }
  }

  /** Applies the faults due after `#sent` messages; `false` when the socket was closed. */
  #applyFaults(): boolean {
    for (const fault of this.#faults) {
      if (fault.kind === "errorFrame" && (fault.afterEvents ?? 0) === this.#sent) {
        this.#send(new TextEncoder().encode(JSON.stringify(INJECTED_ERROR_EVENT)), "text");
        this.#faults = this.#faults.filter((f) => f !== fault);
      }
      if (fault.kind === "wsClose" && (fault.afterEvents ?? 0) === this.#sent) {
        this.#close(fault.code, fault.reason ?? "Closed by a replay fault");
        return false;
      }
      if (fault.kind === "dropAfter" && fault.events === this.#sent) {
        this.#close(1011, "Dropped by a replay fault");
        return false;
      }
    }
    return !this.#finished;
  }

  #send(bytes: Uint8Array<ArrayBuffer>, opcode: "text" | "binary"): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(opcode === "text" ? new TextDecoder().decode(bytes) : bytes);
  }

  #close(code: number, reason: string): void {
    this.#finished = true;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, reason);
  }
}

const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

function choose(recorded: string, offered: readonly string[]): string | undefined {
  if (recorded === "") return undefined;
  if (offered.includes(recorded)) return recorded;
  // A redacted key subprotocol matches whatever key the client offers now.
  const prefix = recorded.endsWith(".REDACTED") ? recorded.slice(0, -"REDACTED".length) : undefined;
  return offered.find((p) => prefix !== undefined && p.startsWith(prefix)) ?? offered[0];
}

/** Byte offsets just after each SSE event (a blank line) in the pieces joined. */
function eventEnds(pieces: readonly TimedPiece[]): number[] {
  const ends: number[] = [];
  let offset = 0;
  let previous = -1;
  let beforePrevious = -1;
  for (const piece of pieces) {
    for (let index = 0; index < piece.bytes.length; index++) {
      const byte = piece.bytes[index];
      if (
        byte === 0x0a &&
        (previous === 0x0a || (previous === 0x0d && beforePrevious === 0x0a))
      ) {
        ends.push(offset + index + 1);
      }
      beforePrevious = previous;
      previous = byte;
    }
    offset += piece.bytes.length;
  }
  return ends;
}

function splitAt(pieces: readonly TimedPiece[], at: number): [TimedPiece[], TimedPiece[]] {
  const before: TimedPiece[] = [];
  const after: TimedPiece[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const end = offset + piece.bytes.length;
    if (end <= at) before.push(piece);
    else if (offset >= at) after.push(piece);
    else {
      before.push({ bytes: piece.bytes.subarray(0, at - offset), atMs: piece.atMs });
      after.push({ bytes: piece.bytes.subarray(at - offset), atMs: piece.atMs });
    }
    offset = end;
  }
  return [before, after];
}

function cutAfterEvents(pieces: readonly TimedPiece[], events: number): TimedPiece[] {
  const ends = eventEnds(pieces);
  if (events >= ends.length) return [...pieces];
  return splitAt(pieces, events === 0 ? 0 : ends[events - 1])[0];
}

function insertAfterEvents(
  pieces: readonly TimedPiece[],
  events: number,
  bytes: Uint8Array,
): TimedPiece[] {
  const ends = eventEnds(pieces);
  const at = events === 0 ? 0 : ends[Math.min(events, ends.length) - 1] ?? 0;
  const [before, after] = splitAt(pieces, at);
  const atMs = before.at(-1)?.atMs ?? after[0]?.atMs ?? 0;
  return [...before, { bytes, atMs }, ...after];
}

function faultStatus(fault: { status: number; retryAfterSeconds?: number }): Response {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(fault.retryAfterSeconds);
  }
  const code = fault.status === 429 ? "rate_limit_exceeded" : "server_error";
  return jsonError(
    fault.status,
    code,
    `A ${fault.status} answer injected by the replay server`,
    headers,
  );
}

function jsonError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: { message, type: code, code } }, { status, headers });
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function parseBody(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined || bytes.length === 0) return undefined;
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function connOf(interaction: unknown): string {
  return `connection ${(interaction as { conn: string }).conn}`;
}
