import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { startMockResponsesServer } from "../../lib/testing/mod.ts";
import { startCaptureProxy, Tape, TapeRecorder, TapeWriter } from "../../lib/tape/mod.ts";
import { fromTapeData } from "../../lib/tape/tape_record.ts";
import { startScriptedWsServer, TestSocket } from "./_tape_helpers.ts";

const KEY = "sk-proj-PLANTED0123456789abcdef";
const EXTRA = "extra-secret-ZYXWVUT";
const ACCOUNT = "acct-PLANTED-4242";
const EMAIL = "planted.person@example.com";
const COOKIE = "sessionPLANTED=s3cr3tcookie";
const env = (name: string) =>
  name === "OPENAI_API_KEY" ? KEY : name === "MY_TOKEN" ? EXTRA : undefined;

function split(text: string, at: string, offset: number): [string, string] {
  const index = text.indexOf(at) + offset;
  return [text.slice(0, index), text.slice(index)];
}

Deno.test("a key planted in every secret place of HTTP and WebSocket traffic never reaches the tape", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const body = `data: {"echo":"${KEY}","other":"${EXTRA}"}\n\n`;
    const [first, rest] = split(body, KEY, 7);
    const [second, third] = split(rest, EXTRA, 5);
    const gates = [0, 1, 2].map(() => Promise.withResolvers<void>());
    gates[0].resolve();
    {
      await using upstream = await startMockResponsesServer({
        responses: [{
          headers: { "set-cookie": COOKIE, "x-echo": KEY },
          chunks: [first, second, third].map((data, i) => ({ data, gate: gates[i].promise })),
        }],
      });
      await using ws = startScriptedWsServer({
        replies: [[`{"key":"${KEY.slice(0, 10)}`, `${KEY.slice(10)}"}`]],
        pickProtocol: (offered) => offered.find((p) => p === "realtime"),
      });
      const httpProxy = await startCaptureProxy({
        upstream: upstream.url,
        out,
        env,
        secretEnv: ["MY_TOKEN"],
        headers: ["x-user-email"],
        log: () => {},
      });
      await using _httpProxy = httpProxy;
      const response = await fetch(
        `${httpProxy.baseUrl}/responses?api-key=${KEY}&key=${EXTRA}&mode=1`,
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${KEY}`,
            "api-key": KEY,
            "chatgpt-account-id": ACCOUNT,
            "x-user-email": EMAIL,
            cookie: COOKIE,
            "x-custom": `prefix ${KEY} suffix`,
          },
          body: JSON.stringify({ input: `my key is ${KEY}`, token: EXTRA }),
        },
      );
      let text = "";
      let pieces = 0;
      for await (const piece of response.body!.pipeThrough(new TextDecoderStream())) {
        text += piece;
        gates[++pieces]?.resolve();
      }
      assert.equal(text, body, "the client still gets the secrets: only the tape is redacted");

      // The WebSocket goes through a second proxy writing to the same tape.
      const recorder = await TapeRecorder.create(`${out}.ws`, { env });
      await using wsProxy = await startCaptureProxy({
        upstream: ws.url.replace("ws", "http"),
        out: recorder,
        log: () => {},
      });
      const client = new TestSocket(
        `${wsProxy.url.replace("http", "ws")}/v1/realtime?api_key=${KEY}`,
        {
          protocols: ["realtime", `openai-insecure-api-key.${KEY}`],
        },
      );
      await client.opened();
      client.socket.send(`{"mine":"${KEY.slice(0, 3)}`);
      client.socket.send(`${KEY.slice(3)}"}`);
      await client.messagesAtLeast(2);
      await client.close();
      await wsProxy.close();
      await recorder.close();
    }
    for (const file of [out, `${out}.ws`]) {
      const text = await Deno.readTextFile(file);
      for (
        const planted of [KEY, EXTRA, ACCOUNT, EMAIL, "s3cr3tcookie", KEY.slice(3), KEY.slice(10)]
      ) {
        assert.ok(!text.includes(planted), `${file} holds ${planted}`);
      }
      Tape.parse(text);
    }
    const tape = await Tape.read(out);
    const [exchange] = tape.http;
    const headers = Object.fromEntries(exchange.request.headers);
    assert.equal(headers.authorization, "Bearer [REDACTED]");
    assert.equal(headers["api-key"], "[REDACTED]");
    assert.equal(headers["x-user-email"], "[REDACTED]");
    assert.equal(headers["x-custom"], "prefix [REDACTED:OPENAI_API_KEY] suffix");
    assert.match(exchange.request.url, /api-key=REDACTED&key=REDACTED&mode=1$/);
    const chunks = exchange.chunks.map((chunk) => "text" in chunk.data ? chunk.data.text : "");
    assert.equal(chunks.length, 3);
    assert.equal(
      chunks.join(""),
      'data: {"echo":"[REDACTED:OPENAI_API_KEY]","other":"[REDACTED:MY_TOKEN]"}\n\n',
    );
    assert.equal(chunks[0], 'data: {"echo":"', "the split key moved whole into the next chunk");

    const wsTape = await Tape.read(`${out}.ws`);
    const [session] = wsTape.webSockets;
    assert.ok(session.open.url.endsWith("api_key=REDACTED"));
    assert.deepEqual(session.open.protocols, ["realtime", "openai-insecure-api-key.REDACTED"]);
    const frames = session.frames.map((f) => `${f.from}:${"text" in f.data ? f.data.text : ""}`);
    assert.deepEqual(frames.filter((f) => f.startsWith("client")), [
      'client:{"mine":"',
      'client:[REDACTED:OPENAI_API_KEY]"}',
    ]);
    assert.deepEqual(frames.filter((f) => f.startsWith("server")), [
      'server:{"key":"',
      'server:[REDACTED:OPENAI_API_KEY]"}',
    ]);
  } finally {
    await Deno.remove(out);
    await Deno.remove(`${out}.ws`).catch(() => {});
  }
});

Deno.test("TapeWriter refuses a line that still holds a secret and says where", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const writer = await TapeWriter.create(path, {
      refuse: [{ label: "OPENAI_API_KEY", value: KEY }],
    });
    assert.throws(
      () =>
        writer.write({
          type: "http.response",
          t: 1,
          conn: "c7",
          status: 200,
          headers: [["x-leak", KEY]],
        }),
      (error: unknown) => {
        assert.ok(error instanceof CodexWireError);
        assert.equal(error.kind, "tape");
        assert.equal(
          error.message,
          `Cannot write tape "${path}": the http.response record of connection c7 still holds OPENAI_API_KEY in headers[0][1]; the line was not written, report this as a redaction bug`,
        );
        return true;
      },
    );
    const hidden = btoa(`xx${KEY}yy`);
    assert.throws(
      () => writer.write({ type: "http.chunk", t: 2, conn: "c7", data: { base64: hidden } }),
      /holds OPENAI_API_KEY in data\.base64/,
    );
    writer.write({ type: "http.end", t: 3, conn: "c7" });
    writer.close();
    const lines = (await Deno.readTextFile(path)).trim().split("\n");
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1]).type, "http.end");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("TapeRecorder refuses a literal secret too short to look for", async () => {
  await assert.rejects(
    TapeRecorder.create("/nonexistent/never-written.jsonl", { secrets: ["short"] }),
    RangeError,
  );
});

Deno.test("a key cut into one-byte chunks and one-byte frames still never reaches the tape", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  const key = "sk-bytewise-0123456789";
  try {
    const body = `data: {"k":"${key}"}\n\n`;
    {
      await using recorder = await TapeRecorder.create(path, { secrets: [key] });
      const conn = recorder.newConnection();
      recorder.httpRequest(conn, { method: "POST", url: "http://h/v1/responses", headers: [] });
      recorder.httpResponse(conn, 200, []);
      for (const byte of new TextEncoder().encode(body)) {
        recorder.httpChunk(conn, new Uint8Array([byte]));
      }
      recorder.httpEnd(conn);
      const ws = recorder.newConnection();
      recorder.wsOpen(ws, {
        url: "ws://h/v1/realtime",
        requestHeaders: [],
        protocols: [],
        protocol: "",
      });
      for (const character of key) recorder.wsFrame(ws, "client", character);
      recorder.wsClose(ws, { code: 1000, reason: "", by: "client" });
    }
    const text = await Deno.readTextFile(path);
    assert.ok(!text.includes("0123456789"));
    const tape = await Tape.read(path);
    const joined = tape.http[0].chunks
      .map((chunk) => new TextDecoder().decode(fromTapeData(chunk.data))).join("");
    assert.equal(joined, 'data: {"k":"[REDACTED:secret 1]"}\n\n');
    const frames = tape.webSockets[0].frames
      .map((frame) => new TextDecoder().decode(fromTapeData(frame.data))).join("");
    assert.equal(frames, "[REDACTED:secret 1]");
  } finally {
    await Deno.remove(path);
  }
});
