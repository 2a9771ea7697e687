// ChatGPT sign-in (spec §1.1, §1.3, §7; upstream §1.7): the ChatGPT base URL, the
// ChatGPT-Account-ID header, and zstd request compression on by default; API-key auth is
// never compressed unless asked.

import assert from "node:assert/strict";
import { CHATGPT_BASE_URL, ResponsesClient } from "../../lib/responses/responses_client.ts";
import { completedEvent, startMockResponsesServer } from "../../testing.ts";

const OK = { events: [completedEvent("resp-1")] };
const CHATGPT = { chatgpt: { accessToken: "chatgpt-token", accountId: "acct-1" } };

Deno.test("chatgpt_auth_sends_correct_request (base URL half): ChatGPT auth posts to chatgpt.com/backend-api/codex/responses", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const sentTo: string[] = [];
  // chatgpt.com is out of reach: the request goes to the loopback server as built, with
  // only the origin swapped, so the path it was built with is what the server sees.
  const toLoopback: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    sentTo.push(url.href);
    return fetch(new URL(url.pathname + url.search, server.url), init);
  };
  const client = new ResponsesClient({ auth: CHATGPT, fetch: toLoopback });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.deepEqual(sentTo, ["https://chatgpt.com/backend-api/codex/responses"]);
  assert.equal(server.requests[0].path, "/backend-api/codex/responses");
  assert.equal(client.baseUrl, CHATGPT_BASE_URL);
  assert.equal(CHATGPT_BASE_URL, "https://chatgpt.com/backend-api/codex");
  assert.equal(new ResponsesClient({ apiKey: "sk" }).baseUrl, "https://api.openai.com/v1");
});

Deno.test("chatgpt_auth_sends_correct_request: bearer token, ChatGPT-Account-ID, stream true, encrypted reasoning, zstd body", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = new ResponsesClient({ baseUrl: server.url, auth: CHATGPT });
  await client.stream({ model: "gpt-5.2-codex", input: "hi" }).finalResponse();
  const request = server.requests[0];
  assert.equal(request.path, "/v1/responses");
  assert.equal(request.headers.get("authorization"), "Bearer chatgpt-token");
  assert.equal(request.headers.get("chatgpt-account-id"), "acct-1");
  assert.equal(request.contentEncoding, "zstd");
  const body = request.json as { stream: boolean; include: string[] };
  assert.equal(body.stream, true);
  assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
});

Deno.test("request_body_is_zstd_compressed_for_codex_backend_when_enabled, and compression: none turns it off", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  await new ResponsesClient({ baseUrl: server.url, auth: CHATGPT })
    .stream({ model: "m", input: "x" }).finalResponse();
  await new ResponsesClient({ baseUrl: server.url, auth: CHATGPT, compression: "none" })
    .stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(server.requests[0].contentEncoding, "zstd");
  assert.equal(server.requests[1].contentEncoding, null);
});

Deno.test("request_body_is_not_compressed_for_api_key_auth_even_when_enabled", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  await new ResponsesClient({ baseUrl: server.url, apiKey: "sk-test" })
    .stream({ model: "m", input: "x" }).finalResponse();
  // Everything else about the request says "Codex backend": the path and an account id.
  await new ResponsesClient({
    baseUrl: `${server.url}/backend-api/codex`,
    apiKey: "sk-test",
    accountId: "acct-1",
  }).stream({ model: "m", input: "x" }).finalResponse();
  const [plain, backendLike] = server.requests;
  assert.equal(plain.contentEncoding, null);
  assert.equal(plain.headers.get("authorization"), "Bearer sk-test");
  assert.equal(plain.headers.has("chatgpt-account-id"), false);
  assert.equal((plain.json as { model: string }).model, "m");
  assert.equal(backendLike.path, "/v1/backend-api/codex/responses");
  assert.equal(backendLike.headers.get("chatgpt-account-id"), "acct-1");
  assert.equal(backendLike.contentEncoding, null);
});

Deno.test("ChatGPT auth refuses an API key beside it and an empty token", () => {
  assert.throws(() => new ResponsesClient({ apiKey: "sk", auth: CHATGPT }), {
    name: "TypeError",
    message: "Cannot create ResponsesClient: set apiKey or auth.chatgpt, not both",
  });
  assert.throws(() => new ResponsesClient({ auth: { chatgpt: { accessToken: " " } } }), TypeError);
});
