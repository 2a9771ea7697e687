// Incremental response.create planning, the handshake URL and headers, and the fallback
// policy: pure logic, no I/O.

import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { IncrementalRequestPlanner } from "../../lib/responses/ws_request.ts";
import {
  RESPONSES_WEBSOCKETS_BETA,
  websocketHandshakeHeaders,
  websocketUrl,
} from "../../lib/responses/ws_handshake.ts";
import { fallbackMessage, TransportFallback } from "../../lib/responses/ws_fallback.ts";

function user(text: string) {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}
function assistant(text: string) {
  return { type: "message", role: "assistant", content: [{ type: "output_text", text }] };
}
function body(input: unknown[], extra: Record<string, unknown> = {}) {
  return {
    model: "gpt-5.2-codex",
    instructions: "be brief",
    input,
    tools: [],
    stream: true,
    ...extra,
  };
}

Deno.test("responses_websocket_uses_incremental_create_on_prefix: previous input + output is a prefix", () => {
  const planner = new IncrementalRequestPlanner();
  const first = planner.plan(body([user("hi")]));
  assert.equal(first.incremental, false);
  assert.deepEqual(first.frame, { type: "response.create", ...body([user("hi")]) });
  planner.complete("resp-1", [assistant("hello")]);
  const second = planner.plan(body([user("hi"), assistant("hello"), user("more")]));
  assert.equal(second.incremental, true);
  assert.deepEqual(second.frame, {
    type: "response.create",
    ...body([user("more")]),
    previous_response_id: "resp-1",
  });
});

Deno.test("an empty delta is allowed (input: [])", () => {
  const planner = new IncrementalRequestPlanner();
  planner.plan(body([user("hi")]), { generate: false });
  planner.complete("warm-1", []);
  const { frame, incremental } = planner.plan(body([user("hi")]));
  assert.equal(incremental, true);
  assert.deepEqual(frame.input, []);
  assert.equal(frame.previous_response_id, "warm-1");
  assert.equal("generate" in frame, false);
});

Deno.test("responses_websocket_creates_on_non_prefix and when non-input fields change", () => {
  const planner = new IncrementalRequestPlanner();
  planner.plan(body([user("hi")]));
  planner.complete("resp-1", [assistant("hello")]);
  assert.equal(planner.plan(body([user("other"), user("more")])).incremental, false);

  planner.complete("resp-2", []);
  const changed = planner.plan(
    body([user("other"), user("more"), user("x")], { service_tier: "priority" }),
  );
  assert.equal(changed.incremental, false);
  assert.equal("previous_response_id" in changed.frame, false);
  assert.equal(changed.frame.service_tier, "priority");
});

Deno.test("client_metadata, stream_options and item passthrough metadata do not defeat reuse", () => {
  const planner = new IncrementalRequestPlanner();
  planner.plan(
    body([user("hi")], { client_metadata: { turn_id: "t1" }, stream_options: { a: 1 } }),
  );
  planner.complete("resp-1", [{
    ...assistant("hello"),
    internal_chat_message_metadata_passthrough: { turn_id: "t1" },
  }]);
  const { frame, incremental } = planner.plan(
    body([user("hi"), assistant("hello"), user("next")], { client_metadata: { turn_id: "t2" } }),
    { clientMetadata: { "x-codex-turn-state": "ts-1" } },
  );
  assert.equal(incremental, true);
  assert.deepEqual(frame.client_metadata, { turn_id: "t2", "x-codex-turn-state": "ts-1" });
  assert.deepEqual(frame.input, [user("next")]);
});

Deno.test("without a completed previous response, or after reset, the request is full; what was left is used once", () => {
  const planner = new IncrementalRequestPlanner();
  planner.plan(body([user("hi")]));
  // Not completed: full.
  assert.equal(planner.plan(body([user("hi"), user("again")])).incremental, false);
  planner.complete("resp-2", []);
  assert.equal(planner.canContinue, true);
  planner.reset();
  assert.equal(planner.plan(body([user("hi"), user("again"), user("x")])).incremental, false);
  planner.complete("resp-3", []);
  // Used by the next request even though it cannot continue it…
  assert.equal(planner.plan(body([user("unrelated")])).incremental, false);
  // …so the one after that is full too.
  assert.equal(planner.plan(body([user("unrelated"), user("x")])).incremental, false);
  // An empty response id allows no continuation.
  planner.complete("", []);
  assert.equal(planner.canContinue, false);
});

Deno.test("output items go through toInputItem before the comparison", () => {
  const planner = new IncrementalRequestPlanner({
    toInputItem: (item) => {
      const { id: _id, ...rest } = item as Record<string, unknown>;
      return rest;
    },
  });
  planner.plan(body([user("hi")]));
  planner.complete("resp-1", [{ ...assistant("hello"), id: "msg-1" }]);
  assert.equal(planner.plan(body([user("hi"), assistant("hello"), user("n")])).incremental, true);
});

Deno.test("websocketUrl maps http to ws and https to wss and keeps the rest", () => {
  assert.equal(websocketUrl("http://127.0.0.1:1/v1/responses"), "ws://127.0.0.1:1/v1/responses");
  assert.equal(
    websocketUrl("HTTPS://chatgpt.com/backend-api/codex/responses?x=1"),
    "wss://chatgpt.com/backend-api/codex/responses?x=1",
  );
  assert.equal(websocketUrl("wss://h/responses"), "wss://h/responses");
  assert.throws(
    () => websocketUrl("ftp://h/responses?api-key=s"),
    (error: TypeError) => error instanceof TypeError && !error.message.includes("api-key"),
  );
});

Deno.test("responses_websocket_v2_sets_openai_beta_header: handshake headers come from the HTTP ones", () => {
  const http = new Headers({
    authorization: "Bearer sk-1",
    "chatgpt-account-id": "acc",
    "session-id": "s1",
    "thread-id": "t1",
    "x-client-request-id": "t1",
    "user-agent": "codex_cli_rs/0.1",
    "x-codex-turn-metadata": '{"turn_id":"turn-1"}',
    "x-codex-beta-features": "a,b",
    accept: "text/event-stream",
    "content-type": "application/json",
    "content-encoding": "zstd",
    "x-codex-turn-state": "ts-http",
    "openai-beta": "responses_multi_agent=v1",
  });
  const headers = websocketHandshakeHeaders(http);
  assert.equal(headers.get("openai-beta"), `${RESPONSES_WEBSOCKETS_BETA},responses_multi_agent=v1`);
  for (const name of ["accept", "content-type", "content-encoding", "x-codex-turn-state"]) {
    assert.equal(headers.has(name), false, name);
  }
  for (
    const name of [
      "authorization",
      "chatgpt-account-id",
      "session-id",
      "thread-id",
      "x-client-request-id",
      "user-agent",
      "x-codex-turn-metadata",
      "x-codex-beta-features",
    ]
  ) {
    assert.equal(headers.get(name), http.get(name), name);
  }
  const older = websocketHandshakeHeaders(http, {
    handshakeTurnState: "ts-old",
    timingMetrics: true,
  });
  assert.equal(older.get("x-codex-turn-state"), "ts-old");
  assert.equal(older.get("x-responsesapi-include-timing-metrics"), "true");
});

Deno.test("the fallback policy: 426 at once, unreachable per policy, sticky by default", () => {
  const refused = new CodexWireError("refused", { kind: "network", retryable: true });
  const upgrade = new CodexWireError("426", { kind: "http", status: 426 });
  const notFound = new CodexWireError("404", { kind: "http", status: 404 });
  const methodNotAllowed = new CodexWireError("405", { kind: "http", status: 405 });
  const overloaded = new CodexWireError("503", { kind: "http", status: 503, retryable: true });
  const unauthorized = new CodexWireError("401", { kind: "unauthorized", status: 401 });
  const aborted = new CodexWireError("stop", { kind: "aborted" });

  const byDefault = new TransportFallback();
  assert.deepEqual(
    [refused, upgrade, notFound, methodNotAllowed, overloaded, unauthorized, aborted].map((error) =>
      byDefault.onConnectError(error)
    ),
    ["fallback", "fallback", "fallback", "fallback", "retry", "fail", "fail"],
  );
  const retrying = new TransportFallback({ onConnectError: "retry", sticky: false });
  assert.deepEqual(
    [refused, upgrade, notFound].map((error) => retrying.onConnectError(error)),
    ["retry", "fallback", "retry"],
  );
  retrying.switched();
  assert.equal(retrying.websocketDisabled, false);
  byDefault.switched();
  assert.equal(byDefault.websocketDisabled, true);
  assert.throws(() => new TransportFallback({ onConnectError: "never" as "retry" }), TypeError);
  assert.equal(
    fallbackMessage(refused),
    "Falling back from WebSockets to HTTPS transport. refused",
  );
});
