import assert from "node:assert/strict";
import { loadScenario } from "../../lib/cli/scenarios.ts";
import { startMockResponsesServer } from "../../lib/testing/mock_responses_server.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
} from "../../lib/testing/response_event_builders.ts";
import { ESCAPE_REGEXP, parseJsonLines, runCliProcess } from "./_cli_helpers.ts";

const OFFLINE_NOTE =
  'codexwire: no OPENAI_API_KEY or --base-url; replaying the bundled offline scenario "hello" from its recorded tape (the prompt is sent to it, but the answer is scripted)\n';

async function helloText(): Promise<string> {
  const scenario = await loadScenario("hello");
  assert.ok(scenario !== undefined);
  const done = scenario.responses[0].events!.findLast((event) =>
    event.type === "response.output_item.done"
  ) as unknown as { item: { content: { text: string }[] } };
  return done.item.content[0].text;
}

function helloAnswer(text: string) {
  return {
    headers: { "openai-model": "gpt-test", "x-codex-primary-used-percent": "3" },
    events: [
      createdEvent("resp-1"),
      outputTextDeltaEvent(text.slice(0, 5)),
      outputTextDeltaEvent(text.slice(5)),
      assistantMessageEvent("msg-1", text, { phase: "final_answer" }),
      completedEvent("resp-1", { inputTokens: 12, outputTokens: 5 }),
    ],
  };
}

Deno.test("responses --json replays the offline demo as JSON lines that end with completed", async () => {
  const run = await runCliProcess(["responses", "--json", "hi"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, OFFLINE_NOTE);
  const events = parseJsonLines(run.stdout);
  assert.deepEqual(events.slice(0, 3).map((event) => event.type), [
    "serverModel",
    "rateLimits",
    "created",
  ]);
  assert.equal(events.at(-1)?.type, "completed");
  assert.deepEqual(events.at(-1)?.tokenUsage, {
    inputTokens: 1536,
    cachedInputTokens: 1024,
    outputTokens: 214,
    reasoningOutputTokens: 128,
    totalTokens: 1750,
  });
  const text = events.filter((event) => event.type === "outputTextDelta")
    .map((event) => event.delta).join("");
  assert.equal(text, await helloText());
  assert.ok(events.some((event) => event.type === "reasoningSummaryPartAdded"));
});

Deno.test("responses replays the offline demo for people: full text on stdout, no escape codes off a terminal", async () => {
  const run = await runCliProcess(["responses", "hi"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `${await helloText()}\n`);
  assert.doesNotMatch(run.stdout, ESCAPE_REGEXP);
  assert.doesNotMatch(run.stderr, ESCAPE_REGEXP);
  assert.ok(run.stderr.startsWith(OFFLINE_NOTE));
  const lines = run.stderr.slice(OFFLINE_NOTE.length).split("\n");
  assert.equal(lines[0], "thinking: Reading the prompt");
  assert.equal(lines[1], "thinking: Planning the reply");
  assert.equal(
    lines[2],
    "tokens: 1,536 input (1,024 cached), 214 output (128 reasoning), 1,750 total",
  );
  assert.match(
    lines[3],
    /^rate limit codex: primary 12\.5% used of 5h, resets in 2h (29|30)m; secondary 41% used of 7d, resets in 3d (11|12)h$/,
  );
  assert.equal(lines[4], "");
});

Deno.test("responses sends the key and the prompt to --base-url", async () => {
  await using server = await startMockResponsesServer({ responses: [helloAnswer("Hello there")] });
  const run = await runCliProcess(
    [
      "responses",
      "--base-url",
      server.url,
      "--model",
      "gpt-test",
      "--instructions",
      "Be brief",
      "--reasoning-effort",
      "low",
      "Say hello",
    ],
    { env: { OPENAI_API_KEY: "sk-test-cli" } },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Hello there\n");
  assert.equal(
    run.stderr,
    "tokens: 12 input (0 cached), 5 output (0 reasoning), 17 total\n" +
      "rate limit codex: primary 3% used\n",
  );
  assert.equal(server.requests.length, 1);
  const [request] = server.requests;
  assert.equal(request.path, "/v1/responses");
  assert.equal(request.headers.get("authorization"), "Bearer sk-test-cli");
  assert.equal(request.headers.get("accept"), "text/event-stream");
  const body = request.json as Record<string, unknown>;
  assert.equal(body.model, "gpt-test");
  assert.equal(body.instructions, "Be brief");
  assert.deepEqual(body.reasoning, { effort: "low", summary: "auto" });
  assert.equal(body.stream, true);
  assert.deepEqual(body.input, [
    { type: "message", role: "user", content: [{ type: "input_text", text: "Say hello" }] },
  ]);
});

Deno.test("responses uses OPENAI_BASE_URL and reads the prompt from stdin", async () => {
  await using server = await startMockResponsesServer({ responses: [helloAnswer("Hi")] });
  const run = await runCliProcess(["responses", "--json"], {
    env: { OPENAI_BASE_URL: server.url },
    stdin: "What is SSE?\n",
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.equal(parseJsonLines(run.stdout).at(-1)?.type, "completed");
  const [request] = server.requests;
  assert.equal(request.headers.get("authorization"), null);
  assert.deepEqual((request.json as { input: unknown }).input, [
    { type: "message", role: "user", content: [{ type: "input_text", text: "What is SSE?" }] },
  ]);
});

Deno.test("responses --json ends with an unauthorized error line and exits 1 on a 401", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: { message: "Incorrect API key provided", type: "invalid_request_error" },
      }),
    }],
  });
  const run = await runCliProcess(["responses", "--json", "--base-url", server.url, "hi"], {
    env: { OPENAI_API_KEY: "sk-wrong" },
  });
  assert.equal(run.code, 1);
  assert.equal(run.stderr, "");
  const lines = parseJsonLines(run.stdout);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].type, "error");
  assert.equal(lines[0].kind, "unauthorized");
  assert.equal(lines[0].status, 401);
  assert.equal(typeof lines[0].message, "string");
  assert.equal(server.requests.length, 1, "a 401 is not retried");
});

Deno.test("responses prints an error and a hint on stderr and exits 1 on a 401", async () => {
  await using server = await startMockResponsesServer({ responses: [{ status: 401 }] });
  const run = await runCliProcess(["responses", "--base-url", server.url, "hi"], {
    env: { OPENAI_API_KEY: "sk-wrong" },
  });
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  const [error, hint] = run.stderr.split("\n");
  assert.match(error, /^error: .*401/);
  assert.match(hint, /^hint: set OPENAI_API_KEY to a valid API key/);
});

Deno.test("responses --compress zstd sends a zstd body the server can decode", async () => {
  await using server = await startMockResponsesServer({
    responses: [{ events: [completedEvent("resp-1")] }],
  });
  const run = await runCliProcess([
    "responses",
    "--compress",
    "zstd",
    "--base-url",
    server.url,
    "hi",
  ], {
    env: { OPENAI_API_KEY: "sk-test" },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(server.requests[0].contentEncoding, "zstd");
  assert.match(server.requests[0].bodyText, /"text":"hi"/);
});
