// Leaving a stream releases its connection at once, wherever the reader leaves: at an
// event the answer's headers stand for (before any body read), while a body read waits,
// in batches, and with a caller's fetch that ignores abort signals. A raw loopback server
// tells when the client closes the TCP connection.

import assert from "node:assert/strict";
import { ResponsesClient } from "../../mod.ts";

interface RawServer {
  url: string;
  /** Settles with "closed" when the client closes the connection. */
  closed: Promise<string>;
  close(): Promise<void>;
}

// Answers the POST with SSE headers (and `extraHeaders`), one event when `sendEvent`, and
// keeps the body open.
function rawServer(extraHeaders: string, sendEvent: boolean): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const handlers: Promise<void>[] = [];
  const { promise: closed, resolve } = Promise.withResolvers<string>();
  const handle = async (conn: Deno.Conn): Promise<void> => {
    const buffer = new Uint8Array(65536);
    let head = "";
    try {
      while (!head.includes("\r\n\r\n")) {
        const n = await conn.read(buffer);
        if (n === null) return;
        head += new TextDecoder().decode(buffer.subarray(0, n));
      }
      const event = `data: {"type":"response.created","response":{"id":"r"}}\n\n`;
      const body = sendEvent ? `${event.length.toString(16)}\r\n${event}\r\n` : "";
      await conn.write(new TextEncoder().encode(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n" +
          `${extraHeaders}\r\n${body}`,
      ));
      while ((await conn.read(buffer)) !== null) {
        // The client sends nothing more; the read ends when it closes.
      }
      resolve("closed");
    } catch (error) {
      resolve(`failed: ${error}`);
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      handlers.push(handle(conn));
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    closed,
    async close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Closed by the client already.
        }
      }
      await accepting.catch(() => {});
      await Promise.all(handlers);
    },
  };
}

// Every wait is bounded: a connection kept open reads as "still open".
async function within(promise: Promise<string>, ms = 5_000): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => timer = setTimeout(resolve, ms, "still open"));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

// A caller's fetch that does not tie the request to the signal it is given.
const ignoringSignals: typeof fetch = (input, init) => fetch(input, { ...init, signal: undefined });

function clientOf(server: RawServer, fetchFn?: typeof fetch): ResponsesClient {
  return new ResponsesClient({
    baseUrl: server.url,
    apiKey: "sk-test",
    idleTimeoutMs: 10_000,
    retry: { streamMaxRetries: 0 },
    ...(fetchFn === undefined ? {} : { fetch: fetchFn }),
  });
}

for (
  const [label, fetchFn] of [["", undefined], [
    ", with a fetch that ignores signals",
    ignoringSignals,
  ]] as const
) {
  Deno.test(`breaking out at an event of the answer's headers closes the connection${label}`, async () => {
    const server = rawServer("openai-model: gpt-x\r\n", true);
    try {
      for await (const event of clientOf(server, fetchFn).stream({ model: "m", input: "x" })) {
        // The headers' events come before anything is read from the body.
        assert.equal(event.type, "serverModel");
        break;
      }
      assert.equal(await within(server.closed), "closed");
    } finally {
      await server.close();
    }
  });

  Deno.test(`breaking out while a body read waits closes the connection${label}`, async () => {
    const server = rawServer("", false);
    try {
      const events = clientOf(server, fetchFn).stream({ model: "m", input: "x" })
        [Symbol.asyncIterator]();
      assert.equal((await events.next()).value?.type, "rateLimits");
      const pending = events.next();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await events.return!();
      assert.deepEqual(await pending, { done: true, value: undefined });
      assert.equal(await within(server.closed), "closed");
    } finally {
      await server.close();
    }
  });
}

Deno.test("a caller's abort while a header event is held, then leaving, closes the connection", async () => {
  const server = rawServer("openai-model: gpt-x\r\n", true);
  try {
    const controller = new AbortController();
    const events = clientOf(server).stream({ model: "m", input: "x" }, {
      signal: controller.signal,
    })[Symbol.asyncIterator]();
    assert.equal((await events.next()).value?.type, "serverModel");
    controller.abort();
    await events.return!();
    assert.equal(await within(server.closed), "closed");
  } finally {
    await server.close();
  }
});

Deno.test("leaving batches() while a body read waits closes the connection", async () => {
  const server = rawServer("", false);
  try {
    const groups = clientOf(server).stream({ model: "m", input: "x" }).batches()
      [Symbol.asyncIterator]();
    assert.equal((await groups.next()).value?.[0]?.type, "rateLimits");
    const pending = groups.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await groups.return!();
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.equal(await within(server.closed), "closed");
  } finally {
    await server.close();
  }
});
