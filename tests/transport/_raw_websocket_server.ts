// A byte-level WebSocket server on Deno.listen for what Deno.upgradeWebSocket cannot do:
// pings on demand, frames of any opcode, and ending the TCP connection without a close
// frame (code 1006 on the client).

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface RawPeer {
  /** Sends one unmasked frame. */
  send(opcode: number, payload: string | Uint8Array): Promise<void>;
  /** Reads the next client frame (unmasked), or undefined at end of stream. */
  read(): Promise<{ opcode: number; payload: Uint8Array } | undefined>;
  /** Ends the TCP connection without a close frame. */
  drop(): void;
}

export interface RawWebSocketServer extends AsyncDisposable {
  url: string;
  /** The next accepted connection, after its handshake. */
  accept(): Promise<RawPeer>;
}

export function startRawWebSocketServer(): RawWebSocketServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  return {
    url: `ws://127.0.0.1:${listener.addr.port}/v1/responses`,
    async accept() {
      const conn = await listener.accept();
      conns.push(conn);
      const reader = new BufferedReader(conn);
      const head = new TextDecoder().decode(await reader.readUntil("\r\n\r\n"));
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? "";
      const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + GUID));
      await writeAll(
        conn,
        new TextEncoder().encode(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            `Sec-WebSocket-Accept: ${btoa(String.fromCharCode(...new Uint8Array(digest)))}\r\n\r\n`,
        ),
      );
      return {
        send: (opcode, payload) => writeAll(conn, frame(opcode, payload)),
        async read() {
          const header = await reader.read(2);
          if (header === undefined) return undefined;
          let length = header[1] & 0x7f;
          if (length === 126) length = new DataView((await reader.read(2))!.buffer).getUint16(0);
          else if (length === 127) {
            length = Number(new DataView((await reader.read(8))!.buffer).getBigUint64(0));
          }
          const mask = (header[1] & 0x80) !== 0 ? (await reader.read(4))! : undefined;
          const payload = length === 0 ? new Uint8Array() : (await reader.read(length))!;
          if (mask !== undefined) {
            for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
          }
          return { opcode: header[0] & 0x0f, payload };
        },
        drop() {
          try {
            conn.close();
          } catch {
            // Already closed.
          }
        },
      };
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed by the test.
        }
      }
      await Promise.resolve();
    },
  };
}

function frame(opcode: number, payload: string | Uint8Array): Uint8Array {
  const data = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const head = data.length < 126 ? 2 : data.length < 65536 ? 4 : 10;
  const out = new Uint8Array(head + data.length);
  out[0] = 0x80 | opcode;
  if (data.length < 126) out[1] = data.length;
  else if (data.length < 65536) {
    out[1] = 126;
    new DataView(out.buffer).setUint16(2, data.length);
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(data.length));
  }
  out.set(data, head);
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

class BufferedReader {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(0);
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }
  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    let n: number | null;
    try {
      n = await this.#conn.read(chunk);
    } catch {
      n = null;
    }
    if (n === null) return false;
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
    return true;
  }
  async read(n: number): Promise<Uint8Array | undefined> {
    while (this.#buffer.length < n) if (!await this.#fill()) return undefined;
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return out;
  }
  async readUntil(marker: string): Promise<Uint8Array> {
    const bytes = new TextEncoder().encode(marker);
    for (;;) {
      const at = indexOf(this.#buffer, bytes);
      if (at >= 0) {
        const out = this.#buffer.slice(0, at + bytes.length);
        this.#buffer = this.#buffer.slice(at + bytes.length);
        return out;
      }
      if (!await this.#fill()) return this.#buffer;
    }
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
