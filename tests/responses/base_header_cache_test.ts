// The client caches its base headers per identity: they never leak between identities,
// sessions, turns or requests with headers of their own.

import assert from "node:assert/strict";
import { completedEvent, startMockResponsesServer } from "../../testing.ts";
import { testClient } from "../_helpers.ts";

const OK = { events: [completedEvent("r")], headers: { "x-codex-turn-state": "ts-1" } };

Deno.test("identity overrides, session headers and turn state do not stick to the cache", async () => {
  await using server = await startMockResponsesServer({ responses: Array(6).fill(OK) });
  const client = testClient(server.url, { headers: { "X-Provider": "p" } });
  const turn = client.session();
  await turn.stream({ model: "m", input: "x" }).finalResponse();
  await turn.stream({ model: "m", input: "x" }).finalResponse(); // turn state now set
  await client.session({ sessionId: "other", headers: { "x-provider": "s" } })
    .stream({ model: "m", input: "x" }).finalResponse();
  await client.session({ sessionId: "other" }).stream({ model: "m", input: "x" }).finalResponse();
  await client.session({ threadId: "t2", turnMetadata: { turn_id: "u" } })
    .stream({ model: "m", input: "x" }, { headers: { "Content-Type": "text/plain" } })
    .finalResponse();
  await client.stream({ model: "m", input: "x" }).finalResponse();
  const seen = server.requests.map(({ headers }) => [
    headers.get("session-id"),
    headers.get("thread-id"),
    headers.get("x-provider"),
    headers.get("x-codex-turn-state"),
    headers.has("x-codex-turn-metadata"),
    headers.get("content-type"),
  ]);
  const json = "application/json";
  assert.deepEqual(seen, [
    ["sess-1", "conv-1", "p", null, false, json],
    ["sess-1", "conv-1", "p", "ts-1", false, json],
    ["other", "conv-1", "s", null, false, json],
    ["other", "conv-1", "p", null, false, json],
    ["sess-1", "t2", "p", null, true, "text/plain"],
    ["sess-1", "conv-1", "p", null, false, json],
  ]);
});

Deno.test("a header named __proto__ is sent like any other", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, { headers: [["__proto__", "p"]] });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(server.requests[0].headers.get("__proto__"), "p");
});
