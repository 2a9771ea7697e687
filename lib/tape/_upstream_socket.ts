// The capture proxy's WebSocket to the upstream, on npm:ws: unlike the runtime's
// WebSocket it shows the handshake's response headers (Codex reads `openai-model` and
// `x-reasoning-included` there) and the answer to a refused upgrade (such as 426).

// @ts-types="@types/ws"
import WebSocketClient from "ws";
import { concatBytes } from "../compression/_bytes.ts";

/** An open upstream socket, reduced to what the proxy needs. */
export interface UpstreamSocket {
  /** Whether messages can be sent. */
  readonly open: boolean;
  /** Sends a text (string) or binary message. */
  send(data: string | Uint8Array): void;
  /** Closes with a code and reason (a code that cannot be sent closes without one). */
  close(code: number, reason: string): void;
  /** Calls back for each message. */
  onMessage(listener: (data: string | Uint8Array) => void): void;
  /** Calls back once, when the socket has closed. */
  onClose(listener: (code: number, reason: string) => void): void;
}

/** How the upstream answered the handshake. */
export type UpstreamHandshake =
  | { kind: "open"; socket: UpstreamSocket; protocol: string; headers: [string, string][] }
  | { kind: "refused"; status: number; headers: [string, string][]; body: Uint8Array<ArrayBuffer> }
  | { kind: "failed"; message: string };

/**
 * Opens a WebSocket to the upstream with the client's subprotocols and headers.
 *
 * @param url The `ws:` or `wss:` URL.
 * @param protocols The subprotocols the client offered.
 * @param headers The client's handshake headers to pass on.
 * @param timeoutMs How long the handshake may take.
 * @returns The outcome; never rejects.
 */
export function connectUpstream(
  url: string,
  protocols: readonly string[],
  headers: readonly [string, string][],
  timeoutMs: number,
): Promise<UpstreamHandshake> {
  return new Promise<UpstreamHandshake>((resolve) => {
    let settled = false;
    const settle = (outcome: UpstreamHandshake) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let responseHeaders: [string, string][] = [];
    const socket = new WebSocketClient(url, [...protocols], {
      headers: Object.fromEntries(headers),
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      // Some servers (Deno's among them) only split the offer at ", ": send it that way.
      finishRequest(request) {
        if (protocols.length > 0) {
          request.setHeader("Sec-WebSocket-Protocol", protocols.join(", "));
        }
        request.end();
      },
    });
    socket.binaryType = "nodebuffer";
    socket.on("upgrade", (response) => {
      responseHeaders = pairs(response.rawHeaders);
    });
    socket.on("unexpected-response", (_request, response) => {
      const chunks: Uint8Array[] = [];
      response.on("data", (chunk: Uint8Array) => chunks.push(new Uint8Array(chunk)));
      response.on("end", () => {
        settle({
          kind: "refused",
          status: response.statusCode ?? 502,
          headers: pairs(response.rawHeaders),
          body: concatBytes(chunks),
        });
        socket.terminate();
      });
      response.on("error", (error) => settle({ kind: "failed", message: error.message }));
    });
    socket.on("error", (error) => settle({ kind: "failed", message: error.message }));
    socket.on("open", () => {
      settle({
        kind: "open",
        protocol: socket.protocol,
        headers: responseHeaders,
        socket: adapt(socket),
      });
    });
  });
}

function adapt(socket: WebSocketClient): UpstreamSocket {
  return {
    get open(): boolean {
      return socket.readyState === WebSocketClient.OPEN;
    },
    send(data) {
      socket.send(data, { binary: typeof data !== "string" });
    },
    close(code, reason) {
      if (socket.readyState !== WebSocketClient.OPEN) return;
      try {
        socket.close(code, reason);
      } catch {
        socket.close();
      }
    },
    onMessage(listener) {
      socket.on("message", (data, isBinary) => {
        const bytes = Array.isArray(data)
          ? concatBytes(data.map((part) => new Uint8Array(part)))
          : new Uint8Array(data as ArrayBuffer);
        listener(isBinary ? bytes : new TextDecoder().decode(bytes));
      });
    },
    onClose(listener) {
      socket.on("close", (code, reason) => listener(code, new TextDecoder().decode(reason)));
    },
  };
}

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let index = 0; index + 1 < raw.length; index += 2) {
    out.push([raw[index].toLowerCase(), raw[index + 1]]);
  }
  return out;
}
