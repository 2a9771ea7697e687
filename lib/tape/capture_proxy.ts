/**
 * {@linkcode startCaptureProxy}: a recording proxy on loopback for any client, HTTP (SSE
 * passed on piece by piece as it arrives) and WebSocket (both ways), secrets kept out.
 *
 * @module
 */

import type { RedactionOptions } from "./redaction.ts";
import { TapeRecorder } from "./tape_recorder.ts";
import { recordedBody } from "./_recorded_body.ts";
import { connectWebSocket, type WebSocketConnection } from "../transport/websocket_connector.ts";
import { CodexWireError } from "../errors/codex_wire_error.ts";
import { offeredProtocols, upgradeWithProtocol } from "./_upgrade.ts";
import { LoopbackServer, settleWithin } from "./_loopback_server.ts";
import {
  checkMaxRequestBodyBytes,
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  readRequestBody,
} from "../transport/_request_body.ts";

/** Options of {@linkcode startCaptureProxy}. */
export interface CaptureProxyOptions extends RedactionOptions {
  /**
   * The server to forward to, such as `https://api.openai.com/v1`. Request paths are kept
   * as they are, and a query of its own (`?api-version=…`) goes first on every forwarded
   * request: point the client at {@linkcode CaptureProxy.baseUrl}.
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
  /**
   * The largest request body accepted, in bytes, both as sent and once decoded (a gzip or
   * zstd bomb); a larger one gets a 413 JSON error, is not forwarded and is not recorded.
   *
   * @default {67108864}
   */
  maxRequestBodyBytes?: number;
}

/** A running capture proxy; close it with `close()` or `await using`. */
export interface CaptureProxy extends AsyncDisposable {
  /** The origin, such as `http://127.0.0.1:41234`. */
  readonly url: string;
  /**
   * The origin plus the upstream's path and query (such as `http://127.0.0.1:41234/v1`, or
   * `http://127.0.0.1:41234/openai?api-version=2025-04-01` for an Azure upstream).
   */
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
const UPGRADE_OWN_HEADERS_REGEXP = /^(upgrade|connection|sec-websocket-.*|date|content-length)$/i;
const HANDSHAKE_REGEXP =
  /^(host|upgrade|connection|sec-websocket-(key|version|extensions|protocol))$/i;
// The largest upstream frame passed on (the `ws` package's own default).
const MAX_FRAME_BYTES = 100 * 1024 * 1024;
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * Starts a proxy that forwards to `upstream` and records every exchange to a tape.
 *
 * Response bodies are passed on piece by piece as they arrive (nothing is buffered);
 * request bodies, read whole up to `maxRequestBodyBytes` (413 past it), are forwarded as
 * they came and, in zstd or gzip, decoded for the tape with the encoding noted. WebSockets are forwarded both ways with their subprotocol and close
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
  const maxBodyBytes = checkMaxRequestBodyBytes(
    "the capture proxy",
    options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
  );
  const owned = !(options.out instanceof TapeRecorder);
  const recorder = options.out instanceof TapeRecorder
    ? options.out
    : await TapeRecorder.create(options.out, { ...options, tool: "codexwire capture" });
  return new RecordingProxy(upstream, recorder, owned, maxBodyBytes, options);
}

/**
 * Where a request to the proxy goes: its path on the upstream's origin, with the
 * upstream's own query (`?api-version=…` of an Azure base) first and then the client's.
 * A client pointed at the proxy's `baseUrl` already sends the upstream's parameters, so
 * the client's parameters that repeat one of them exactly are not sent twice.
 */
function forwardedUrl(upstream: URL, own: readonly string[], incoming: URL): URL {
  const unmatched = [...own];
  const added = queryParts(incoming).filter((part) => {
    if (part === "") return false;
    const index = unmatched.indexOf(part);
    if (index === -1) return true;
    unmatched.splice(index, 1);
    return false;
  });
  const target = new URL(incoming.pathname, upstream);
  const query = [...own, ...added].join("&");
  target.search = query === "" ? "" : `?${query}`;
  return target;
}

/** The `name=value` parts of a URL's query, in order. */
function queryParts(url: URL): string[] {
  return url.search.slice(1).split("&").filter((part) => part !== "");
}

/** A JSON error answer of the proxy itself. */
function captureError(status: number, type: string, message: string): Response {
  return Response.json({ error: { message, type } }, { status });
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
  // The upstream's own query parts, sent first on every forwarded request.
  #upstreamQuery: readonly string[];
  #recorder: TapeRecorder;
  #ownsRecorder: boolean;
  #log: (line: string) => void;
  #connectTimeoutMs: number;
  #maxBodyBytes: number;
  #server: LoopbackServer;
  #closing: AbortController = new AbortController();
  #sockets: Set<OpenSocket> = new Set();

  constructor(
    upstream: URL,
    recorder: TapeRecorder,
    owned: boolean,
    maxBodyBytes: number,
    options: CaptureProxyOptions,
  ) {
    this.#upstream = upstream;
    this.#upstreamQuery = queryParts(upstream);
    this.#recorder = recorder;
    this.#ownsRecorder = owned;
    // deno-lint-ignore no-console
    this.#log = options.log ?? ((line) => console.error(line));
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.#maxBodyBytes = maxBodyBytes;
    this.#server = new LoopbackServer({
      port: options.port,
      beforeShutdown: () => this.#endSockets(),
      afterShutdown: () => this.#ownsRecorder ? this.#recorder.close() : Promise.resolve(),
      onError: (error) => {
        this.#log(`codexwire capture: ${String(error)}`);
        return captureError(502, "capture_error", String(error));
      },
    }, (request) => this.#handle(request));
    this.port = this.#server.port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.baseUrl = `${this.url}${upstream.pathname.replace(/\/$/, "")}${upstream.search}`;
  }

  get path(): string {
    return this.#recorder.path;
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #endSockets(): Promise<void> {
    this.#closing.abort();
    for (const socket of this.#sockets) socket.close();
    await Promise.all([...this.#sockets].map((socket) => settleWithin(socket.closed, 2000)));
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
    const target = forwardedUrl(this.#upstream, this.#upstreamQuery, incoming);
    const encoding = request.headers.get("content-encoding") ?? undefined;
    let raw: Uint8Array<ArrayBuffer> | undefined;
    let decoded: Uint8Array | undefined;
    let noted = encoding;
    if (request.body !== null) {
      const maxBytes = this.#maxBodyBytes;
      const read = await readRequestBody(request, maxBytes);
      if (read.kind === "tooLarge") {
        const message =
          `The capture proxy accepts request bodies of up to ${maxBytes} bytes, sent and decoded: raise the bound with maxRequestBodyBytes (startCaptureProxy) or --max-request-body-bytes (codexwire capture)`;
        this.#log(`codexwire capture: ${request.method} ${incoming.pathname} refused: ${message}`);
        return captureError(413, "capture_body_too_large", message);
      }
      if (read.kind === "unreadable" && read.raw === undefined) {
        const message = `Cannot read the request body: ${read.message}`;
        this.#log(`codexwire capture: ${request.method} ${incoming.pathname} refused: ${message}`);
        return captureError(400, "capture_unreadable_body", message);
      }
      raw = read.raw;
      // A body that does not decode is still forwarded as it came, and recorded as sent.
      decoded = read.kind === "ok" ? read.decoded : raw;
      if (read.kind === "unreadable") noted = `${encoding} (not decoded: ${read.message})`;
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
      return captureError(502, "capture_upstream_unreachable", message);
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
    const target = forwardedUrl(this.#upstream, this.#upstreamQuery, new URL(request.url));
    target.protocol = this.#upstream.protocol === "https:" ? "wss:" : "ws:";
    const protocols = offeredProtocols(request);
    // The URL the client opened: `ws:`, as a client's own recording writes it.
    const clientUrl = request.url.replace(/^http/, "ws");
    const headers: [string, string][] = [];
    for (const [name, value] of request.headers) {
      if (!HANDSHAKE_REGEXP.test(name)) headers.push([name, value]);
    }
    const handshake = await this.#connectUpstream(target.href, protocols, headers);
    if (handshake.kind === "refused") {
      // A refused upgrade is an ordinary HTTP answer (a 426 tells Codex to use HTTP):
      // recorded and passed on as one, so a replay refuses the same way.
      this.#record((r) => {
        r.httpRequest(conn, { method: request.method, url: request.url, headers: request.headers });
        r.httpResponse(conn, handshake.status, handshake.headers);
        if (handshake.body.length > 0) r.httpChunk(conn, handshake.body);
        r.httpEnd(conn);
      });
      const forwarded = new Headers();
      for (const [name, value] of handshake.headers) {
        if (!DECODED_RESPONSE_HEADERS.has(name)) forwarded.append(name, value);
      }
      return new Response(
        NULL_BODY_STATUSES.has(handshake.status) ? null : handshake.body,
        { status: handshake.status, headers: forwarded },
      );
    }
    if (handshake.kind === "failed") {
      const message = `The upstream WebSocket ${target.href} did not open: ${handshake.message}`;
      this.#log(`codexwire capture: ${message}`);
      this.#record((r) => {
        r.wsOpen(conn, {
          url: clientUrl,
          requestHeaders: request.headers,
          protocols,
          protocol: "",
        });
        r.wsClose(conn, { code: 1006, reason: message, by: "server" });
      });
      return captureError(502, "capture_upstream_unreachable", message);
    }
    const upstream = handshake.connection;
    if (this.#closing.signal.aborted) {
      await upstream.close(1001, "The capture proxy is closing");
      return Response.json({ error: { message: "The capture proxy is closing" } }, { status: 503 });
    }
    this.#record((r) =>
      r.wsOpen(conn, {
        url: clientUrl,
        requestHeaders: request.headers,
        responseHeaders: upstream.responseHeaders,
        protocols,
        protocol: upstream.protocol,
      })
    );
    const { socket: client, response } = upgradeWithProtocol(request, upstream.protocol);
    for (const [name, value] of upstream.responseHeaders) {
      if (!UPGRADE_OWN_HEADERS_REGEXP.test(name)) response.headers.append(name, value);
    }
    client.binaryType = "arraybuffer";
    this.#pipe(conn, client, upstream);
    return response;
  }

  // Opens the upstream WebSocket with the connector (which shows the 101 answer's headers
  // and a refused upgrade's answer, unlike the runtime's WebSocket). Never rejects.
  async #connectUpstream(
    url: string,
    protocols: string[],
    headers: [string, string][],
  ): Promise<
    | { kind: "open"; connection: WebSocketConnection }
    | {
      kind: "refused";
      status: number;
      headers: [string, string][];
      body: Uint8Array<ArrayBuffer>;
    }
    | { kind: "failed"; message: string }
  > {
    try {
      const connection = await connectWebSocket(url, {
        headers,
        protocols,
        connectTimeoutMs: this.#connectTimeoutMs,
        perMessageDeflate: false,
        maxFrameBytes: MAX_FRAME_BYTES,
      });
      return { kind: "open", connection };
    } catch (error) {
      if (error instanceof CodexWireError && error.status !== undefined) {
        return {
          kind: "refused",
          status: error.status,
          headers: [...error.headers ?? []],
          body: new TextEncoder().encode(error.body ?? ""),
        };
      }
      return { kind: "failed", message: error instanceof Error ? error.message : String(error) };
    }
  }

  #pipe(conn: string, client: WebSocket, upstream: WebSocketConnection): void {
    let closedBy: "client" | "server" | undefined;
    const waiting: (string | Uint8Array)[] = [];
    const bothClosed = Promise.withResolvers<void>();
    let open = 2;
    const oneClosed = () => {
      if (--open === 0) bothClosed.resolve();
    };
    const entry: OpenSocket = {
      close() {
        closeSocket(client, 1001, "The capture proxy is closing");
        void upstream.close(1001, "The capture proxy is closing");
      },
      closed: bothClosed.promise,
    };
    this.#sockets.add(entry);
    bothClosed.promise.then(() => this.#sockets.delete(entry));
    const recordClose = (by: "client" | "server", code: number, reason: string) => {
      if (closedBy !== undefined) return;
      closedBy = by;
      this.#record((r) => r.wsClose(conn, { code, reason, by }));
    };

    client.addEventListener("open", () => {
      for (const payload of waiting.splice(0)) {
        client.send(payload as string | Uint8Array<ArrayBuffer>);
      }
    });
    client.addEventListener("message", (event) => {
      const payload = typeof event.data === "string"
        ? event.data
        : new Uint8Array(event.data as ArrayBuffer);
      this.#record((r) => r.wsFrame(conn, "client", payload));
      // A send that fails means the upstream is closing; its close is piped below.
      if (upstream.isOpen) upstream.send(payload).catch(() => {});
    });
    client.addEventListener("close", (event) => {
      recordClose("client", event.code, event.reason);
      void upstream.close(event.code, event.reason);
      oneClosed();
    });
    // The upstream's frames, then its close (every connection ends with one).
    (async () => {
      for (;;) {
        for (const frame of await upstream.receive()) {
          if (frame.type === "close") {
            recordClose("server", frame.code, frame.reason);
            closeSocket(client, frame.code, frame.reason);
            oneClosed();
            return;
          }
          if (frame.type === "error") continue;
          const payload = frame.data;
          this.#record((r) => r.wsFrame(conn, "server", payload));
          if (client.readyState === WebSocket.OPEN) {
            client.send(payload as string | Uint8Array<ArrayBuffer>);
          } else if (client.readyState === WebSocket.CONNECTING) waiting.push(payload);
        }
      }
    })().catch(() => {});
    client.addEventListener("error", () => {});
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
