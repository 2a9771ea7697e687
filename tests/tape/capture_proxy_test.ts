// The capture proxy: its bound on request bodies (as sent and once decoded, as the replay
// server bounds them), what it forwards of a body, and the upstream's query.

import assert from "node:assert/strict";
import { completedEvent, startMockResponsesServer } from "../../lib/testing/mod.ts";
import { startCaptureProxy, Tape } from "../../lib/tape/mod.ts";
import { testClient } from "../_helpers.ts";
import { joinBytes, within } from "./_tape_helpers.ts";
import { fromTapeData, type HttpRequestRecord } from "../../lib/tape/tape_record.ts";
import { runZstd } from "../compression/_zstd_helpers.ts";

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(
    await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
}

Deno.test("capture refuses a request body past maxRequestBodyBytes, as sent or once decoded, with a 413, forwarding and recording nothing", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  const logs: string[] = [];
  try {
    await using upstream = await startMockResponsesServer({
      responses: [{ events: [completedEvent("resp-1")] }],
    });
    {
      await using proxy = await startCaptureProxy({
        upstream: upstream.url,
        out,
        maxRequestBodyBytes: 1024,
        log: (line) => logs.push(line),
      });
      const big = await fetch(`${proxy.baseUrl}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pad: "x".repeat(2000) }),
      });
      assert.equal(big.status, 413);
      const error = (await big.json()).error;
      assert.equal(error.type, "capture_body_too_large");
      assert.equal(
        error.message,
        "The capture proxy accepts request bodies of up to 1024 bytes, sent and decoded: raise the bound with maxRequestBodyBytes (startCaptureProxy) or --max-request-body-bytes (codexwire capture)",
      );

      const bomb = await gzip(JSON.stringify({ pad: "0".repeat(64 * 1024) }));
      assert.ok(bomb.length < 1024);
      const decoded = await fetch(`${proxy.baseUrl}/responses`, {
        method: "POST",
        headers: { "content-encoding": "gzip" },
        body: bomb,
      });
      assert.equal(decoded.status, 413);
      await decoded.body?.cancel();
      assert.equal(upstream.requests.length, 0, "nothing refused reaches the upstream");

      const small = await fetch(`${proxy.baseUrl}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pad: "x".repeat(100) }),
      });
      assert.equal(small.status, 200);
      await small.body?.cancel();
    }
    assert.equal(upstream.requests.length, 1);
    const tape = await Tape.read(out);
    assert.equal(tape.http.length, 1, "only the accepted request is on the tape");
    assert.equal(logs.filter((line) => line.includes("maxRequestBodyBytes")).length, 2);
  } finally {
    await Deno.remove(out);
  }
});

/** A plain HTTP upstream that keeps the bytes of every request exactly as they arrived. */
function startRawUpstream(answer: () => Response): {
  url: string;
  seen: { path: string; headers: Headers; body: Uint8Array }[];
  [Symbol.asyncDispose](): Promise<void>;
} {
  const seen: { path: string; headers: Headers; body: Uint8Array }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    seen.push({ path: new URL(request.url).pathname, headers: request.headers, body });
    return answer();
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    seen,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function tapeRequest(records: readonly { type: string }[]): HttpRequestRecord {
  return records.find((record) => record.type === "http.request") as HttpRequestRecord;
}

Deno.test("capture forwards a body that does not decode byte for byte, passes the upstream's answer on, and records it as sent with its encoding noted", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await using upstream = startRawUpstream(() =>
      Response.json({ error: { type: "upstream_refused" } }, { status: 415 })
    );
    {
      await using proxy = await startCaptureProxy({ upstream: upstream.url, out, log: () => {} });
      const answer = await fetch(`${proxy.baseUrl}/models`, {
        method: "POST",
        headers: { "content-encoding": "gzip" },
        body: "not gzip",
      });
      assert.equal(answer.status, 415);
      assert.deepEqual(await answer.json(), { error: { type: "upstream_refused" } });
    }
    assert.equal(upstream.seen.length, 1, "the request reached the upstream");
    assert.equal(upstream.seen[0].path, "/v1/models");
    assert.equal(upstream.seen[0].headers.get("content-encoding"), "gzip");
    assert.equal(new TextDecoder().decode(upstream.seen[0].body), "not gzip");
    const records = (await Tape.read(out)).records;
    const request = tapeRequest(records);
    assert.match(request.encoding ?? "", /^gzip \(not decoded: /);
    assert.equal(new TextDecoder().decode(fromTapeData(request.body!)), "not gzip");
    const response = records.find((record) => record.type === "http.response") as {
      status: number;
    };
    assert.equal(response.status, 415);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("capture forwards a zstd body whose window is over 8 MiB undecoded, as it came, and notes why it is not decoded", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const json = new TextEncoder().encode('{"model":"m","input":"hi"}');
    const wide = await runZstd(["--zstd=wlog=24", "-c"], json);
    assert.equal(wide[5], 0x70, "the frame header asks for a 16 MiB window");
    await using upstream = startRawUpstream(() => new Response("taken"));
    {
      await using proxy = await startCaptureProxy({ upstream: upstream.url, out, log: () => {} });
      const answer = await fetch(`${proxy.baseUrl}/responses`, {
        method: "POST",
        headers: { "content-encoding": "zstd", "content-type": "application/json" },
        body: wide as Uint8Array<ArrayBuffer>,
      });
      assert.equal(answer.status, 200);
      assert.equal(await answer.text(), "taken");
    }
    assert.equal(upstream.seen.length, 1);
    assert.equal(upstream.seen[0].headers.get("content-encoding"), "zstd");
    assert.deepEqual(upstream.seen[0].body, wide);
    const request = tapeRequest((await Tape.read(out)).records);
    assert.match(request.encoding ?? "", /^zstd \(not decoded: .*16777216-byte window/);
    assert.deepEqual(fromTapeData(request.body!), wide);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("capture refuses a maxRequestBodyBytes that is not a positive integer", async () => {
  await assert.rejects(
    startCaptureProxy({
      upstream: "http://127.0.0.1:1/v1",
      out: "unused.jsonl",
      maxRequestBodyBytes: 0,
    }),
    RangeError,
  );
});

Deno.test("capture keeps the upstream's query (Azure's api-version) in baseUrl and on every forwarded request, HTTP and WebSocket, without doubling what the client sends", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await using upstream = await startMockResponsesServer({
      responses: [{ events: [completedEvent("resp-1")] }, { events: [completedEvent("resp-2")] }],
    });
    upstream.websocket.enqueue({ responses: [[completedEvent("resp-ws")]] });
    const origin = new URL(upstream.url).origin;
    {
      await using proxy = await startCaptureProxy({
        upstream: `${origin}/openai?api-version=2025-04-01`,
        out,
        log: () => {},
      });
      assert.equal(proxy.baseUrl, `${proxy.url}/openai?api-version=2025-04-01`);
      // A client pointed at baseUrl already carries the query: it is forwarded once.
      await testClient(proxy.baseUrl).stream({ model: "m", input: "x" }).finalResponse();
      // A client that dropped it, with a query of its own: the upstream's goes first.
      const bare = await fetch(`${proxy.url}/openai/responses?trace=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", input: "y", stream: true }),
      });
      assert.equal(bare.status, 200);
      await bare.body?.cancel();
      await using wsClient = testClient(proxy.baseUrl, { transport: "websocket" });
      await wsClient.stream({ model: "m", input: "z" }).finalResponse();
    }
    assert.deepEqual(upstream.requests.map((request) => new URL(request.url).search), [
      "?api-version=2025-04-01",
      "?api-version=2025-04-01&trace=1",
    ]);
    assert.deepEqual(upstream.requests.map((request) => request.path), [
      "/openai/responses",
      "/openai/responses",
    ]);
    const handshake = new URL(upstream.websocket.connections[0].handshake.url);
    assert.equal(handshake.pathname, "/openai/responses");
    assert.equal(handshake.search, "?api-version=2025-04-01");
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("capture logs a request body it cannot read (a body cut short) and forwards nothing", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  const logs: string[] = [];
  try {
    await using upstream = await startMockResponsesServer();
    {
      await using proxy = await startCaptureProxy({
        upstream: upstream.url,
        out,
        log: (line) => logs.push(line),
      });
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
      try {
        await conn.write(new TextEncoder().encode(
          "POST /v1/responses HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 100\r\n\r\n" +
            '{"model":',
        ));
        // The body ends 91 bytes short.
        await conn.closeWrite();
        const answer = await within(readToEnd(conn), "the proxy to answer");
        assert.match(answer, /^HTTP\/1\.1 400 /);
        assert.match(answer, /"type":"capture_unreadable_body"/);
      } finally {
        conn.close();
      }
      await untilLogged(logs, /refused: Cannot read the request body/);
    }
    assert.equal(upstream.requests.length, 0);
    assert.match(logs.join("\n"), /codexwire capture: POST \/v1\/responses refused: Cannot read/);
  } finally {
    await Deno.remove(out);
  }
});

async function readToEnd(conn: Deno.Conn): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(4096);
  try {
    while (true) {
      const read = await conn.read(buffer);
      if (read === null) break;
      chunks.push(buffer.slice(0, read));
      const text = new TextDecoder().decode(joinBytes(chunks));
      // A complete JSON answer: stop without waiting for the server's keep-alive timeout.
      if (/\r\n\r\n[\s\S]*\}\}$/.test(text)) return text;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.ConnectionReset)) throw error;
  }
  return new TextDecoder().decode(joinBytes(chunks));
}

async function untilLogged(logs: readonly string[], pattern: RegExp): Promise<void> {
  for (let waited = 0; !logs.some((line) => pattern.test(line)); waited += 10) {
    if (waited > 5000) assert.fail(`no log line matches ${pattern}: ${JSON.stringify(logs)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
