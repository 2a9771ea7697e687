// Helpers of the tape tests: a scripted WebSocket upstream, and socket plumbing with timeouts.

/** What the scripted WebSocket upstream does with each client message. */
export interface ScriptedWsOptions {
  /** Messages sent right after the handshake. */
  greeting?: (string | Uint8Array)[];
  /** Answers to the n-th client message (several messages each). */
  replies?: (string | Uint8Array)[][];
  /** Close with this code after answering the last scripted message. */
  closeWith?: { code: number; reason: string };
  /** The subprotocol to pick from the client's offer. */
  pickProtocol?: (offered: string[]) => string | undefined;
  /** Headers added to the 101 answer. */
  responseHeaders?: Record<string, string>;
}

/** A Deno.serve WebSocket server that plays a fixed script; records what it received. */
export function startScriptedWsServer(options: ScriptedWsOptions): {
  url: string;
  received: (string | Uint8Array)[];
  handshakes: Headers[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
} {
  const received: (string | Uint8Array)[] = [];
  const handshakes: Headers[] = [];
  const sockets = new Set<Promise<void>>();
  const sockets2 = new Set<WebSocket>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    handshakes.push(new Headers(request.headers));
    const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",")
      .map((p) => p.trim()).filter((p) => p !== "");
    const protocol = options.pickProtocol?.(offered);
    const { socket, response } = Deno.upgradeWebSocket(
      request,
      protocol === undefined ? {} : { protocol },
    );
    for (const [name, value] of Object.entries(options.responseHeaders ?? {})) {
      response.headers.append(name, value);
    }
    socket.binaryType = "arraybuffer";
    const closed = Promise.withResolvers<void>();
    sockets.add(closed.promise);
    sockets2.add(socket);
    let count = 0;
    socket.addEventListener("open", () => {
      for (const message of options.greeting ?? []) socket.send(message);
    });
    socket.addEventListener("message", (event) => {
      received.push(
        typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer),
      );
      const replies = options.replies?.[count++] ?? [];
      for (const reply of replies) socket.send(reply);
      if (options.closeWith !== undefined && count === (options.replies?.length ?? 0)) {
        socket.close(options.closeWith.code, options.closeWith.reason);
      }
    });
    socket.addEventListener("close", () => {
      sockets2.delete(socket);
      closed.resolve();
    });
    return response;
  });
  const close = async () => {
    for (const socket of sockets2) socket.close();
    await Promise.all(sockets);
    await server.shutdown();
  };
  return {
    url: `ws://127.0.0.1:${server.addr.port}`,
    received,
    handshakes,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A client socket that collects messages and its close, with every wait bounded. */
export class TestSocket {
  readonly socket: WebSocket;
  readonly messages: (string | Uint8Array)[] = [];
  #opened = Promise.withResolvers<void>();
  #closed = Promise.withResolvers<CloseEvent>();
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor(url: string, options: { protocols?: string[]; headers?: HeadersInit } = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.binaryType = "arraybuffer";
    this.socket.addEventListener("open", () => this.#opened.resolve());
    this.socket.addEventListener("error", () => {});
    this.socket.addEventListener("message", (event) => {
      this.messages.push(
        typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer),
      );
      for (const waiter of this.#waiters) {
        if (this.messages.length >= waiter.count) waiter.resolve();
      }
    });
    this.socket.addEventListener("close", (event) => {
      this.#opened.reject(new Error(`closed before open: ${event.code}`));
      this.#closed.resolve(event);
      for (const waiter of this.#waiters) waiter.resolve();
    });
    this.#opened.promise.catch(() => {});
  }

  opened(): Promise<void> {
    return within(this.#opened.promise, "the socket to open");
  }

  messagesAtLeast(count: number): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    const waiter = Promise.withResolvers<void>();
    this.#waiters.push({ count, resolve: waiter.resolve });
    return within(waiter.promise, `${count} messages`);
  }

  closed(): Promise<CloseEvent> {
    return within(this.#closed.promise, "the socket to close");
  }

  async close(): Promise<CloseEvent> {
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000, "bye");
    return await this.closed();
  }
}

/** Rejects when `promise` takes more than 5 s (no test waits forever). */
export async function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a body piece by piece, as the client saw the pieces. */
export async function readPieces(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  for await (const piece of body) pieces.push(piece);
  return pieces;
}

export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Sends a WebSocket handshake over raw TCP and returns the answer's head (status and headers).
 * `extraHeaders` are header lines written as they are, each ending with `\r\n`.
 */
export async function rawHandshake(port: number, path: string, extraHeaders = ""): Promise<string> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await connection.write(new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
        `${extraHeaders}\r\n`,
    ));
    let text = "";
    const buffer = new Uint8Array(4096);
    while (!text.includes("\r\n\r\n")) {
      const read = await within(connection.read(buffer), "the handshake answer");
      if (read === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, read));
    }
    return text.slice(0, text.indexOf("\r\n\r\n") + 4);
  } finally {
    connection.close();
  }
}
