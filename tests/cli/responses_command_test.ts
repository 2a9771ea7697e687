import assert from "node:assert/strict";
import { runResponsesCommand } from "../../lib/cli/responses_command.ts";
import { CLEAR_LINE } from "../../lib/cli/output.ts";
import { Tape } from "../../lib/tape/mod.ts";
import {
  type MockResponse,
  startMockResponsesServer,
} from "../../lib/testing/mock_responses_server.ts";
import type { WireEventLike } from "../../lib/testing/sse_encoding.ts";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  incompleteEvent,
  messageItemAddedEvent,
  outputTextDeltaEvent,
  reasoningItemAddedEvent,
  reasoningSummaryPartAddedEvent,
  reasoningSummaryTextDeltaEvent,
} from "../../lib/testing/response_event_builders.ts";
import {
  ESCAPE_REGEXP,
  memoryContext,
  type MemoryContextOptions,
  parseJsonLines,
  SGR_REGEXP,
} from "./_cli_helpers.ts";

const REASONING_THEN_TEXT: MockResponse = {
  events: [
    createdEvent("resp-1"),
    reasoningItemAddedEvent("rs-1"),
    reasoningSummaryTextDeltaEvent("**Reading", 0),
    reasoningSummaryTextDeltaEvent(" files**\n\nSome detail.", 0),
    reasoningSummaryPartAddedEvent(1),
    reasoningSummaryTextDeltaEvent("**Fixing the bug**", 1),
    messageItemAddedEvent("msg-1"),
    outputTextDeltaEvent("Done"),
    outputTextDeltaEvent("."),
    assistantMessageEvent("msg-1", "Done.", { phase: "final_answer" }),
    completedEvent("resp-1", { inputTokens: 10, outputTokens: 2 }),
  ],
};

/** Runs `responses` in-process against a mock server that serves `responses`. */
async function runAgainst(
  responses: MockResponse[],
  args: string[],
  options: MemoryContextOptions = {},
) {
  await using server = await startMockResponsesServer({ responses });
  const memory = memoryContext({ ...options, env: { OPENAI_API_KEY: "sk-test", ...options.env } });
  const code = await runResponsesCommand(
    ["--base-url", server.url, ...args, "hi"],
    memory.context,
  );
  return { code, stdout: memory.stdout.text, stderr: memory.stderr.text, server };
}

Deno.test("responses redraws the reasoning header in place on a terminal, in color", async () => {
  const run = await runAgainst([REASONING_THEN_TEXT], [], { stderrIsTerminal: true });
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "Done.\n");
  const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
  const bold = (text: string) => `\x1b[1m${text}\x1b[22m`;
  assert.equal(
    run.stderr,
    `${CLEAR_LINE}${dim("thinking…")}` +
      `${CLEAR_LINE}${dim("thinking:")} ${bold("Reading files")}` +
      `${CLEAR_LINE}${dim("thinking:")} ${bold("Fixing the bug")}` +
      CLEAR_LINE +
      `${dim("tokens: 10 input (0 cached), 2 output (0 reasoning), 12 total")}\n`,
  );
});

Deno.test("responses honours NO_COLOR on a terminal: redraws, but no colors", async () => {
  const run = await runAgainst([REASONING_THEN_TEXT], [], {
    stderrIsTerminal: true,
    stdoutIsTerminal: true,
    env: { NO_COLOR: "1" },
  });
  assert.equal(run.code, 0);
  assert.doesNotMatch(run.stderr, SGR_REGEXP);
  assert.doesNotMatch(run.stdout, ESCAPE_REGEXP);
  assert.equal(
    run.stderr,
    `${CLEAR_LINE}thinking…${CLEAR_LINE}thinking: Reading files${CLEAR_LINE}thinking: Fixing the bug` +
      `${CLEAR_LINE}tokens: 10 input (0 cached), 2 output (0 reasoning), 12 total\n`,
  );
});

Deno.test("responses writes plain header lines when stderr is not a terminal", async () => {
  const run = await runAgainst([REASONING_THEN_TEXT], []);
  assert.equal(run.code, 0);
  assert.doesNotMatch(run.stderr, ESCAPE_REGEXP);
  assert.equal(
    run.stderr,
    "thinking: Reading files\nthinking: Fixing the bug\n" +
      "tokens: 10 input (0 cached), 2 output (0 reasoning), 12 total\n",
  );
});

Deno.test("responses draws no status inside a line of text on a shared terminal", async () => {
  const run = await runAgainst(
    [{
      events: [
        createdEvent("resp-1"),
        outputTextDeltaEvent("Let me check"),
        reasoningSummaryTextDeltaEvent("**Checking**", 0),
        outputTextDeltaEvent(" the files."),
        completedEvent("resp-1", null),
      ],
    }],
    [],
    { stdoutIsTerminal: true, stderrIsTerminal: true },
  );
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "Let me check the files.\n");
  assert.equal(run.stderr, "");
});

Deno.test("responses separates assistant messages with a blank line", async () => {
  const run = await runAgainst([{
    events: [
      createdEvent("resp-1"),
      messageItemAddedEvent("msg-1"),
      outputTextDeltaEvent("Looking."),
      assistantMessageEvent("msg-1", "Looking.", { phase: "commentary" }),
      messageItemAddedEvent("msg-2"),
      outputTextDeltaEvent("Found it."),
      assistantMessageEvent("msg-2", "Found it.", { phase: "final_answer" }),
      completedEvent("resp-1", null),
    ],
  }], []);
  assert.equal(run.stdout, "Looking.\n\nFound it.\n");
});

Deno.test("responses prints the final message when the server streams no text deltas", async () => {
  const run = await runAgainst([{
    events: [
      createdEvent("resp-1"),
      assistantMessageEvent("msg-1", "Whole answer", { phase: "final_answer" }),
      completedEvent("resp-1", null),
    ],
  }], []);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "Whole answer\n");
});

Deno.test("responses warns when the server routed to another model, says so at the end, and shows every rate-limit family", async () => {
  const run = await runAgainst([{
    headers: {
      "openai-model": "gpt-5.1-codex-mini",
      "x-codex-primary-used-percent": "50",
      "x-codex-primary-window-minutes": "60",
      "x-codex-other-primary-used-percent": "7",
      "x-codex-other-limit-name": "Sonic",
    },
    events: [createdEvent("resp-1"), outputTextDeltaEvent("ok"), completedEvent("resp-1", null)],
  }], ["--model", "gpt-5.2-codex"]);
  assert.equal(run.code, 0);
  assert.equal(
    run.stderr,
    "warning: this request was routed to gpt-5.1-codex-mini instead of gpt-5.2-codex (Codex shows this when an account is flagged for potentially high-risk cyber activity; see https://chatgpt.com/cyber)\n" +
      "rate limit codex: primary 50% used of 1h\n" +
      "rate limit codex_other (Sonic): primary 7% used\n" +
      "model: the server used gpt-5.1-codex-mini (gpt-5.2-codex was asked for)\n",
  );
});

Deno.test("responses --reasoning-effort off sends an empty reasoning object, as Codex does", async () => {
  const run = await runAgainst([REASONING_THEN_TEXT], ["--reasoning-effort", "off", "--json"]);
  assert.equal(run.code, 0);
  const body = run.server.requests[0].json as Record<string, unknown>;
  assert.deepEqual(body.reasoning, {});
  assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
  assert.equal(body.model, "gpt-5.2-codex");
  assert.equal("instructions" in body, false);
});

Deno.test("responses writes the answer once to a pipe after a retry, and numbers the retries in all", async () => {
  const memory = memoryContext();
  const code = await runResponsesCommand(["--scenario", "reconnect", "hi"], memory.context);
  assert.equal(code, 0);
  const lines = memory.stdout.text.split("\n");
  assert.equal(lines.length, 2, "the broken attempt's text is not in the output");
  assert.equal(lines[1], "");
  const stderr = memory.stderr.text.split("\n");
  assert.match(
    stderr[0],
    /^codexwire: --scenario given; replaying the bundled offline scenario "reconnect"/,
  );
  assert.match(
    stderr[1],
    /^reconnecting 1\/5 in 150 ms \(request layer, retry 1\/4\): Request failed with HTTP 503 Service Unavailable/,
  );
  assert.match(
    stderr[2],
    /^reconnecting 2\/5 in \d+ ms \(stream layer, retry 1\/5\): stream closed before response\.completed$/,
  );
});

Deno.test("responses --retries sets the budget of retries in all", async () => {
  const memory = memoryContext();
  const code = await runResponsesCommand(
    ["--scenario", "reconnect", "--retries", "1", "hi"],
    memory.context,
  );
  assert.equal(code, 1);
  const stderr = memory.stderr.text.split("\n");
  assert.match(stderr[1], /^reconnecting 1\/1 in 150 ms \(request layer, retry 1\/4\)/);
  assert.match(stderr[2], /^error: stream closed before response\.completed$/);
  assert.equal(stderr.filter((line) => line.startsWith("reconnecting")).length, 1);
});

Deno.test("responses validates the enum flags and names the values they take", async () => {
  for (
    const [flag, value, allowed] of [
      ["--reasoning-effort", "extreme", "none, minimal, low, medium, high, xhigh, max, ultra, off"],
      ["--reasoning-summary", "verbose", "auto, concise, detailed, none"],
    ]
  ) {
    const memory = memoryContext();
    const code = await runResponsesCommand([flag, value, "hi"], memory.context);
    assert.equal(code, 2);
    assert.equal(
      memory.stderr.text,
      `error: ${flag} must be one of ${allowed}, got "${value}"\nhint: see "responses --help" for the options\n`,
    );
  }
  const memory = memoryContext();
  assert.equal(await runResponsesCommand(["--retries", "-1", "hi"], memory.context), 2);
});

Deno.test("responses --scenario replays the demo even with an API key, and says the key is unused", async () => {
  const memory = memoryContext({ env: { OPENAI_API_KEY: "sk-real" } });
  const code = await runResponsesCommand(["--scenario", "hello", "--json", "hi"], memory.context);
  assert.equal(code, 0);
  assert.match(
    memory.stderr.text,
    /^codexwire: --scenario given, so OPENAI_API_KEY and OPENAI_BASE_URL are not used; replaying/,
  );
  assert.equal(parseJsonLines(memory.stdout.text).at(-1)?.type, "completed");
});

Deno.test("responses stops on Ctrl-C and exits 130", async (t) => {
  const held: MockResponse = {
    events: [createdEvent("resp-1"), outputTextDeltaEvent("Partial")],
    keepOpen: true,
  };
  for (const json of [false, true]) {
    await t.step(
      json ? "--json ends with an aborted error line" : "people see interrupted",
      async () => {
        await using server = await startMockResponsesServer({ responses: [held] });
        const interrupt = new AbortController();
        const memory = memoryContext({
          env: { OPENAI_BASE_URL: server.url },
          signal: interrupt.signal,
          // A terminal, where the text streams as it arrives (a pipe gets it at the end).
          stdoutIsTerminal: !json,
          onStdout: (text) => {
            if (text.includes("Partial")) interrupt.abort();
          },
        });
        const args = json ? ["--json", "hi"] : ["hi"];
        const code = await runResponsesCommand(args, memory.context);
        assert.equal(code, 130);
        if (json) {
          const last = parseJsonLines(memory.stdout.text).at(-1);
          assert.equal(last?.type, "error");
          assert.equal(last?.kind, "aborted");
        } else {
          assert.equal(memory.stdout.text, "Partial\n");
          assert.equal(memory.stderr.text, "interrupted\n");
        }
      },
    );
  }
});

Deno.test("responses rejects bad usage with exit 2 and a pointer to --help", async (t) => {
  const cases: { args: string[]; env?: Record<string, string>; stdin?: string; error: string }[] = [
    {
      args: ["--transport", "pigeon", "hi"],
      error: 'Unknown transport "pigeon": use --transport sse, websocket or auto',
    },
    {
      args: ["--compress", "gzip", "hi"],
      error: 'Unknown compression "gzip": use --compress none, zstd or auto',
    },
    {
      args: ["--idle-timeout-ms", "soon", "hi"],
      error: '--idle-timeout-ms must be a positive whole number of milliseconds, got "soon"',
    },
    {
      args: ["--idle-timeout-ms", "0", "hi"],
      error: '--idle-timeout-ms must be a positive whole number of milliseconds, got "0"',
    },
    {
      args: ["--base-url", "ftp://example.com", "hi"],
      error: '--base-url must be an http or https URL, got "ftp://example.com"',
    },
    {
      args: ["hi"],
      env: { OPENAI_BASE_URL: "not a url" },
      error: 'OPENAI_BASE_URL is not a URL: "not a url"; use one such as https://api.openai.com/v1',
    },
    {
      args: ["--scenario", "hello", "--base-url", "http://127.0.0.1:1/v1", "hi"],
      error:
        "--scenario replays the offline demo and cannot be used with --base-url: leave one of them out",
    },
    {
      args: ["--scenario", "nope", "hi"],
      error: 'Unknown scenario "nope": choose one of hello, reconnect',
    },
    {
      args: ["--scenario", "../deno", "hi"],
      error: 'Unknown scenario "../deno": choose one of hello, reconnect',
    },
    {
      args: ["--reasoning-effort", "off", "--reasoning-summary", "auto", "hi"],
      error: "--reasoning-summary has no effect with --reasoning-effort off: leave one of them out",
    },
    { args: ["--model", "", "hi"], error: "--model needs a value that is not empty" },
    {
      args: ["--chatgpt-account-id", "acct-1", "hi"],
      env: { OPENAI_API_KEY: "sk-test" },
      error:
        "--chatgpt-account-id needs a ChatGPT access token: pass --chatgpt-access-token or set CHATGPT_ACCESS_TOKEN",
    },
    {
      args: ["say", "hello"],
      error:
        'Expected one PROMPT but got 2 arguments: quote the prompt, as in responses "Say hello"',
    },
    { args: [], error: "Missing PROMPT: pass it as an argument, or pipe it on stdin" },
    {
      args: ["-"],
      stdin: "  \n",
      error: "The prompt read from stdin is empty: pipe some text, or pass PROMPT",
    },
    { args: ["--json=yes", "hi"], error: 'Option "--json" is a switch and takes no value' },
  ];
  for (const { args, env, stdin, error } of cases) {
    const envText = Object.entries(env ?? {}).map(([name, value]) => `${name}="${value}" `).join(
      "",
    );
    await t.step(`${envText}${args.join(" ")}` || "(no arguments)", async () => {
      const memory = memoryContext({ env: env ?? {}, ...(stdin === undefined ? {} : { stdin }) });
      const code = await runResponsesCommand(args, memory.context);
      assert.equal(code, 2);
      assert.equal(memory.stdout.text, "");
      assert.equal(
        memory.stderr.text,
        `error: ${error}\nhint: see "responses --help" for the options\n`,
      );
    });
  }
});

Deno.test("responses compares the served model ignoring ASCII case: no warning and no model line for a casing difference", async () => {
  const run = await runAgainst([{
    headers: { "openai-model": "GPT-5.2-Codex" },
    events: [createdEvent("resp-1"), outputTextDeltaEvent("ok"), completedEvent("resp-1", null)],
  }], ["--model", "gpt-5.2-codex"]);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
});

Deno.test("responses --json prints the modelReroute event once", async () => {
  const run = await runAgainst([{
    headers: { "openai-model": "gpt-5.2" },
    events: [createdEvent("resp-1"), completedEvent("resp-1", null)],
  }], ["--model", "gpt-5.3-codex", "--json"]);
  assert.equal(run.code, 0);
  const lines = parseJsonLines(run.stdout) as { type: string }[];
  assert.deepEqual(lines.filter((line) => line.type === "modelReroute"), [
    { type: "modelReroute", requestedModel: "gpt-5.3-codex", serverModel: "gpt-5.2" },
  ]);
});

Deno.test("responses takes a ChatGPT token and account id from the environment: bearer, ChatGPT-Account-ID, zstd body", async () => {
  const run = await runAgainst([REASONING_THEN_TEXT], ["--json"], {
    env: { CHATGPT_ACCESS_TOKEN: "chatgpt-env-token", CHATGPT_ACCOUNT_ID: "acct-env" },
  });
  assert.equal(run.code, 0);
  const request = run.server.requests[0];
  assert.equal(request.headers.get("authorization"), "Bearer chatgpt-env-token");
  assert.equal(request.headers.get("chatgpt-account-id"), "acct-env");
  assert.equal(request.contentEncoding, "zstd");
});

Deno.test("responses --chatgpt-access-token and --chatgpt-account-id win over the environment; --compress none still applies", async () => {
  const run = await runAgainst([REASONING_THEN_TEXT], [
    "--chatgpt-access-token",
    "flag-token",
    "--chatgpt-account-id",
    "acct-flag",
    "--compress",
    "none",
  ], { env: { CHATGPT_ACCESS_TOKEN: "env-token" } });
  assert.equal(run.code, 0);
  const request = run.server.requests[0];
  assert.equal(request.headers.get("authorization"), "Bearer flag-token");
  assert.equal(request.headers.get("chatgpt-account-id"), "acct-flag");
  assert.equal(request.contentEncoding, null);
});

Deno.test("responses with a ChatGPT token and no API key or base URL goes online, not to the offline demo", async () => {
  const memory = memoryContext({ env: { CHATGPT_ACCESS_TOKEN: "t" } });
  const controller = new AbortController();
  controller.abort();
  const code = await runResponsesCommand(["--json", "hi"], {
    ...memory.context,
    signal: controller.signal,
  });
  assert.equal(code, 130);
  assert.doesNotMatch(memory.stderr.text, /offline/);
  assert.match(memory.stdout.text, /"kind":"aborted"/);
});

Deno.test("responses keeps the partial answer of a response cut off by max_output_tokens, says why, and does not send it again", async () => {
  const run = await runAgainst([{
    events: [
      createdEvent("resp-1"),
      outputTextDeltaEvent("Half an ans"),
      incompleteEvent("resp-1", "max_output_tokens"),
    ],
  }], []);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "Half an ans\n");
  assert.match(run.stderr, /^error: The response stopped early \(max_output_tokens\): /);
  assert.equal(run.server.requests.length, 1);
});

Deno.test("responses fails at once on a 200 HTML page, naming the URL, with a hint about the base URL", async () => {
  const run = await runAgainst([{
    body: "<html>Welcome</html>",
    headers: { "content-type": "text/html" },
  }], []);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^error: Expected an event stream from http:\/\/127\.0\.0\.1:\d+\/v1\/responses but the server answered 200 with content-type "text\/html"/,
  );
  assert.match(
    run.stderr,
    /\nhint: check the base URL: requests go to http:\/\/127\.0\.0\.1:\d+\/v1\/responses\n/,
  );
  assert.equal(run.server.requests.length, 1);
});

Deno.test("responses --transport websocket streams over the Responses WebSocket", async () => {
  await using server = await startMockResponsesServer();
  server.websocket.enqueue({
    responses: [REASONING_THEN_TEXT.events as readonly WireEventLike[]],
  });
  const memory = memoryContext({ env: { OPENAI_API_KEY: "sk-test" } });
  const code = await runResponsesCommand(
    ["--base-url", server.url, "--transport", "websocket", "--json", "hi"],
    memory.context,
  );
  assert.equal(code, 0, memory.stderr.text);
  const lines = parseJsonLines(memory.stdout.text) as { type: string }[];
  assert.equal(lines.at(-1)?.type, "completed");
  assert.equal(server.requests.length, 0);
  assert.equal((server.websocket.requests[0] as { type: string }).type, "response.create");
});

Deno.test("responses --transport auto warns and falls back to HTTP when the upgrade is refused", async () => {
  await using server = await startMockResponsesServer({ responses: [REASONING_THEN_TEXT] });
  server.websocket.enqueue({ status: 426 });
  const memory = memoryContext({ env: { OPENAI_API_KEY: "sk-test" } });
  const code = await runResponsesCommand(
    ["--base-url", server.url, "--transport", "auto", "hi"],
    memory.context,
  );
  assert.equal(code, 0, memory.stderr.text);
  assert.equal(memory.stdout.text, "Done.\n");
  assert.match(memory.stderr.text, /warning: Falling back from WebSockets to HTTPS transport\. /);
});

Deno.test("the offline demo runs over WebSocket too", async () => {
  const memory = memoryContext({ env: {} });
  const code = await runResponsesCommand(
    ["--transport", "websocket", "--json", "--scenario", "reconnect", "hi"],
    memory.context,
  );
  assert.equal(code, 0, memory.stderr.text);
  const types = (parseJsonLines(memory.stdout.text) as { type: string }[]).map((line) => line.type);
  assert.equal(types.filter((type) => type === "reconnecting").length, 2);
  assert.equal(types.at(-1), "completed");
});

Deno.test("responses --record writes the exchange to a tape, the API key replaced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const key = "sk-record-test-0123456789";
    const tapePath = `${dir}/turn.jsonl`;
    const run = await runAgainst([REASONING_THEN_TEXT], ["--record", tapePath], {
      env: { OPENAI_API_KEY: key },
    });
    assert.equal(run.code, 0, run.stderr);
    const text = await Deno.readTextFile(tapePath);
    assert.ok(!text.includes(key), "the key reached the tape");
    const [exchange] = (await Tape.read(tapePath)).http;
    assert.equal(exchange.request.method, "POST");
    assert.match(exchange.request.url, /\/responses$/);
    const body = exchange.chunks.map((chunk) => JSON.stringify(chunk.data)).join("");
    assert.match(body, /response\.completed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
