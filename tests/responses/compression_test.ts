// zstd request compression on ResponsesClient (spec §7) and the plain fallback.

import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { completedEvent, startMockResponsesServer } from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

const OK = { events: [completedEvent("resp-1")] };

Deno.test("request_body_is_zstd_compressed_for_codex_backend_when_enabled", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, { compression: "zstd" });
  await client.stream({ model: "gpt-5.2-codex", input: "hello" }).finalResponse();
  const [request] = server.requests;
  assert.equal(request.contentEncoding, "zstd");
  assert.equal(request.headers.get("content-type"), "application/json");
  assert.equal((request.json as { model: string }).model, "gpt-5.2-codex");
  assert.equal((request.json as { stream: boolean }).stream, true);
});

Deno.test("request_body_is_not_compressed by default", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  await testClient(server.url).stream({ model: "m", input: "hello" }).finalResponse();
  assert.equal(server.requests[0].contentEncoding, null);
});

Deno.test("compression auto compresses only bodies over the threshold", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  const client = testClient(server.url, { compression: "auto", compressionThresholdBytes: 2048 });
  await client.stream({ model: "m", input: "short" }).finalResponse();
  await client.stream({ model: "m", input: "long ".repeat(1000) }).finalResponse();
  assert.deepEqual(server.requests.map((request) => request.contentEncoding), [null, "zstd"]);
  assert.equal((server.requests[1].json as { input: unknown[] }).input.length, 1);
});

Deno.test("compression auto counts the threshold in UTF-8 bytes, not characters", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  const client = testClient(server.url, { compression: "auto", compressionThresholdBytes: 4096 });
  // 1,500 characters: under the threshold as text, over it as UTF-8 (3 bytes each).
  await client.stream({ model: "m", input: "€".repeat(1500) }).finalResponse();
  await client.stream({ model: "m", input: "e".repeat(1500) }).finalResponse();
  assert.deepEqual(server.requests.map((request) => request.contentEncoding), ["zstd", null]);
  assert.equal(
    (server.requests[0].json as { input: { content: { text: string }[] }[] }).input[0].content[0]
      .text,
    "€".repeat(1500),
  );
});

Deno.test("compression fails to build when the caller already set Content-Encoding", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, {
    compression: "zstd",
    headers: { "content-encoding": "gzip" },
  });
  const { error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(error?.kind, "usage");
  assert.match(
    error?.message ?? "",
    /^request compression was requested but content-encoding is already set/,
  );
  assert.equal(server.requests.length, 0);
});

Deno.test("a 415 to a zstd body is answered by sending it again plain, and the client stays plain", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ status: 415, body: "Unsupported Media Type" }, OK, OK],
  });
  const client = testClient(server.url, { compression: "zstd", retry: { requestMaxRetries: 0 } });
  const first = await collect(client.stream({ model: "m", input: "x" }));
  assert.equal(first.error, undefined);
  await client.stream({ model: "m", input: "y" }).finalResponse();
  assert.deepEqual(server.requests.map((request) => request.contentEncoding), [
    "zstd",
    null,
    null,
  ]);
  assert.equal(first.events.some((event) => event.type === "reconnecting"), false);
});

Deno.test("a 400 that names the encoding falls back once; other 400s do not", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      {
        status: 400,
        body: JSON.stringify({ error: { message: "Unsupported content-encoding: zstd" } }),
      },
      OK,
      { status: 400, body: JSON.stringify({ error: { message: "Unknown model" } }) },
    ],
  });
  const client = testClient(server.url, { compression: "zstd" });
  assert.equal((await collect(client.stream({ model: "m", input: "x" }))).error, undefined);
  const refused = testClient(server.url, { compression: "zstd" });
  const { error } = await collect(refused.stream({ model: "m", input: "x" }));
  assert.equal(error?.kind, "invalidRequest");
  assert.deepEqual(server.requests.map((request) => request.contentEncoding), [
    "zstd",
    null,
    "zstd",
  ]);
});

Deno.test("compression logs 'Compressed request body with zstd' with sizes and duration", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["codexwire", "compression"], sinks: ["memory"], lowestLevel: "info" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
  });
  try {
    await using server = await startMockResponsesServer({ responses: [OK] });
    await testClient(server.url, { compression: "zstd" }).stream({ model: "m", input: "x" })
      .finalResponse();
    const record = records.find((entry) =>
      entry.rawMessage === "Compressed request body with zstd"
    );
    assert.ok(record, "no compression log record");
    assert.equal(record.level, "info");
    assert.equal(record.properties.pre_compression_bytes, server.requests[0].body.length);
    assert.equal(typeof record.properties.post_compression_bytes, "number");
    assert.equal(typeof record.properties.compression_duration_ms, "number");
  } finally {
    await reset();
  }
});
