import assert from "node:assert/strict";
import { realtimeHandshakeHeaders } from "../../lib/realtime/realtime_headers.ts";
import { defaultUserAgent } from "../../lib/responses/request_headers.ts";

Deno.test("realtimeHandshakeHeaders: provider < extra headers < own headers; defaults only fill gaps", () => {
  const headers = realtimeHandshakeHeaders({
    dialect: "v2",
    apiKey: "sk-own",
    sessionId: "s-1",
    threadId: "t-1",
    providerHeaders: {
      authorization: "Bearer provider",
      "x-provider": "p",
      "x-both": "provider",
      originator: "provider_originator",
    },
    headers: { "x-both": "extra", "x-session-id": "overwritten" },
  });
  assert.equal(headers.get("authorization"), "Bearer sk-own");
  assert.equal(headers.get("x-provider"), "p");
  assert.equal(headers.get("x-both"), "extra");
  assert.equal(headers.get("x-session-id"), "s-1");
  assert.equal(headers.get("session-id"), "s-1");
  assert.equal(headers.get("thread-id"), "t-1");
  assert.equal(headers.get("originator"), "provider_originator");
  assert.match(headers.get("user-agent") ?? "", /^provider_originator\//);
  assert.equal(headers.has("openai-alpha"), false);
  assert.equal(headers.has("openai-beta"), false);
  assert.equal(headers.has("sec-websocket-protocol"), false);
});

Deno.test("realtimeHandshakeHeaders: openai-alpha per dialect", () => {
  assert.equal(realtimeHandshakeHeaders({ dialect: "v1" }).get("openai-alpha"), "quicksilver=v1");
  assert.equal(realtimeHandshakeHeaders({ dialect: "v3" }).get("openai-alpha"), "quicksilver=v2");
  assert.equal(realtimeHandshakeHeaders({ dialect: "v2" }).get("openai-alpha"), null);
  assert.equal(
    realtimeHandshakeHeaders({ dialect: "codex-session-create" }).get("openai-alpha"),
    null,
  );
  assert.equal(realtimeHandshakeHeaders().get("originator"), "codex_cli_rs");
  assert.equal(realtimeHandshakeHeaders().has("authorization"), false);
});

Deno.test("realtimeHandshakeHeaders: the User-Agent has Codex's shape, the same as the Responses client's", () => {
  assert.equal(realtimeHandshakeHeaders().get("user-agent"), defaultUserAgent());
  assert.equal(
    realtimeHandshakeHeaders({ providerHeaders: { originator: "my_app" } }).get("user-agent"),
    defaultUserAgent({ originator: "my_app" }),
  );
  // `<originator>/<version> (<os> <os version>; <arch>) <terminal>`
  assert.match(
    realtimeHandshakeHeaders().get("user-agent") ?? "",
    /^codex_cli_rs\/\S+ \(\S+ \S+; \S+\) codexwire$/,
  );
  assert.equal(realtimeHandshakeHeaders({ userAgent: "ua/1" }).get("user-agent"), "ua/1");
});
