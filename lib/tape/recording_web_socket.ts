/**
 * {@linkcode recordWebSocket}: records a client's own WebSocket to a tape — the handshake,
 * every message both ways, and the close — for clients with a `record` option.
 *
 * @module
 */

import type { TapeRecorder } from "./tape_recorder.ts";

/** What {@linkcode recordWebSocket} needs to know about the handshake. */
export interface RecordWebSocketOptions {
  /** The handshake headers the client sent (secrets are replaced when written). */
  requestHeaders?: Iterable<[string, string]>;
  /** The subprotocols the client offered (an API-key subprotocol is redacted). */
  protocols?: readonly string[];
}

/** A recorded socket's sending side: use it instead of the socket's own `send` / `close`. */
export interface RecordedWebSocket {
  /** The connection id on the tape. */
  readonly conn: string;
  /**
   * Records a message as sent by the client, then sends it.
   *
   * @param data A text or binary message.
   */
  send(data: string | Uint8Array<ArrayBuffer>): void;
  /**
   * Closes the socket; the tape says the client closed it.
   *
   * @param code The close code.
   * @param reason The close reason.
   */
  close(code?: number, reason?: string): void;
}

/**
 * Starts recording a client WebSocket: the open (when it happens), each message the server
 * sends, and the close. Send through the returned object so sent messages are recorded
 * too. Call it right after creating the socket, before it opens.
 *
 * @param socket The client socket (the runtime's `WebSocket`).
 * @param recorder Where to record.
 * @param options The handshake headers and offered subprotocols.
 * @returns The sending side.
 *
 * @example Record an echo
 * ```ts
 * import { recordWebSocket } from "./recording_web_socket.ts";
 * import { TapeRecorder } from "./tape_recorder.ts";
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = Deno.serve({ port: 0, onListen() {} }, (request) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   socket.onmessage = (event) => socket.send(`echo ${event.data}`);
 *   return response;
 * });
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const recorder = await TapeRecorder.create(path);
 * const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/v1/realtime`);
 * const recorded = recordWebSocket(socket, recorder);
 * await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
 * recorded.send("hi");
 * await new Promise((resolve) => socket.addEventListener("message", resolve, { once: true }));
 * const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
 * recorded.close(1000, "done");
 * await closed;
 * await recorder.close();
 * const [session] = (await Tape.read(path)).webSockets;
 * assert.deepEqual(session.frames.map((frame) => frame.from), ["client", "server"]);
 * assert.equal(session.close?.by, "client");
 * await Deno.remove(path);
 * ```
 */
export function recordWebSocket(
  socket: WebSocket,
  recorder: TapeRecorder,
  options: RecordWebSocketOptions = {},
): RecordedWebSocket {
  const conn = recorder.newConnection();
  socket.binaryType = "arraybuffer";
  let closedBy: "client" | "server" | undefined;
  // A refused record must not break the conversation: the recorder's errors stay there.
  const record = (action: () => void) => {
    try {
      action();
    } catch {
      // The writer refused a line (a redaction bug) or is closed: the line is not written.
    }
  };
  socket.addEventListener("open", () =>
    record(() =>
      recorder.wsOpen(conn, {
        url: socket.url,
        requestHeaders: options.requestHeaders ?? [],
        protocols: options.protocols ?? [],
        protocol: socket.protocol,
      })
    ));
  socket.addEventListener("message", (event) =>
    record(() =>
      recorder.wsFrame(
        conn,
        "server",
        typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer),
      )
    ));
  socket.addEventListener("close", (event) =>
    record(() =>
      recorder.wsClose(conn, {
        code: event.code,
        reason: event.reason,
        by: closedBy ?? "server",
      })
    ));
  return {
    conn,
    send(data) {
      record(() => recorder.wsFrame(conn, "client", data));
      socket.send(data);
    },
    close(code, reason) {
      closedBy ??= "client";
      socket.close(code, reason);
    },
  };
}
