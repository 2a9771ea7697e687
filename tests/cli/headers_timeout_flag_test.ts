// `responses --headers-timeout-ms`: a server that never answers is given up on and
// retried instead of hanging the command; the flag is checked like the other timeouts.

import assert from "node:assert/strict";
import { runResponsesCommand } from "../../lib/cli/responses_command.ts";
import { SECRET, startSilentServer, within } from "../_hostile.ts";
import { memoryContext, parseJsonLines } from "./_cli_helpers.ts";

Deno.test("responses --headers-timeout-ms retries a server that never answers", async () => {
  await using server = startSilentServer();
  const interrupt = new AbortController();
  const memory = memoryContext({
    env: { OPENAI_API_KEY: "sk-test" },
    signal: interrupt.signal,
    onStdout: (text) => {
      // The first retry is announced: the wait was bounded; stop the run here.
      if (text.includes('"reconnecting"')) interrupt.abort();
    },
  });
  const code = await within(
    10_000,
    runResponsesCommand(
      [
        "--base-url",
        `http://user:${SECRET}@${server.url.slice("http://".length)}`,
        "--headers-timeout-ms",
        "100",
        "--json",
        "hi",
      ],
      memory.context,
    ),
    "the command",
  );
  assert.equal(code, 130);
  const lines = parseJsonLines(memory.stdout.text) as {
    type: string;
    error?: { kind: string; retryable: boolean; message: string };
  }[];
  const reconnecting = lines.find((line) => line.type === "reconnecting");
  assert.equal(reconnecting?.error?.kind, "headersTimeout");
  assert.equal(reconnecting?.error?.retryable, true);
  assert.match(
    reconnecting!.error!.message,
    /http:\/\/REDACTED@127\.0\.0\.1:\d+\/v1\/responses within 100 ms/,
  );
  assert(!memory.stdout.text.includes(SECRET) && !memory.stderr.text.includes(SECRET));
});

for (
  const [value, error] of [
    ["0", '--headers-timeout-ms must be a positive whole number of milliseconds, got "0"'],
    [
      "2147483648",
      '--headers-timeout-ms must be at most 2147483647 milliseconds, got "2147483648"',
    ],
  ]
) {
  Deno.test(`responses --headers-timeout-ms ${value} is a usage error`, async () => {
    const memory = memoryContext({ env: { OPENAI_API_KEY: "sk-test" } });
    const code = await runResponsesCommand(
      ["--base-url", "http://127.0.0.1:1/v1", "--headers-timeout-ms", value, "hi"],
      memory.context,
    );
    assert.equal(code, 2);
    assert.match(memory.stderr.text, new RegExp(error.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  });
}
