import assert from "node:assert/strict";
import { RESPONSES_OPTIONS } from "../../lib/cli/responses_help.ts";
import { VERSION } from "../../lib/version.ts";
import { runCliProcess } from "./_cli_helpers.ts";

Deno.test("cli --help lists the responses command and the top-level options", async () => {
  const run = await runCliProcess(["--help"]);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
  assert.match(run.stdout, /Usage: codexwire <COMMAND> \[OPTIONS\]/);
  assert.match(run.stdout, /--version/);
  const commands = run.stdout.split("Commands:\n")[1].split("\n\n")[0].trim().split("\n");
  assert.deepEqual(commands.map((line) => line.trim().split(" ")[0]), [
    "responses",
    "realtime",
    "capture",
    "replay",
    "inspect",
  ]);
});

Deno.test("cli -h is --help", async () => {
  const run = await runCliProcess(["-h"]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /Commands:/);
});

Deno.test("cli --version prints the library version", async () => {
  const run = await runCliProcess(["--version"]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, `codexwire ${VERSION}\n`);
});

Deno.test("cli with an unknown command exits 2 and names it", async () => {
  const run = await runCliProcess(["bogus"]);
  assert.equal(run.code, 2);
  assert.equal(run.stdout, "");
  assert.equal(
    run.stderr,
    'error: Unknown command "bogus": choose one of responses, realtime, capture, replay, inspect\nhint: see "--help" for the commands\n',
  );
});

Deno.test("cli with no command prints the help", async () => {
  const run = await runCliProcess([]);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
  assert.match(run.stdout, /^codexwire .*\n\nUsage: codexwire <COMMAND> \[OPTIONS\]/);
});

Deno.test("cli with an unknown top-level flag exits 2 and names it", async () => {
  const run = await runCliProcess(["--verbose", "responses"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^error: Unknown option "--verbose"\nhint: see "--help"/);
});

Deno.test("cli responses --help documents every flag with its default", async () => {
  const run = await runCliProcess(["responses", "--help"]);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
  assert.match(run.stdout, /Usage: codexwire responses \[OPTIONS\] \[PROMPT\]/);
  // Descriptions wrap, so compare with whitespace collapsed.
  const flat = run.stdout.replace(/\s+/g, " ");
  for (const option of RESPONSES_OPTIONS) {
    assert.ok(flat.includes(`--${option.name}`), `--${option.name} is missing from the help`);
    if (option.defaultText !== undefined) {
      assert.ok(
        flat.includes(`(default: ${option.defaultText})`),
        `the default of --${option.name} is missing from the help`,
      );
    }
  }
  for (const text of ["gpt-5.2-codex", "(default: sse)", "(default: none)", "300000"]) {
    assert.ok(flat.includes(text), `${text} is missing from the help`);
  }
  assert.match(flat, /OPENAI_API_KEY/);
  assert.match(flat, /NO_COLOR/);
  assert.match(flat, /Scenarios: hello, reconnect\./);
});

Deno.test("cli responses with an unknown flag exits 2, names the flag and points at --help", async () => {
  const run = await runCliProcess(["responses", "--frobnicate", "hi"]);
  assert.equal(run.code, 2);
  assert.equal(run.stdout, "");
  assert.equal(
    run.stderr,
    'error: Unknown option "--frobnicate"\nhint: see "responses --help" for the options\n',
  );
});
