import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { realtimeWebSocketUrl } from "../../lib/realtime/realtime_url.ts";

const PARAMS = { trace: "1", intent: "ignored" };

const TABLE: [string, Parameters<typeof realtimeWebSocketUrl>[1], string][] = [
  [
    "http://127.0.0.1:8011",
    { dialect: "v1" },
    "ws://127.0.0.1:8011/v1/realtime?intent=quicksilver",
  ],
  [
    "wss://example.com",
    { dialect: "v1", model: "realtime-test-model" },
    "wss://example.com/v1/realtime?intent=quicksilver&model=realtime-test-model",
  ],
  [
    "https://api.openai.com/v1",
    { dialect: "v1", model: "snapshot" },
    "wss://api.openai.com/v1/realtime?intent=quicksilver&model=snapshot",
  ],
  [
    "https://example.com/openai/v1",
    { dialect: "v1", model: "snapshot" },
    "wss://example.com/openai/v1/realtime?intent=quicksilver&model=snapshot",
  ],
  [
    "https://example.com/v1/realtime?foo=bar",
    { dialect: "v1", model: "snapshot", queryParams: PARAMS },
    "wss://example.com/v1/realtime?foo=bar&intent=quicksilver&model=snapshot&trace=1",
  ],
  [
    "https://example.com/v1/realtime?foo=bar",
    { dialect: "v2", model: "snapshot", queryParams: PARAMS },
    "wss://example.com/v1/realtime?foo=bar&model=snapshot&trace=1",
  ],
  ["https://example.com", { dialect: "v2" }, "wss://example.com/v1/realtime"],
  [
    "https://api.openai.com/v1",
    { dialect: "v2", model: "gpt-realtime-1.5", callId: "rtc_test" },
    "wss://api.openai.com/v1/realtime?call_id=rtc_test",
  ],
];

for (const [base, options, expected] of TABLE) {
  Deno.test(`realtimeWebSocketUrl: ${base} (${options?.dialect}) → ${expected}`, () => {
    assert.equal(realtimeWebSocketUrl(base, options).href, expected);
  });
}

Deno.test("realtimeWebSocketUrl normalises trailing slashes and leaves other paths alone", () => {
  assert.equal(realtimeWebSocketUrl("https://x.test/v1/").href, "wss://x.test/v1/realtime");
  assert.equal(
    realtimeWebSocketUrl("https://x.test/v1/realtime/").href,
    "wss://x.test/v1/realtime",
  );
  assert.equal(realtimeWebSocketUrl("https://x.test/").href, "wss://x.test/v1/realtime");
  assert.equal(realtimeWebSocketUrl("https://x.test/custom").href, "wss://x.test/custom");
  assert.equal(realtimeWebSocketUrl("ws://x.test/v1").href, "ws://x.test/v1/realtime");
});

Deno.test("realtimeWebSocketUrl keeps a provider model param only when no model is given", () => {
  assert.equal(
    realtimeWebSocketUrl("https://x.test/v1", { queryParams: { model: "m1" } }).href,
    "wss://x.test/v1/realtime?model=m1",
  );
  assert.equal(
    realtimeWebSocketUrl("https://x.test/v1", { model: "m2", queryParams: { model: "m1" } }).href,
    "wss://x.test/v1/realtime?model=m2",
  );
});

Deno.test("realtimeWebSocketUrl v3: /live path, no intent, model, call id as a path segment", () => {
  assert.equal(
    realtimeWebSocketUrl("https://api.openai.com/v1", { dialect: "v3", model: "gpt-live-1-codex" })
      .href,
    "wss://api.openai.com/v1/live?model=gpt-live-1-codex",
  );
  assert.equal(
    realtimeWebSocketUrl("https://x.test", { dialect: "v3" }).href,
    "wss://x.test/v1/live",
  );
  assert.equal(
    realtimeWebSocketUrl("https://x.test/v1/realtime", { dialect: "v3", queryParams: PARAMS }).href,
    "wss://x.test/v1/live?trace=1",
  );
  assert.equal(
    realtimeWebSocketUrl("http://x.test/v1/live", { dialect: "v3" }).href,
    "ws://x.test/v1/live",
  );
  assert.equal(
    realtimeWebSocketUrl("https://x.test/v1", { dialect: "v3", model: "m", callId: "rtc_1" }).href,
    "wss://x.test/v1/live/rtc_1",
  );
});

Deno.test("realtimeWebSocketUrl codex-session-create: /ws when empty, provider params kept", () => {
  assert.equal(
    realtimeWebSocketUrl("http://127.0.0.1:9", {
      dialect: "codex-session-create",
      model: "ignored",
      queryParams: { "api-version": "2024-10-01-preview" },
    }).href,
    "ws://127.0.0.1:9/ws?api-version=2024-10-01-preview",
  );
});

Deno.test("realtimeWebSocketUrl refuses other schemes and non-URLs with a usage error", () => {
  assert.throws(
    () => realtimeWebSocketUrl("ftp://x.test"),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "usage" &&
      error.message.includes('Unsupported realtime api_url scheme "ftp"'),
  );
  assert.throws(
    () => realtimeWebSocketUrl("not a url"),
    (error: unknown) => error instanceof CodexWireError && error.kind === "usage",
  );
  // The message names the URL without its secrets.
  assert.throws(
    () => realtimeWebSocketUrl("https://user:hunter2@example.com:99999/v1?api_key=sk-secret"),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "usage" &&
      !/hunter2|sk-secret/.test(error.message) && error.message.includes("example.com"),
  );
});
