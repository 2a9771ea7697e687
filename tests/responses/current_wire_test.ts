// The Responses wire as Codex speaks it today (upstream-2026-08 §A): request body and
// identity headers, new failure codes, new inbound events, connection retries; and the
// spec's §11.2 scenarios that apply to HTTP. Every test runs against the mock server.

import assert from "node:assert/strict";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import type { RetryOptions } from "../../lib/responses/sse_turn.ts";
import {
  completedEvent,
  createdEvent,
  failedEvent,
  startMockResponsesServer,
} from "../../testing.ts";
import { bodyTypes, collect, testClient } from "../_helpers.ts";

const OK = { events: [completedEvent("resp-1")] };
const UUID_V7_REGEXP = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Body = Record<string, unknown> & { input: Record<string, unknown>[] };

Deno.test("request body as Codex sends it now: reasoning object, encrypted reasoning always included, store false, prefixed ids kept", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  await testClient(server.url).stream({
    model: "m",
    input: [
      { type: "message", role: "user", id: "msg_0198aa", content: [] },
      { type: "message", role: "assistant", id: "msg-1", content: [] },
      { type: "reasoning", id: "rs_12", summary: [], encrypted_content: "e" },
      { type: "function_call", id: "", call_id: "c", name: "f", arguments: "{}" },
      { type: "image_generation_call", id: "ig_5", result: "…" },
    ],
    reasoning: { effort: "ultra", summary: "auto" },
  }).finalResponse();
  const body = server.requests[0].json as Body;
  assert.deepEqual(body.reasoning, { effort: "max", summary: "auto" });
  assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
  assert.equal(body.store, false);
  assert.deepEqual(body.input.map((item) => item.id), [
    "msg_0198aa",
    undefined,
    "rs_12",
    undefined,
    "ig_5",
  ]);
});

Deno.test("includes_no_effort_in_request: no reasoning settings still send a reasoning object without effort", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  const client = testClient(server.url);
  await client.stream({ model: "m", input: "x" }).finalResponse();
  await client.stream({ model: "m", input: "x", reasoning: null }).finalResponse();
  for (const request of server.requests) {
    const body = request.json as Body;
    assert.deepEqual(body.reasoning, {});
    assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
  }
});

Deno.test("identity: session-id, thread-id, x-client-request-id, x-codex-window-id headers, client_metadata, prompt_cache_key = session id", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  const client = testClient(server.url, {
    sessionId: "sess-9",
    threadId: "thread-3",
    installationId: "inst-1",
    subagent: "review",
  });
  await client.session({ turnMetadata: { turn_id: "turn-7", sandbox: "none" } })
    .stream({ model: "m", input: "x" }).finalResponse();
  await client.session({ threadId: "thread-4" }).stream({ model: "m", input: "x" })
    .finalResponse();
  const [first, second] = server.requests;
  assert.equal(first.headers.get("session-id"), "sess-9");
  assert.equal(first.headers.get("thread-id"), "thread-3");
  assert.equal(first.headers.get("x-client-request-id"), "thread-3");
  assert.equal(first.headers.get("x-codex-window-id"), "thread-3:0");
  assert.equal(first.headers.has("session_id"), false);
  const body = first.json as Body;
  assert.equal(body.prompt_cache_key, "sess-9");
  assert.deepEqual(body.client_metadata, {
    "x-codex-installation-id": "inst-1",
    session_id: "sess-9",
    thread_id: "thread-3",
    "x-codex-window-id": "thread-3:0",
    turn_id: "turn-7",
    "x-openai-subagent": "review",
    "x-codex-turn-metadata": JSON.stringify({ turn_id: "turn-7", sandbox: "none" }),
  });
  assert.equal(second.headers.get("thread-id"), "thread-4");
  assert.equal(second.headers.get("session-id"), "sess-9");
});

Deno.test("a window id set through headers goes into client_metadata too, so header and body agree", async () => {
  await using server = await startMockResponsesServer({ responses: [OK, OK] });
  const client = testClient(server.url, { threadId: "thread-3" });
  await client.session({ headers: { "x-codex-window-id": "thread-3:2" } })
    .stream({ model: "m", input: "x" }).finalResponse();
  await client.stream({ model: "m", input: "x" }, {
    headers: { "x-codex-window-id": "thread-3:5" },
  })
    .finalResponse();
  for (
    const [request, window] of [[server.requests[0], "thread-3:2"], [
      server.requests[1],
      "thread-3:5",
    ]] as const
  ) {
    assert.equal(request.headers.get("x-codex-window-id"), window);
    const metadata = (request.json as Body).client_metadata as Record<string, string>;
    assert.equal(metadata["x-codex-window-id"], window);
  }
});

Deno.test("session and thread ids are generated as distinct UUIDv7s when not given", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  const client = testClient(server.url, { sessionId: undefined, threadId: undefined });
  await client.stream({ model: "m", input: "x" }).finalResponse();
  assert.match(client.sessionId, UUID_V7_REGEXP);
  assert.match(client.threadId, UUID_V7_REGEXP);
  assert.notEqual(client.sessionId, client.threadId);
  assert.equal(server.requests[0].headers.get("session-id"), client.sessionId);
  assert.equal(server.requests[0].headers.get("thread-id"), client.threadId);
});

Deno.test("the User-Agent has Codex's shape: originator/version (os version; arch) terminal", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  await testClient(server.url, { originator: "codex_exec" }).stream({ model: "m", input: "x" })
    .finalResponse();
  assert.match(
    server.requests[0].headers.get("user-agent") ?? "",
    /^codex_exec\/\d+\.\d+\.\d+ \((Linux|Mac OS|Windows) [^;]+; (x86_64|arm64)\) codexwire$/,
  );
});

Deno.test("responses_stream_includes_subagent_header_on_other: a custom sub-agent label is sent as is", async () => {
  await using server = await startMockResponsesServer({ responses: [OK] });
  await testClient(server.url, { subagent: "my-task" }).stream({ model: "m", input: "x" })
    .finalResponse();
  assert.equal(server.requests[0].headers.get("x-openai-subagent"), "my-task");
  const metadata = (server.requests[0].json as Body).client_metadata as Record<string, string>;
  assert.equal(metadata["x-openai-subagent"], "my-task");
});

for (
  const [code, kind, message] of [
    ["misalignment_policy_violation", "misalignmentPolicyViolation", "refused by policy"],
    ["bio_policy", "invalidRequest", "bio refusal"],
    ["cyber_policy", "cyberPolicy", "cyber refusal"],
  ] as const
) {
  Deno.test(`response.failed with ${code} fails once with kind ${kind}, never retried`, async () => {
    await using server = await startMockResponsesServer({
      responses: [{ events: [failedEvent("r", { code, message })] }, OK],
    });
    const { events, error } = await collect(
      testClient(server.url).stream({ model: "m", input: "x" }),
    );
    assert.equal(server.requests.length, 1);
    assert.equal(events.some((event) => event.type === "reconnecting"), false);
    assert.equal(error?.kind, kind);
    assert.equal(error?.retryable, false);
    assert.equal(error?.message, message);
  });
}

Deno.test("misalignment_policy_violation in an HTTP 403 body is misalignmentPolicyViolation", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      status: 403,
      body: JSON.stringify({ error: { code: "misalignment_policy_violation", message: "no" } }),
    }],
  });
  const { error } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.equal(server.requests.length, 1);
  assert.equal(error?.kind, "misalignmentPolicyViolation");
  assert.equal(error?.message, "no");
});

Deno.test("new inbound events: reasoningSummaryDone, toolCallInputDelta, end_turn and cache_write_tokens on completed", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        createdEvent("r"),
        {
          type: "response.reasoning_summary_text.done",
          item_id: "rs_1",
          text: "**Plan**",
          summary_index: 0,
        },
        {
          type: "response.custom_tool_call_input.delta",
          item_id: "ctc_1",
          call_id: "call_1",
          delta: "*** Begin",
        },
        { type: "response.custom_tool_call_input.delta", call_id: "call_2", delta: " Patch" },
        {
          type: "response.completed",
          response: {
            id: "r",
            end_turn: true,
            usage: {
              input_tokens: 10,
              input_tokens_details: { cached_tokens: 2, cache_write_tokens: 5 },
              output_tokens: 1,
              output_tokens_details: null,
              total_tokens: 11,
            },
          },
        },
      ],
    }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: "m", input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(events.filter((event) => event.type !== "rateLimits"), [
    { type: "created", responseId: "r" },
    { type: "reasoningSummaryDone", itemId: "rs_1", text: "**Plan**", summaryIndex: 0 },
    { type: "toolCallInputDelta", itemId: "ctc_1", callId: "call_1", delta: "*** Begin" },
    { type: "toolCallInputDelta", itemId: "call_2", callId: "call_2", delta: " Patch" },
    {
      type: "completed",
      responseId: "r",
      endTurn: true,
      tokenUsage: {
        inputTokens: 10,
        cachedInputTokens: 2,
        outputTokens: 1,
        reasoningOutputTokens: 0,
        totalTokens: 11,
        cacheWriteTokens: 5,
      },
    },
  ]);
});

Deno.test("response.metadata: the model-verification recommendation is a modelVerifications event, deduplicated, unknown values dropped", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        {
          type: "response.metadata",
          metadata: {
            openai_verification_recommendation: [
              "trusted_access_for_cyber",
              "something_new",
              "trusted_access_for_cyber",
            ],
          },
        },
        { type: "response.metadata", metadata: { other: 1 } },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.deepEqual(bodyTypes(events), ["modelVerifications", "completed"]);
  assert.deepEqual(events.find((event) => event.type === "modelVerifications"), {
    type: "modelVerifications",
    verifications: ["trusted_access_for_cyber"],
  });
});

Deno.test("safety-buffering notices: on any event, and as a response.metadata payload, with the header fallbacks", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: {
        "x-codex-safety-buffering-enabled": "true",
        "x-codex-safety-buffering-faster-model": "gpt-5.2-mini",
      },
      events: [
        {
          type: "response.created",
          response: { id: "r" },
          safety_buffering: { use_cases: ["cyber"], reasons: ["review"] },
        },
        {
          type: "response.metadata",
          metadata: {
            type: "safety_buffering",
            use_cases: ["bio"],
            reasons: [],
            retry_model: "gpt-5.1",
          },
        },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  const notices = events.filter((event) => event.type === "safetyBuffering");
  assert.deepEqual(bodyTypes(events), [
    "safetyBuffering",
    "created",
    "safetyBuffering",
    "completed",
  ]);
  assert.deepEqual(notices, [
    {
      type: "safetyBuffering",
      useCases: ["cyber"],
      reasons: ["review"],
      showBufferingUi: true,
      fasterModel: "gpt-5.2-mini",
    },
    {
      type: "safetyBuffering",
      useCases: ["bio"],
      reasons: [],
      showBufferingUi: true,
      fasterModel: "gpt-5.1",
    },
  ]);
});

Deno.test("web_search_item_is_emitted: a web_search_call item arrives added and done, untouched", async () => {
  const added = { type: "web_search_call", id: "ws_1", status: "in_progress" };
  const done = {
    type: "web_search_call",
    id: "ws_1",
    status: "completed",
    action: { type: "search", query: "weather seattle" },
  };
  await using server = await startMockResponsesServer({
    responses: [{
      events: [
        { type: "response.output_item.added", item: added },
        { type: "response.output_item.done", item: done },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(testClient(server.url).stream({ model: "m", input: "x" }));
  assert.deepEqual(events.filter((event) => event.type.startsWith("outputItem")), [
    { type: "outputItemAdded", item: added },
    { type: "outputItemDone", item: done },
  ]);
});

Deno.test("token_count_includes_rate_limits_snapshot: the header snapshot and the token usage both reach the caller", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: {
        "x-codex-primary-used-percent": "12.5",
        "x-codex-primary-window-minutes": "10",
        "x-codex-primary-reset-at": "1704069000",
        "x-codex-secondary-used-percent": "40.0",
        "x-codex-secondary-window-minutes": "60",
        "x-codex-secondary-reset-at": "1704074400",
      },
      events: [completedEvent("r", { inputTokens: 123, outputTokens: 0 })],
    }],
  });
  const response = await testClient(server.url).stream({ model: "m", input: "x" })
    .finalResponse();
  assert.deepEqual(response.rateLimits.codex, {
    limitId: "codex",
    limitName: null,
    primary: { usedPercent: 12.5, windowMinutes: 10, resetsAt: 1704069000 },
    secondary: { usedPercent: 40, windowMinutes: 60, resetsAt: 1704074400 },
    credits: null,
    planType: null,
  });
  assert.equal(response.tokenUsage?.inputTokens, 123);
  assert.equal(response.tokenUsage?.totalTokens, 123);
});

function reconnectLayers(events: readonly ResponseEvent[]): string[] {
  return events.flatMap((event) => event.type === "reconnecting" ? [event.layer] : []);
}

async function freePort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return await Promise.resolve(port);
}

Deno.test("connection retries: bounded by default, they share requestMaxRetries", async () => {
  const port = await freePort();
  const client = testClient(`http://127.0.0.1:${port}/v1`, {
    retry: { requestMaxRetries: 2, streamMaxRetries: 0 },
  });
  const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
  assert.deepEqual(reconnectLayers(events), ["request", "request"]);
  assert.equal(error?.kind, "network");
});

Deno.test("connection retries: unbounded, as Codex does, they wait for the network past requestMaxRetries without using it up", async () => {
  const port = await freePort();
  let server: Awaited<ReturnType<typeof startMockResponsesServer>> | undefined;
  const delays: number[] = [];
  const client = testClient(`http://127.0.0.1:${port}/v1`, {
    retry: {
      requestMaxRetries: 1,
      streamMaxRetries: 0,
      connectionRetries: "unbounded",
      connectionBaseDelayMs: 1,
      connectionMaxDelayMs: 4,
    },
    telemetry: {
      async onRetry(info) {
        delays.push(info.delayMs);
        // The network "comes back" after five failed connections.
        if (info.layer === "connection" && info.attempt === 5) {
          server = await startMockResponsesServer({
            port,
            responses: [{ status: 500, body: "flaky" }, OK],
          });
        }
      },
    },
  });
  try {
    const { events, error } = await collect(client.stream({ model: "m", input: "x" }));
    assert.equal(error, undefined);
    assert.deepEqual(reconnectLayers(events), [
      "connection",
      "connection",
      "connection",
      "connection",
      "connection",
      "request",
    ]);
    assert.deepEqual(delays.slice(0, 5), [1, 2, 4, 4, 4]);
    const first = events.find((event) => event.type === "reconnecting");
    assert.equal(first?.type === "reconnecting" && first.maxAttempts, Infinity);
  } finally {
    await server?.close();
  }
});

Deno.test("connection retries: unbounded ones wait 5 s first and at most 60 s by default, as Codex does", async () => {
  const port = await freePort();
  // The first wait each client asks for; the signal stops it before the wait begins.
  const firstWait = async (retry: RetryOptions): Promise<number[]> => {
    const controller = new AbortController();
    const waits: number[] = [];
    const client = testClient(`http://127.0.0.1:${port}/v1`, {
      retry: { connectionRetries: "unbounded", ...retry },
      telemetry: {
        onRetry(info) {
          if (info.layer === "connection") waits.push(info.delayMs);
          controller.abort();
        },
      },
    });
    const { error } = await collect(
      client.stream({ model: "m", input: "x" }, { signal: controller.signal }),
    );
    assert.equal(error?.kind, "aborted");
    return waits;
  };
  assert.deepEqual(await firstWait({}), [5_000]);
  assert.deepEqual(await firstWait({ connectionBaseDelayMs: 90_000 }), [60_000]);
});

Deno.test("connection retries: unbounded retries stop when the signal fires", async () => {
  const port = await freePort();
  const controller = new AbortController();
  const client = testClient(`http://127.0.0.1:${port}/v1`, {
    retry: { connectionRetries: "unbounded", connectionBaseDelayMs: 1, connectionMaxDelayMs: 1 },
    telemetry: {
      onRetry(info) {
        if (info.attempt === 3) controller.abort();
      },
    },
  });
  const { error } = await collect(
    client.stream({ model: "m", input: "x" }, { signal: controller.signal }),
  );
  assert.equal(error?.kind, "aborted");
});

Deno.test("retry.connectionRetries rejects values other than bounded and unbounded", () => {
  assert.throws(
    () =>
      testClient("http://127.0.0.1:1/v1", { retry: { connectionRetries: "forever" as "bounded" } }),
    RangeError,
  );
});
