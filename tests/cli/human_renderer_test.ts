import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { HumanRenderer } from "../../lib/cli/human_renderer.ts";
import { CLEAR_LINE, createPalette } from "../../lib/cli/output.ts";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { memoryOutput } from "./_cli_helpers.ts";

const NOW_MS = 1_700_000_000_000;

function renderer(
  options: {
    color?: boolean;
    stdoutIsTerminal?: boolean;
    stderrIsTerminal?: boolean;
    baseUrl?: string;
  } = {},
) {
  const stdout = memoryOutput(options.stdoutIsTerminal ?? false);
  const stderr = memoryOutput(options.stderrIsTerminal ?? options.color ?? false);
  const human = new HumanRenderer({
    stdout,
    stderr,
    palette: createPalette(options.color ?? false),
    requestedModel: "gpt-5.2-codex",
    baseUrl: options.baseUrl ?? "http://127.0.0.1:9/v1",
    now: () => NOW_MS,
  });
  return { human, stdout, stderr };
}

Deno.test("HumanRenderer gives a next step for the failures that have one", async (t) => {
  const cases: { error: CodexWireError; hint: string | undefined }[] = [
    {
      error: new CodexWireError("Request failed with HTTP 401 Unauthorized", {
        kind: "unauthorized",
        status: 401,
      }),
      hint:
        "set OPENAI_API_KEY to a valid API key (or unset both OPENAI_API_KEY and OPENAI_BASE_URL to replay the offline demo)",
    },
    {
      error: new CodexWireError("Cannot reach http://127.0.0.1:9/v1/responses: refused", {
        kind: "network",
      }),
      hint: "check that http://127.0.0.1:9/v1 is right (--base-url, OPENAI_BASE_URL) and reachable",
    },
    {
      error: new CodexWireError("idle timeout waiting for SSE", { kind: "idleTimeout" }),
      hint: "the server went silent; try again, or wait longer with --idle-timeout-ms",
    },
    {
      error: new CodexWireError("You've hit your usage limit", {
        kind: "usageLimitReached",
        resetsAt: NOW_MS / 1000 + 5400,
      }),
      hint: "your usage limit resets in 1h 30m",
    },
    {
      error: new CodexWireError("Request failed with HTTP 404 Not Found", {
        kind: "http",
        status: 404,
      }),
      hint: "check the base URL: requests go to http://127.0.0.1:9/v1/responses",
    },
    {
      error: new CodexWireError("Expected an event stream from http://x/v1/responses but …", {
        kind: "http",
        status: 200,
      }),
      hint: "check the base URL: requests go to http://127.0.0.1:9/v1/responses",
    },
    {
      error: new CodexWireError("stream closed before response.completed", { kind: "stream" }),
      hint: undefined,
    },
  ];
  for (const { error, hint } of cases) {
    await t.step(error.kind, async () => {
      const { human, stdout, stderr } = renderer();
      await human.fail(error);
      assert.equal(stdout.text, "");
      assert.equal(
        stderr.text,
        `error: ${error.message}\n${hint === undefined ? "" : `hint: ${hint}\n`}`,
      );
    });
  }
});

Deno.test("HumanRenderer shows the request id of a failed request", async () => {
  const { human, stderr } = renderer();
  await human.fail(
    new CodexWireError("Server overloaded", { kind: "serverOverloaded", requestId: "req_42" }),
  );
  assert.equal(stderr.text, "error: Server overloaded\nrequest id: req_42\n");
});

Deno.test("HumanRenderer ends a half-written line before an error", async () => {
  const { human, stdout, stderr } = renderer({ color: true });
  await human.event({ type: "outputTextDelta", delta: "Half" });
  await human.fail(new Error("Disk full"));
  assert.equal(stdout.text, "Half\n");
  assert.equal(stderr.text, "\x1b[31merror:\x1b[39m Disk full\n");
});

Deno.test("HumanRenderer forgets a retried attempt's usage and items but keeps its rate limits", async () => {
  const { human, stdout, stderr } = renderer();
  await human.event({
    type: "rateLimits",
    snapshot: {
      limitId: "codex",
      limitName: null,
      primary: { usedPercent: 20, windowMinutes: 300, resetsAt: NOW_MS / 1000 - 1 },
      secondary: null,
      credits: null,
      planType: null,
    },
  });
  await human.event({
    type: "outputItemDone",
    item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "Old" }] },
  });
  await human.event({
    type: "reconnecting",
    layer: "stream",
    attempt: 2,
    maxAttempts: 5,
    retry: 3,
    maxRetries: 5,
    delayMs: 1500,
    error: new CodexWireError("stream closed before response.completed", { kind: "stream" }),
  });
  await human.event({
    type: "outputItemDone",
    item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "New" }] },
  });
  await human.event({ type: "completed", responseId: "resp-1", tokenUsage: null });
  await human.finish();
  assert.equal(stdout.text, "New\n");
  assert.equal(
    stderr.text,
    "reconnecting 3/5 in 1.5 s (stream layer, retry 2/5): stream closed before response.completed\n" +
      "rate limit codex: primary 20% used of 5h, resets now\n",
  );
});

const STREAM_BROKE = new CodexWireError("stream closed before response.completed", {
  kind: "stream",
  retryable: true,
});

function reconnecting(retry: number): ResponseEvent {
  return {
    type: "reconnecting",
    layer: "stream",
    attempt: retry,
    maxAttempts: 5,
    retry,
    maxRetries: 5,
    delayMs: 200,
    error: STREAM_BROKE,
  };
}

Deno.test("HumanRenderer writes the answer once to a pipe: an abandoned attempt's text never reaches it", async () => {
  const { human, stdout, stderr } = renderer();
  await human.event({ type: "outputTextDelta", delta: "Hello wor" });
  assert.equal(stdout.text, "", "text is held back until the response ends");
  await human.event(reconnecting(1));
  await human.event({ type: "outputTextDelta", delta: "Hello " });
  await human.event({ type: "outputTextDelta", delta: "world" });
  await human.event({ type: "completed", responseId: "resp-1", tokenUsage: null });
  await human.finish();
  assert.equal(stdout.text, "Hello world\n");
  assert.match(stderr.text, /^reconnecting 1\/5 in 200 ms \(stream layer, retry 1\/5\)/);
});

Deno.test("HumanRenderer keeps the last attempt's partial text when the stream fails for good", async () => {
  const { human, stdout, stderr } = renderer();
  await human.event({ type: "outputTextDelta", delta: "Half an ans" });
  await human.fail(
    new CodexWireError("The response stopped early (max_output_tokens): it reached the limit", {
      kind: "incomplete",
      code: "max_output_tokens",
    }),
  );
  assert.equal(stdout.text, "Half an ans\n");
  assert.match(stderr.text, /^error: The response stopped early \(max_output_tokens\)/);
});

Deno.test("HumanRenderer erases an abandoned partial answer on a terminal", async () => {
  const { human, stdout } = renderer({ stdoutIsTerminal: true });
  await human.event({ type: "outputTextDelta", delta: "line one\nline t" });
  assert.equal(stdout.text, "line one\nline t", "a terminal streams the text");
  await human.event(reconnecting(1));
  await human.event({ type: "outputTextDelta", delta: "Fresh" });
  await human.event({ type: "completed", responseId: "resp-1", tokenUsage: null });
  await human.finish();
  // Up one row to the first line of the partial text, then erase to the end of the screen.
  assert.equal(stdout.text, "line one\nline t\x1b[1A\r\x1b[JFresh\n");
});

Deno.test("HumanRenderer shows retries on one status line on a terminal", async () => {
  const { human, stderr } = renderer({ stderrIsTerminal: true });
  await human.event(reconnecting(1));
  await human.event(reconnecting(2));
  await human.event({ type: "outputTextDelta", delta: "Hi" });
  await human.event({ type: "completed", responseId: "resp-1", tokenUsage: null });
  await human.finish();
  assert.equal(stderr.text.includes("\n"), false, "no retry leaves a line behind");
  assert.match(stderr.text, /reconnecting 2\/5/);
  assert.ok(stderr.text.endsWith(CLEAR_LINE));
});

Deno.test("HumanRenderer cuts the status line to the terminal width", async () => {
  const stdout = memoryOutput();
  const written: string[] = [];
  const stderr = {
    isTerminal: true,
    columns: () => 30,
    write(text: string): Promise<void> {
      written.push(text);
      return Promise.resolve();
    },
  };
  const human = new HumanRenderer({
    stdout,
    stderr,
    palette: createPalette(false),
    requestedModel: "m",
    baseUrl: "http://127.0.0.1:9/v1",
  });
  await human.event({ type: "outputItemAdded", item: { type: "reasoning", summary: [] } });
  await human.event({
    type: "reasoningSummaryDelta",
    delta: "**Reading every file of the repository to find the bug**",
    summaryIndex: 0,
  });
  const status = written.at(-1)!;
  assert.ok(status.startsWith(CLEAR_LINE));
  const visible = [...status.slice(CLEAR_LINE.length)];
  assert.equal(visible.length, 29);
  assert.equal(visible.at(-1), "…");
});

Deno.test("HumanRenderer's 429 hint gives the delay the server asked for", async () => {
  const { human, stderr } = renderer();
  await human.fail(
    new CodexWireError("Request failed with HTTP 429 Too Many Requests: slow down", {
      kind: "rateLimited",
      status: 429,
      retryAfterMs: 20_000,
    }),
  );
  assert.match(stderr.text, /\nhint: wait 20\.0 s, as the server asked, and try again\n$/);
});

Deno.test("the 404 hint names the URL requests really go to when the base URL has a query", async () => {
  const { human, stderr } = renderer({ baseUrl: "http://127.0.0.1:9/openai?api-version=1" });
  await human.fail(
    new CodexWireError("Request failed with HTTP 404 Not Found", {
      kind: "http",
      status: 404,
    }),
  );
  assert.match(
    stderr.text,
    /hint: check the base URL: requests go to http:\/\/127\.0\.0\.1:9\/openai\/responses\?api-version=1\n/,
  );
});
