/**
 * {@linkcode startCaptureProxy}: a recording proxy on loopback for any client, HTTP (SSE
 * passed on piece by piece as it arrives) and WebSocket (both ways), secrets kept out.
 *
 * @module
 */

import { decodeContentEncoding } from "../compression/decode_content_encoding.ts";
import { abortableSleep } from "../transport/backoff.ts";
import type { RedactionOptions } from "./redaction.ts";
import { TapeRecorder } from "./tape_recorder.ts";
import { recordedBody } from "./_recorded_body.ts";

/** Options of {@linkcode startCaptureProxy}. */
export interface CaptureProxyOptions extends RedactionOptions {
  /**
   * The server to forward to, such as `https://api.openai.com/v1`. Request paths are kept
   * as they are: point the client at {@linkcode CaptureProxy.baseUrl}.
   */
  upstream: string | URL;
  /** The tape file to write (created or emptied), or a recorder to write to. */
  out: string | URL | TapeRecorder;
  /**
   * The port on 127.0.0.1; 0 picks a free one.
   *
   * @default {0}
   */
  port?: number;
  /**
   * Where log lines go (an upstream that cannot be reached, a record refused).
   *
   * @default {console.error}
   */
  log?: (line: string) => void;
  /**
   * How long to wait for the upstream's WebSocket handshake, in milliseconds.
   *
   * @default {15000}
   */
  connectTimeoutMs?: number;
}

/** A running capture proxy; close it with `close()` or `await using`. */
export interface CaptureProxy extends AsyncDisposable {
  /** The origin, such as `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The origin plus the upstream's path (such as `http://127.0.0.1:41234/v1`). */
  readonly baseUrl: string;
  /** The port. */
  readonly port: number;
  /** The tape file. */
  readonly path: string;
  /**
   * Stops the proxy: open bodies and sockets are cut, and the tape is closed (when the
   * proxy opened it).
   *
   * @returns A promise that settles once everything is closed.
   */
  close(): Promise<void>;
}

const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "upgrade",
  "proxy-connection",
  "te",
  "trailer",
]);
const DECODED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  "content-encoding",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
]);
const HANDSHAKE_REGEXP =
  /^(host|upgrade|connection|sec-websocket-(key|version|extensions|protocol))$/i;
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * Starts a proxy that forwards to `upstream` and records every exchange to a tape.
 *
 * HTTP bodies are passed on piece by piece as they arrive (nothing is buffered); request
 * bodies in zstd or gzip are forwarded as they came and decoded for the tape, with the
 * encoding noted. WebSockets are forwarded both ways with their subprotocol and close
 * codes. Secrets are replaced before anything is written.
 *
 * @param options The upstream, the tape, the port and what to redact.
 * @returns The running proxy.
 *
 * @example Record one exchange
 * ```ts
 * import { startCaptureProxy } from "./capture_proxy.ts";
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * await using upstream = Deno.serve({ port: 0, onListen() {} }, () => new Response("hi"));
 * const out = await Deno.makeTempFile({ suffix: ".jsonl" });
 * {
 *   await using proxy = await startCaptureProxy({
 *     upstream: `http://127.0.0.1:${upstream.addr.port}/v1`,
 *     out,
 *   });
 *   assert.equal(await (await fetch(`${proxy.baseUrl}/models`)).text(), "hi");
 * }
 * const tape = await Tape.read(out);
 * assert.deepEqual(tape.records.map((r) => r.type), [
 *   "http.request",
 *   "http.response",
 *   "http.chunk",
 *   "http.end",
 * ]);
 * await Deno.remove(out);
 * ```
 */
export async function startCaptureProxy(options: CaptureProxyOptions): Promise<CaptureProxy> {
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== "http:" && upstream.protocol !== "https:") {
    throw new TypeError(
      `Cannot capture from "${upstream.href}": the upstream must be an http or https URL`,
    );
  }
  const owned = !(options.out instanceof TapeRecorder);
  const recorder = options.out instanceof TapeRecorder
    ? options.out
    : await TapeRecorder.create(options.out, { ...options, tool: "codexwire capture" });
  return new RecordingProxy(upstream, recorder, owned, options);
}

interface OpenSocket {
  close(): void;
  closed: Promise<void>;
}

class RecordingProxy implements CaptureProxy {
  readonly url: string;
  readonly baseUrl: string;
  readonly port: number;
  #upstream: URL;
  #recorder: TapeRecorder;
  #ownsRecorder: boolean;
  #log: (line: string) => void;
  #connectTimeoutMs: number;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #closing: AbortController = new AbortController();
  #sockets: Set<OpenSocket> = new Set();
  #closed: Promise<void> | undefined;

  constructor(upstream: URL, recorder: TapeRecorder, owned: boolean, options: CaptureProxyOptions) {
    this.#upstream = upstream;
    this.#recorder = recorder;
    this.#ownsRecorder = owned;
    // deno-lint-ignore no-console
    this.#log = options.log ?? ((line) => console.error(line));
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen() {},
      onError: (error) => {
        this.#log(`codexwire capture: ${String(error)}`);
        return Response.json({ error: { message: String(error), type: "capture_error" } }, {
          status: 502,
        });
      },
    }, (request) => this.#handle(request));
    this.port = this.#server.addr.port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.baseUrl = `${this.url}${upstream.pathname.replace(/\/$/, "")}`;
  }

  get path(): string {
    return this.#recorder.path;
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    this.#closing.abort();
    for (const socket of this.#sockets) socket.close();
    await Promise.all([...this.#sockets].map((socket) => settleWithin(socket.closed, 2000)));
    await this.#server.shutdown();
    await this.#server.finished;
    if (this.#ownsRecorder) await this.#recorder.close();
  }

  /** Records without letting a refused record break the forwarding. */
  #record(action: (recorder: TapeRecorder) => void): void {
    try {
      action(this.#recorder);
    } catch (error) {
      this.#log(`codexwire capture: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #handle(request: Request): Promise<Response> | Response {
    const conn = this.#recorder.newConnection();
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      return this.#webSocket(request, conn);
    }
    return this.#http(request, conn);
  }

  async #http(request: Request, conn: string): Promise<Response> {
    const incoming = new URL(request.url);
    const target = new URL(incoming.pathname + incoming.search, this.#upstream);
    const raw = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const encoding = request.headers.get("content-encoding") ?? undefined;
    let decoded: Uint8Array | undefined = raw;
    let noted = encoding;
    if (raw !== undefined && encoding !== undefined) {
      try {
        decoded = await decodeContentEncoding(raw, encoding);
      } catch (error) {
        noted = `${encoding} (not decoded: ${error instanceof Error ? error.message : error})`;
      }
    }
    this.#record((r) =>
      r.httpRequest(conn, {
        method: request.method,
        url: request.url,
        headers: [...request.headers],
        ...(decoded === undefined ? {} : { body: decoded }),
        ...(noted === undefined ? {} : { encoding: noted }),
      })
    );
    const headers = new Headers();
    for (const [name, value] of request.headers) {
      if (!HOP_BY_HOP.has(name)) headers.append(name, value);
    }
    let answer: Response;
    try {
      answer = await fetch(target, {
        method: request.method,
        headers,
        ...(raw === undefined ? {} : { body: raw }),
        redirect: "manual",
        signal: this.#closing.signal,
      });
    } catch (error) {
      const message = `The upstream ${target.origin} could not be reached: ${
        error instanceof Error ? error.message : error
      }`;
      this.#record((r) => r.httpError(conn, message));
      this.#log(`codexwire capture: ${message}`);
      return Response.json({ error: { message, type: "capture_upstream_unreachable" } }, {
        status: 502,
      });
    }
    this.#record((r) => r.httpResponse(conn, answer.status, [...answer.headers]));
    const forwarded = new Headers();
    for (const [name, value] of answer.headers) {
      if (!DECODED_RESPONSE_HEADERS.has(name)) forwarded.append(name, value);
    }
    const init = { status: answer.status, statusText: answer.statusText, headers: forwarded };
    if (answer.body === null || NULL_BODY_STATUSES.has(answer.status)) {
      await answer.body?.cancel();
      this.#record((r) => r.httpEnd(conn));
      return new Response(null, init);
    }
    return new Response(recordedBody(answer.body, conn, (action) => this.#record(action)), init);
  }

  async #webSocket(request: Request, conn: string): Promise<Response> {
    const incoming = new URL(request.url);
    const target = new URL(incoming.pathname + incoming.search, this.#upstream);
    target.protocol = this.#upstream.protocol === "https:" ? "wss:" : "ws:";
    const protocols = (request.headers.get("sec-websocket-protocol") ?? "")
      .split(",").map((p) => p.trim()).filter((p) => p !== "");
    const headers: [string, string][] = [];
    for (const [name, value] of request.headers) {
      if (!HANDSHAKE_REGEXP.test(name)) headers.push([name, value]);
    }
    const upstream = new WebSocket(target, { protocols, headers });
    upstream.binaryType = "arraybuffer";
    const opened = await waitForOpen(upstream, this.#connectTimeoutMs, this.#closing.signal);
    if (opened !== true) {
      const message = `The upstream WebSocket ${target.href} did not open: ${opened}`;
      this.#log(`codexwire capture: ${message}`);
      this.#record((r) => {
        r.wsOpen(conn, {
          url: request.url,
          requestHeaders: request.headers,
          protocols,
          protocol: "",
        });
        r.wsClose(conn, { code: 1006, reason: message, by: "server" });
      });
      return Response.json({ error: { message, type: "capture_upstream_unreachable" } }, {
        status: 502,
      });
    }
    this.#record((r) =>
      r.wsOpen(conn, {
        url: request.url,
        requestHeaders: request.headers,
        responseHeaders: [],
        protocols,
        protocol: upstream.protocol,
      })
    );
    const { socket: client, response } = Deno.upgradeWebSocket(
      request,
      upstream.protocol === "" ? {} : { protocol: upstream.protocol },
    );
    client.binaryType = "arraybuffer";
    this.#pipe(conn, client, upstream);
    return response;
  }

  #pipe(conn: string, client: WebSocket, upstream: WebSocket): void {
    let closedBy: "client" | "server" | undefined;
    const waiting: (string | ArrayBuffer)[] = [];
    const bothClosed = Promise.withResolvers<void>();
    let open = 2;
    const oneClosed = () => {
      if (--open === 0) bothClosed.resolve();
    };
    const entry: OpenSocket = {
      close() {
        closeSocket(client, 1001, "The capture proxy is closing");
        closeSocket(upstream, 1001, "The capture proxy is closing");
      },
      closed: bothClosed.promise,
    };
    this.#sockets.add(entry);
    bothClosed.promise.then(() => this.#sockets.delete(entry));

    const frame = (from: "client" | "server", data: unknown): string | ArrayBuffer => {
      const payload = typeof data === "string" ? data : data as ArrayBuffer;
      this.#record((r) =>
        r.wsFrame(conn, from, typeof payload === "string" ? payload : new Uint8Array(payload))
      );
      return payload;
    };
    client.addEventListener("open", () => {
      for (const payload of waiting.splice(0)) client.send(payload);
    });
    client.addEventListener("message", (event) => {
      const payload = frame("client", event.data);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(payload);
    });
    upstream.addEventListener("message", (event) => {
      const payload = frame("server", event.data);
      if (client.readyState === WebSocket.OPEN) client.send(payload);
      else if (client.readyState === WebSocket.CONNECTING) waiting.push(payload);
    });
    const onClose = (by: "client" | "server", other: WebSocket) => (event: CloseEvent) => {
      if (closedBy === undefined) {
        closedBy = by;
        this.#record((r) => r.wsClose(conn, { code: event.code, reason: event.reason, by }));
      }
      closeSocket(other, event.code, event.reason);
      oneClosed();
    };
    client.addEventListener("close", onClose("client", upstream));
    upstream.addEventListener("close", onClose("server", client));
    client.addEventListener("error", () => {});
    upstream.addEventListener("error", () => {});
  }
}

function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
  try {
    if (code === 1000 || (code >= 3000 && code <= 4999)) socket.close(code, reason);
    else socket.close();
  } catch {
    socket.close();
  }
}

/** Resolves `true` once open, or a reason why not (closed, error, timeout, proxy closing). */
function waitForOpen(
  socket: WebSocket,
  timeoutMs: number,
  closing: AbortSignal,
): Promise<true | string> {
  const stop = new AbortController();
  return new Promise<true | string>((resolve) => {
    const done = (result: true | string) => {
      stop.abort();
      if (result !== true) closeSocket(socket, 1000, "");
      resolve(result);
    };
    socket.addEventListener("open", () => done(true), { signal: stop.signal });
    socket.addEventListener("error", (event) => {
      done(`error: ${(event as ErrorEvent).message ?? "the handshake failed"}`);
    }, { signal: stop.signal });
    socket.addEventListener("close", (event) => done(`closed with code ${event.code}`), {
      signal: stop.signal,
    });
    abortableSleep(timeoutMs, AbortSignal.any([stop.signal, closing])).then(
      () => done(`no handshake within ${timeoutMs} ms`),
      () => {
        if (closing.aborted && !stop.signal.aborted) done("the capture proxy is closing");
      },
    );
  });
}

async function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([promise, abortableSleep(ms, stop.signal).catch(() => {})]);
  } finally {
    stop.abort();
  }
}
