import assert from "node:assert/strict";
import { inspectTape, Tape, type TapeRecord } from "../../lib/tape/mod.ts";

const HEADER =
  '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}';

function tapeOf(records: TapeRecord[]): Tape {
  return Tape.parse([HEADER, ...records.map((r) => JSON.stringify(r))].join("\n"));
}

const sse = (events: object[]) =>
  events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");

Deno.test("inspectTape times an SSE exchange and counts its events, rate limits, errors and drift", () => {
  const tape = tapeOf([
    {
      type: "http.request",
      t: 10,
      conn: "c1",
      method: "POST",
      url: "http://h/v1/responses",
      headers: [],
    },
    {
      type: "http.response",
      t: 40,
      conn: "c1",
      status: 200,
      headers: [["x-codex-primary-used-percent", "25"], ["x-codex-primary-window-minutes", "60"]],
    },
    // The first event is split across two chunks: it is whole only at t = 55.
    { type: "http.chunk", t: 50, conn: "c1", data: { text: 'data: {"type":"response.cr' } },
    {
      type: "http.chunk",
      t: 55,
      conn: "c1",
      data: { text: 'eated","response":{"id":"r"}}\n\n' },
    },
    {
      type: "http.chunk",
      t: 155,
      conn: "c1",
      data: {
        text: sse([
          { type: "response.output_text.delta", delta: 5 },
          { type: "response.brand_new", x: 1 },
          { type: "response.brand_new", x: 2 },
          { type: "response.failed", response: { error: { code: "boom", message: "it broke" } } },
        ]),
      },
    },
    { type: "http.end", t: 160, conn: "c1" },
  ]);
  const [report] = inspectTape(tape).connections;
  assert.equal(report.request, "POST /v1/responses");
  assert.equal(report.status, 200);
  assert.equal(report.timeToFirstByteMs, 40);
  assert.equal(report.timeToFirstEventMs, 45);
  assert.equal(report.largestGapMs, 100);
  assert.equal(report.durationMs, 150);
  assert.equal(report.events, 5);
  assert.deepEqual(report.eventsByType, {
    "response.created": 1,
    "response.output_text.delta": 1,
    "response.brand_new": 2,
    "response.failed": 1,
  });
  assert.equal(report.rateLimits.length, 1);
  assert.equal(report.rateLimits[0].primary?.usedPercent, 25);
  assert.deepEqual(report.errors, ["response.failed: boom: it broke"]);
  assert.deepEqual(report.drift.map((d) => [d.type, d.count]), [
    ["response.output_text.delta", 1],
    ["response.brand_new", 2],
  ]);
  assert.match(report.drift[0].reason, /^delta: /);
  assert.equal(report.drift[1].reason, "unknown type");
  assert.equal(report.ending, "end");
});

Deno.test("inspectTape reads WebSocket sessions: server messages, rate-limit events, abnormal closes", () => {
  const tape = tapeOf([
    {
      type: "ws.open",
      t: 0,
      conn: "c1",
      url: "ws://h/v1/responses",
      requestHeaders: [],
      responseHeaders: [],
      protocols: [],
      protocol: "",
    },
    {
      type: "ws.frame",
      t: 5,
      conn: "c1",
      from: "client",
      opcode: "text",
      data: { text: '{"type":"response.create"}' },
    },
    {
      type: "ws.frame",
      t: 20,
      conn: "c1",
      from: "server",
      opcode: "text",
      data: {
        text: JSON.stringify({
          type: "codex.rate_limits",
          plan_type: "plus",
          rate_limits: {
            allowed: true,
            limit_reached: false,
            primary: { used_percent: 50, window_minutes: 300, reset_at: 1 },
          },
        }),
      },
    },
    {
      type: "ws.frame",
      t: 30,
      conn: "c1",
      from: "server",
      opcode: "text",
      data: { text: '{"type":"response.created","response":{"id":"r"}}' },
    },
    { type: "ws.close", t: 40, conn: "c1", code: 4000, reason: "bye", by: "server" },
  ]);
  const [report] = inspectTape(tape).connections;
  assert.equal(report.kind, "ws");
  assert.equal(report.request, "WS /v1/responses");
  assert.equal(report.timeToFirstByteMs, 20);
  assert.equal(report.largestGapMs, 10);
  assert.equal(report.events, 2);
  assert.equal(report.rateLimits.length, 1);
  assert.equal(report.rateLimits[0].primary?.usedPercent, 50);
  assert.deepEqual(report.errors, ["closed by the server with code 4000: bye"]);
  assert.equal(report.ending, "close 4000 by server");
});
