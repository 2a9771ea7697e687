// What goes on the wire for a Responses request: path, body fields and defaults (spec §1.2),
// headers and their precedence (§1.3), item serialisation with `phase` (§9).

import assert from "node:assert/strict";
import { buildResponsesBody, isAzureBaseUrl } from "../../lib/responses/request_body.ts";
import { mergeRequestHeaders } from "../../lib/responses/request_headers.ts";
import { ResponsesClient } from "../../lib/responses/responses_client.ts";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import type { ResponseItem } from "../../lib/schema/response_item.ts";
import { completedEvent, startMockResponsesServer } from "../../testing.ts";
import { testClient } from "../_helpers.ts";

const OK = { events: [completedEvent("resp-1")] };

Deno.test("responses_client_uses_responses_path: POST <baseUrl>/responses, trailing slash trimmed, query appended", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(`${server.url}/`, { queryParams: { "api-version": "2025-04-01" } });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(server.requests[0].method, "POST");
  assert.equal(new URL(server.requests[0].url).pathname, "/v1/responses");
  assert.equal(new URL(server.requests[0].url).search, "?api-version=2025-04-01");
});

Deno.test("streaming_client_adds_auth_headers: Bearer, ChatGPT-Account-ID, Accept text/event-stream", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, { apiKey: "sk-abc", accountId: "acct-9" });
  await client.stream({ model: "m", input: "x" }, {
    headers: { accept: "application/json" },
  }).finalResponse();
  const headers = server.requests[0].headers;
  assert.equal(headers.get("authorization"), "Bearer sk-abc");
  assert.equal(headers.get("chatgpt-account-id"), "acct-9");
  assert.equal(headers.get("accept"), "text/event-stream");
  assert.equal(headers.get("content-type"), "application/json");
});

Deno.test("includes_conversation_id_and_model_headers_in_request: session-id, thread-id, x-client-request-id, window id, originator, user agent", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, { sessionId: "session-7", threadId: "thread-42" });
  await client.stream({ model: "gpt-5.2-codex", input: "x" }).finalResponse();
  const { headers, json } = server.requests[0];
  assert.equal(headers.get("session-id"), "session-7");
  assert.equal(headers.get("thread-id"), "thread-42");
  assert.equal(headers.has("session_id"), false);
  assert.equal(headers.get("x-client-request-id"), "thread-42");
  assert.equal(headers.get("x-codex-window-id"), "thread-42:0");
  assert.equal(headers.get("originator"), "codex_cli_rs");
  assert.match(
    headers.get("user-agent") ?? "",
    /^codex_cli_rs\/\d+\.\d+\.\d+ \((Linux|Mac OS|Windows) \S+; \w+\) codexwire$/,
  );
  assert.equal((json as { model: string }).model, "gpt-5.2-codex");
  assert.equal((json as { prompt_cache_key: string }).prompt_cache_key, "session-7");
});

Deno.test("responses_stream_includes_subagent_header_on_review, beta features and residency", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, {
    subagent: "review",
    betaFeatures: ["unified_exec", "apply_patch_freeform"],
    residency: "us",
  });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  const headers = server.requests[0].headers;
  assert.equal(headers.get("x-openai-subagent"), "review");
  assert.equal(headers.get("x-codex-beta-features"), "unified_exec,apply_patch_freeform");
  assert.equal(headers.get("x-openai-internal-codex-residency"), "us");
});

Deno.test("responses_stream_includes_turn_metadata_header: same on every request of a turn, omitted when not header text", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK, OK] });
  const client = testClient(server.url);
  const metadata = { turn_id: "turn-1", sandbox: "none" };
  const turn = client.session({ turnMetadata: metadata });
  await turn.stream({ model: "m", input: "x" }).finalResponse();
  await turn.stream({ model: "m", input: "y" }).finalResponse();
  await client.session({ turnMetadata: '{"turn_id":"t\u0000"}' }).stream({ model: "m", input: "z" })
    .finalResponse();
  assert.equal(server.requests[0].headers.get("x-codex-turn-metadata"), JSON.stringify(metadata));
  assert.equal(server.requests[1].headers.get("x-codex-turn-metadata"), JSON.stringify(metadata));
  assert.equal(server.requests[2].headers.has("x-codex-turn-metadata"), false);
});

Deno.test("merge_request_headers_matches_http_precedence: provider < extra; defaults only fill gaps", () => {
  const merged = mergeRequestHeaders(
    { "x-provider": "p", "x-shared": "provider", originator: "provider-originator" },
    { "x-shared": "extra", "x-extra": "e" },
    { originator: "codex_cli_rs", "x-default-only": "d" },
  );
  assert.deepEqual(Object.fromEntries(merged), {
    originator: "provider-originator",
    "x-default-only": "d",
    "x-extra": "e",
    "x-provider": "p",
    "x-shared": "extra",
  });
});

Deno.test("client headers lose to per-request headers and win over defaults", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, { headers: { "x-team": "a", originator: "my_app" } });
  await client.stream({ model: "m", input: "x" }, { headers: { "x-team": "b" } }).finalResponse();
  const headers = server.requests[0].headers;
  assert.equal(headers.get("x-team"), "b");
  assert.equal(headers.get("originator"), "my_app");
});

Deno.test("the body carries Codex's fields and defaults", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  await testClient(server.url).stream({
    model: "gpt-5.2-codex",
    instructions: "You are Codex.",
    input: "hello",
  }).finalResponse();
  assert.deepEqual(server.requests[0].json, {
    model: "gpt-5.2-codex",
    instructions: "You are Codex.",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hello" }] }],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: true,
    reasoning: {},
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: "sess-1",
    client_metadata: {
      session_id: "sess-1",
      thread_id: "conv-1",
      "x-codex-window-id": "conv-1:0",
    },
  });
});

Deno.test("includes_configured_effort_in_request and encrypted reasoning; reasoning_summary_is_omitted_when_disabled", () => {
  const withSummary = buildResponsesBody(
    { model: "m", input: "x", reasoning: { effort: "high", summary: "detailed" } },
    { promptCacheKey: "k" },
  );
  assert.deepEqual(withSummary.reasoning, { effort: "high", summary: "detailed" });
  assert.deepEqual(withSummary.include, ["reasoning.encrypted_content"]);
  const noSummary = buildResponsesBody(
    { model: "m", input: "x", reasoning: { effort: "low", summary: "none" } },
    { promptCacheKey: "k" },
  );
  assert.deepEqual(noSummary.reasoning, { effort: "low" });
});

Deno.test("configured_verbosity_is_sent, output schema, service tier; empty instructions omitted", () => {
  const body = buildResponsesBody({
    model: "m",
    instructions: "",
    input: "x",
    verbosity: "low",
    serviceTier: "priority",
    outputSchema: { schema: { type: "object" } },
  }, { promptCacheKey: "k" });
  assert.equal("instructions" in body, false);
  assert.equal(body.service_tier, "priority");
  assert.deepEqual(body.text, {
    verbosity: "low",
    format: {
      type: "json_schema",
      strict: true,
      schema: { type: "object" },
      name: "codex_output_schema",
    },
  });
  assert.equal(
    "text" in buildResponsesBody({ model: "m", input: "x" }, { promptCacheKey: "k" }),
    false,
  );
});

Deno.test("replayed items keep phase and end_turn, drop unprefixed ids, and follow the reasoning content rule", () => {
  const items: ResponseItem[] = [
    {
      type: "message",
      role: "assistant",
      id: "msg-1",
      phase: "commentary",
      end_turn: false,
      content: [{ type: "output_text", text: "Looking" }],
    },
    {
      type: "message",
      role: "assistant",
      id: "msg-2",
      content: [{ type: "output_text", text: "Hi" }],
    },
    { type: "reasoning", id: "rs-1", summary: [], encrypted_content: "enc" },
    { type: "reasoning", id: "rs-2", summary: [], content: [{ type: "text", text: "x" }] },
    {
      type: "reasoning",
      id: "rs-3",
      summary: [],
      content: [{ type: "reasoning_text", text: "y" }],
    },
    { type: "function_call", id: "fc-1", call_id: "c1", name: "shell", arguments: "{}" },
  ];
  const body = buildResponsesBody({ model: "m", input: items }, { promptCacheKey: "k" });
  assert.deepEqual(body.input, [
    {
      type: "message",
      role: "assistant",
      phase: "commentary",
      end_turn: false,
      content: [{ type: "output_text", text: "Looking" }],
    },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Hi" }] },
    { type: "reasoning", summary: [], encrypted_content: "enc", content: null },
    { type: "reasoning", summary: [], encrypted_content: null },
    {
      type: "reasoning",
      summary: [],
      content: [{ type: "reasoning_text", text: "y" }],
      encrypted_content: null,
    },
    { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" },
  ]);
});

Deno.test("items received with phase are re-sent with phase on the next request", async () => {
  await using server = await startMockResponsesServer({
    responses: [
      {
        events: [
          {
            type: "response.output_item.done",
            item: {
              type: "message",
              role: "assistant",
              id: "m1",
              phase: "final_answer",
              content: [{ type: "output_text", text: "4" }],
            },
          },
          completedEvent("r1"),
        ],
      },
      OK,
    ],
  });
  const client = testClient(server.url);
  const first = await client.stream({ model: "m", input: "2+2?" }).finalResponse();
  await client.stream({ model: "m", input: [...first.items] }).finalResponse();
  assert.deepEqual((server.requests[1].json as { input: unknown }).input, [
    {
      type: "message",
      role: "assistant",
      phase: "final_answer",
      content: [{ type: "output_text", text: "4" }],
    },
  ]);
});

Deno.test("detects_azure_responses_base_urls", () => {
  for (
    const url of [
      "https://foo.openai.azure.com/openai",
      "https://foo.cognitiveservices.azure.com/openai",
      "https://foo.aoai.azure.com/openai",
      "https://foo.azure-api.net/v1",
      "https://foo.azurefd.net/",
      "https://foo.windows.net/openai",
      "HTTPS://FOO.OPENAI.AZURE.COM/OPENAI",
    ]
  ) assert.equal(isAzureBaseUrl(url), true, url);
  for (const url of ["https://api.openai.com/v1", "https://chatgpt.com/backend-api/codex"]) {
    assert.equal(isAzureBaseUrl(url), false, url);
  }
});

Deno.test("azure endpoints get store false and the same id rule as any other (R5)", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = new ResponsesClient({
    baseUrl: `${server.url}/openai.azure.com`,
    subagent: "review",
    threadId: "conv-az",
  });
  await client.stream({
    model: "m",
    input: [{
      type: "message",
      role: "user",
      id: "in-1",
      content: [{ type: "input_text", text: "x" }],
    }],
  }).finalResponse();
  const { json, headers } = server.requests[0];
  assert.equal((json as { store: boolean }).store, false);
  assert.equal("id" in (json as { input: { id?: string }[] }).input[0], false);
  assert.equal(headers.get("thread-id"), "conv-az");
  assert.equal(headers.get("x-openai-subagent"), "review");
});

Deno.test("ResponsesClient rejects bad numeric options with RangeError before any network work", () => {
  assert.throws(() => new ResponsesClient({ idleTimeoutMs: -1 }), {
    name: "RangeError",
    message:
      "Cannot create ResponsesClient: idleTimeoutMs must be a positive number of milliseconds up to 2147483647 (about 24.8 days), or Infinity for no timeout, got -1",
  });
  assert.throws(() => new ResponsesClient({ retry: { streamMaxRetries: Number.NaN } }), RangeError);
});

Deno.test("a base URL with a query: /responses goes after the path, the query stays and queryParams follow it", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(`${server.url}/?api-version=2025-04-01`, {
    queryParams: { deployment: "codex" },
  });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(
    server.requests[0].url,
    `${server.url}/responses?api-version=2025-04-01&deployment=codex`,
  );
  assert.equal(client.baseUrl, `${server.url}?api-version=2025-04-01`);
});

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

Deno.test("traceparent and tracestate go out as headers on every HTTP request (a retry too); a request's trace wins over its session's", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ status: 500, body: "busy" }, OK, OK],
  });
  const client = testClient(server.url);
  const turn = client.session({ trace: { traceparent: TRACEPARENT, tracestate: "a=1,b=2" } });
  await turn.stream({ model: "m", input: "x" }).finalResponse();
  const other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
  await turn.stream({ model: "m", input: "y" }, { trace: { traceparent: other } })
    .finalResponse();
  const [failed, retried, second] = server.requests;
  for (const request of [failed, retried]) {
    assert.equal(request.headers.get("traceparent"), TRACEPARENT);
    assert.equal(request.headers.get("tracestate"), "a=1,b=2");
  }
  assert.equal(second.headers.get("traceparent"), other);
  assert.equal(second.headers.has("tracestate"), false);
  // Over HTTP the trace is a header only.
  const metadata = (retried.json as { client_metadata: Record<string, string> }).client_metadata;
  assert.equal("ws_request_header_traceparent" in metadata, false);
});

Deno.test("a traceparent that is not W3C-shaped, or has an all-zero id, is a usage error before anything is sent", async () => {
  await using server = await startMockResponsesServer();
  const client = testClient(server.url);
  const bad = [
    "",
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
    "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
  ];
  for (const traceparent of bad) {
    assert.throws(
      () => client.stream({ model: "m", input: "x" }, { trace: { traceparent } }),
      (error: unknown) =>
        error instanceof CodexWireError && error.kind === "usage" &&
        error.message.startsWith("Cannot send trace context: "),
    );
    assert.throws(() => client.session({ trace: { traceparent } }), CodexWireError);
  }
  assert.throws(
    () => client.session({ trace: { traceparent: TRACEPARENT, tracestate: "a=1\r\nx: y" } }),
    /tracestate must be printable ASCII text/,
  );
  assert.equal(server.requests.length, 0);
});

Deno.test("a base URL's empty query pairs are dropped, and a fragment is refused when the client is made", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  for (const base of [`${server.url}?`, `${server.url}/?a=1&`]) {
    const client = testClient(base, { queryParams: { d: "x" } });
    await client.stream({ model: "m", input: "x" }).finalResponse();
  }
  assert.deepEqual(server.requests.map((request) => request.url), [
    `${server.url}/responses?d=x`,
    `${server.url}/responses?a=1&d=x`,
  ]);
  for (const base of [`${server.url}#frag`, `${server.url}?api-version=1#frag`]) {
    assert.throws(
      () => testClient(base),
      (error: unknown) =>
        error instanceof TypeError && /baseUrl must not have a fragment/.test(error.message),
    );
  }
});

Deno.test("a null trace is a usage error; a blank tracestate is left out and a padded one trimmed, the same over HTTP and WebSocket", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  const client = testClient(server.url);
  assert.throws(
    () => client.stream({ model: "m", input: "x" }, { trace: null as unknown as undefined }),
    (error: unknown) =>
      error instanceof CodexWireError && error.kind === "usage" &&
      /trace must be an object/.test(error.message),
  );
  assert.throws(
    () => client.session({ trace: 7 as unknown as { traceparent: string } }),
    (error: unknown) => error instanceof CodexWireError && error.kind === "usage",
  );
  await client.stream({ model: "m", input: "x" }, {
    trace: { traceparent: TRACEPARENT, tracestate: "   " },
  }).finalResponse();
  await client.stream({ model: "m", input: "x" }, {
    trace: { traceparent: TRACEPARENT, tracestate: "  a=1 " },
  }).finalResponse();
  const [blank, padded] = server.requests;
  assert.equal(blank.headers.has("tracestate"), false);
  assert.equal(padded.headers.get("tracestate"), "a=1");
});

Deno.test("a caller's fetch gets the request headers as a Headers it can change", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, {
    fetch: (input, init) => {
      const headers = init?.headers as Headers;
      headers.set("x-proxy-auth", "token");
      return fetch(input, { ...init, headers });
    },
  });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.equal(server.requests[0].headers.get("x-proxy-auth"), "token");
});
