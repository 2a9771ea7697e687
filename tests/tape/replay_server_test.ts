import assert from "node:assert/strict";
import { encodeSseEvents } from "../../lib/testing/mod.ts";
import { startReplayServer, Tape, type TapeRecord } from "../../lib/tape/mod.ts";
import { TestSocket, within } from "./_tape_helpers.ts";

const HEADER = {
  type: "header",
  format: "codexwire-tape",
  version: 1,
  created: "2026-01-01T00:00:00Z",
};

function tapeOf(records: TapeRecord[], name = "test.jsonl"): Tape {
  return Tape.parse([HEADER, ...records].map((r) => JSON.stringify(r)).join("\n"), { name });
}

function sseExchange(conn: string, body: unknown, events: object[], chunkEvents = 1): TapeRecord[] {
  const records: TapeRecord[] = [
    {
      type: "http.request",
      t: 0,
      conn,
      method: "POST",
      url: "http://127.0.0.1:1/v1/responses",
      headers: [["content-type", "application/json"]],
      body: { text: JSON.stringify(body) },
    },
    {
      type: "http.response",
      t: 1,
      conn,
      status: 200,
      headers: [["content-type", "text/event-stream"], ["x-conn", conn]],
    },
  ];
  for (let i = 0; i < events.length; i += chunkEvents) {
    records.push({
      type: "http.chunk",
      t: 2 + i,
      conn,
      data: { text: encodeSseEvents(events.slice(i, i + chunkEvents) as { type: string }[]) },
    });
  }
  records.push({ type: "http.end", t: 100, conn });
  return records;
}

const EVENTS = [
  { type: "response.created", response: { id: "r1" } },
  { type: "response.output_text.delta", delta: "a" },
  { type: "response.output_text.delta", delta: "b" },
  { type: "response.completed", response: { id: "r1" } },
];
const BODY = encodeSseEvents(EVENTS);

function post(url: string, body: unknown = {}): Promise<Response> {
  return fetch(`${url}/responses`, { method: "POST", body: JSON.stringify(body) });
}

Deno.test("replay serves the n-th request on a path the n-th recording, round and round", async () => {
  const tape = tapeOf([
    ...sseExchange("c1", { n: 1 }, EVENTS.slice(0, 2)),
    ...sseExchange("c2", { n: 2 }, EVENTS.slice(2)),
  ]);
  await using server = await startReplayServer(tape);
  assert.equal(server.baseUrl, `${server.url}/v1`);
  const seen = [];
  for (let i = 0; i < 3; i++) {
    const response = await post(server.baseUrl);
    seen.push(response.headers.get("x-conn"));
    await response.body?.cancel();
  }
  assert.deepEqual(seen, ["c1", "c2", "c1"]);
});

Deno.test("replay with matchBody finds the recording whose body matches once volatile ids are normalised", async () => {
  const recorded = (text: string) => ({
    model: "gpt-5",
    input: [{ type: "message", id: "msg_0190f8a2-3b4c-7d5e-8f60-718293a4b5c6", content: text }],
    prompt_cache_key: "0190f8a2-0000-7000-8000-000000000001",
    client_metadata: { turn_id: "turn-1", "x-codex-ws-stream-request-start-ms": "1" },
  });
  const tape = tapeOf([
    ...sseExchange("c1", recorded("first"), EVENTS),
    ...sseExchange("c2", recorded("second"), EVENTS),
  ]);
  await using server = await startReplayServer(tape, { matchBody: true, log: () => {} });
  const rerun = {
    ...recorded("second"),
    input: [{
      type: "message",
      id: "msg_0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000",
      content: "second",
    }],
    prompt_cache_key: "0199aaaa-1111-7000-8000-000000000009",
    client_metadata: { turn_id: "turn-77", "x-codex-ws-stream-request-start-ms": "999" },
  };
  const response = await post(server.baseUrl, rerun);
  assert.equal(response.headers.get("x-conn"), "c2");
  assert.equal(await response.text(), BODY);
  // A trace context comes and goes with the caller's tracing: it does not spoil the match.
  const traced = await post(server.baseUrl, {
    ...rerun,
    client_metadata: {
      ...rerun.client_metadata,
      ws_request_header_traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      ws_request_header_tracestate: "a=1",
    },
  });
  assert.equal(traced.headers.get("x-conn"), "c2");
  await traced.body?.cancel();
});

Deno.test("an unmatched request gets a 404 naming the tape and the closest recording, and a log line", async () => {
  const lines: string[] = [];
  const tape = tapeOf(sseExchange("c1", { model: "gpt-5", input: "hi" }, EVENTS), "demo.jsonl");
  await using server = await startReplayServer(tape, {
    matchBody: true,
    log: (line) => lines.push(line),
  });
  const response = await post(server.baseUrl, { model: "gpt-4", input: "hi" });
  assert.equal(response.status, 404);
  const json = await response.json();
  assert.equal(json.error.type, "replay_no_match");
  assert.equal(json.error.tape, "demo.jsonl");
  assert.deepEqual(json.error.closest, {
    method: "POST",
    path: "/v1/responses",
    conn: "c1",
    differences: ['body.model: "gpt-5" ≠ "gpt-4"'],
  });
  assert.deepEqual(lines, [
    'codexwire replay: No recording in tape "demo.jsonl" matches the request POST /v1/responses: the closest is POST /v1/responses (connection c1), which differs in body.model: "gpt-5" ≠ "gpt-4"',
  ]);
  const other = await fetch(`${server.url}/v2/other`);
  assert.equal(other.status, 404);
  assert.match((await other.json()).error.message, /differs in method: POST ≠ GET; path/);
  assert.equal(server.unmatched, 2);
});

Deno.test("replay chunking re-cuts the body without changing a byte", async () => {
  const tape = tapeOf(sseExchange("c1", {}, EVENTS, 2));
  for (const chunking of ["recorded", "bytewise", "coalesce", "random:42"]) {
    await using server = await startReplayServer(tape, { chunking, speed: 1000 });
    assert.equal(await (await post(server.baseUrl)).text(), BODY, chunking);
  }
});

Deno.test("replay faults: 429 with Retry-After once, then the recording; 5xx", async () => {
  const tape = tapeOf(sseExchange("c1", {}, EVENTS));
  {
    await using server = await startReplayServer(tape, { faults: ["429:7,times=1"] });
    const limited = await post(server.baseUrl);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "7");
    assert.equal((await limited.json()).error.code, "rate_limit_exceeded");
    const next = await post(server.baseUrl);
    assert.equal(next.status, 200);
    assert.equal(await next.text(), BODY);
  }
  {
    await using server = await startReplayServer(tape, {
      faults: [{ kind: "status", status: 503 }],
    });
    const failed = await post(server.baseUrl);
    assert.equal(failed.status, 503);
    await failed.body?.cancel();
  }
});

Deno.test("replay faults: drop after N events breaks the body; an injected error event arrives in place", async () => {
  const tape = tapeOf(sseExchange("c1", {}, EVENTS));
  {
    await using server = await startReplayServer(tape, { faults: ["drop-after:2"] });
    const response = await post(server.baseUrl);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    await assert.rejects(async () => {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        text += value;
      }
    });
    assert.equal(text, encodeSseEvents(EVENTS.slice(0, 2)));
  }
  {
    await using server = await startReplayServer(tape, { faults: ["error-frame@1"] });
    const text = await (await post(server.baseUrl)).text();
    assert.equal(
      text,
      encodeSseEvents([EVENTS[0]]) +
        'event: error\ndata: {"type":"error","error":{"type":"server_error","code":"replay_injected_fault","message":"An error injected by the replay server"}}\n\n' +
        encodeSseEvents(EVENTS.slice(1)),
    );
  }
  {
    await using server = await startReplayServer(tape, { faults: ["delay:1:1"] });
    assert.equal(await (await post(server.baseUrl)).text(), BODY);
  }
});

Deno.test("replay serves many clients at once, each the whole body", async () => {
  const tape = tapeOf(sseExchange("c1", {}, EVENTS));
  await using server = await startReplayServer(tape);
  const texts = await Promise.all(
    Array.from({ length: 50 }, async () => await (await post(server.baseUrl)).text()),
  );
  assert.ok(texts.every((text) => text === BODY));
});

const WS_RECORDS: TapeRecord[] = [
  {
    type: "ws.open",
    t: 0,
    conn: "c1",
    url: "ws://127.0.0.1:1/v1/responses",
    requestHeaders: [],
    responseHeaders: [["x-reasoning-included", "true"]],
    protocols: [],
    protocol: "",
  },
  { type: "ws.frame", t: 1, conn: "c1", from: "server", opcode: "text", data: { text: "hello" } },
  {
    type: "ws.frame",
    t: 2,
    conn: "c1",
    from: "client",
    opcode: "text",
    data: { text: '{"type":"response.create"}' },
  },
  { type: "ws.frame", t: 3, conn: "c1", from: "server", opcode: "text", data: { text: "one" } },
  { type: "ws.frame", t: 4, conn: "c1", from: "server", opcode: "text", data: { text: "two" } },
  { type: "ws.close", t: 5, conn: "c1", code: 1000, reason: "", by: "client" },
];

Deno.test("replay answers a client WebSocket message with the frames that followed it", async () => {
  await using server = await startReplayServer(tapeOf(WS_RECORDS));
  const client = new TestSocket(`${server.baseUrl.replace("http", "ws")}/responses`);
  await client.opened();
  await client.messagesAtLeast(1);
  assert.deepEqual(client.messages, ["hello"]);
  client.socket.send('{"type":"response.create"}');
  await client.messagesAtLeast(3);
  assert.deepEqual(client.messages, ["hello", "one", "two"]);
  await client.close();
});

Deno.test("replay faults over WebSocket: close with a code after N messages; refuse the upgrade with 426", async () => {
  {
    await using server = await startReplayServer(tapeOf(WS_RECORDS), {
      faults: ["ws-close:4000@1"],
    });
    const client = new TestSocket(`${server.baseUrl.replace("http", "ws")}/responses`);
    await client.opened();
    const closed = await client.closed();
    assert.equal(closed.code, 4000);
    assert.deepEqual(client.messages, ["hello"]);
  }
  {
    await using server = await startReplayServer(tapeOf(WS_RECORDS), {
      faults: ["refuse-upgrade"],
    });
    const connection = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      await connection.write(new TextEncoder().encode(
        "GET /v1/responses HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      ));
      const buffer = new Uint8Array(1024);
      const read = await within(connection.read(buffer), "the 426 answer");
      assert.match(new TextDecoder().decode(buffer.subarray(0, read ?? 0)), /^HTTP\/1\.1 426 /);
    } finally {
      connection.close();
    }
  }
});

Deno.test("replay faults: a delayed chunk is held back while the ones before it arrive", async () => {
  const tape = tapeOf(sseExchange("c1", {}, EVENTS));
  const server = await startReplayServer(tape, { faults: ["delay:1:600000"] });
  try {
    const reader = (await post(server.baseUrl)).body!.getReader();
    const first = await within(reader.read(), "the first chunk");
    assert.equal(new TextDecoder().decode(first.value), encodeSseEvents([EVENTS[0]]));
    // At speed 0 the second chunk would come at once; held for 10 minutes, it is still due
    // when the server closes, and the body breaks off there.
    const second = reader.read();
    second.catch(() => {});
    await server.close();
    await assert.rejects(within(second, "the held chunk's read to end"));
  } finally {
    await server.close();
  }
});

Deno.test("replay faults over WebSocket: an error frame injected after N messages; a drop after N", async () => {
  {
    await using server = await startReplayServer(tapeOf(WS_RECORDS), {
      faults: ["error-frame@2"],
    });
    const client = new TestSocket(`${server.baseUrl.replace("http", "ws")}/responses`);
    await client.opened();
    await client.messagesAtLeast(1);
    client.socket.send('{"type":"response.create"}');
    await client.messagesAtLeast(4);
    assert.deepEqual(client.messages.map((m) => typeof m === "string" ? m.slice(0, 17) : m), [
      "hello",
      "one",
      '{"type":"error","',
      "two",
    ]);
    assert.equal(
      JSON.parse(client.messages[2] as string).error.code,
      "replay_injected_fault",
    );
    await client.close();
  }
  {
    await using server = await startReplayServer(tapeOf(WS_RECORDS), { faults: ["drop-after:2"] });
    const client = new TestSocket(`${server.baseUrl.replace("http", "ws")}/responses`);
    await client.opened();
    await client.messagesAtLeast(1);
    client.socket.send('{"type":"response.create"}');
    const closed = await client.closed();
    assert.equal(closed.code, 1011);
    assert.deepEqual(client.messages, ["hello", "one"]);
  }
});

Deno.test("replay refuses a request body past maxRequestBodyBytes, as sent or once decoded, with a 413", async () => {
  const tape = tapeOf(sseExchange("c1", {}, EVENTS));
  await using server = await startReplayServer(tape, { maxRequestBodyBytes: 1024 });
  const big = await post(server.baseUrl, { pad: "x".repeat(2000) });
  assert.equal(big.status, 413);
  assert.match((await big.json()).error.message, /up to 1024 bytes \(maxRequestBodyBytes\)/);
  const bomb = new Uint8Array(
    await new Response(
      new Blob([JSON.stringify({ pad: "0".repeat(64 * 1024) })]).stream()
        .pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  assert.ok(bomb.length < 1024);
  const decoded = await fetch(`${server.baseUrl}/responses`, {
    method: "POST",
    headers: { "content-encoding": "gzip" },
    body: bomb,
  });
  assert.equal(decoded.status, 413);
  await decoded.body?.cancel();
  const small = await post(server.baseUrl, { pad: "x".repeat(100) });
  assert.equal(small.status, 200);
  assert.equal(await small.text(), BODY);
  await assert.rejects(startReplayServer(tape, { maxRequestBodyBytes: 0 }), RangeError);
});
