// The conventions of the top-level command line, run in-process through main().

import assert from "node:assert/strict";
import { main } from "../../cli.ts";
import { VERSION } from "../../lib/version.ts";
import { memoryContext } from "./_cli_helpers.ts";

Deno.test("main with no arguments prints the help and succeeds", async () => {
  const memory = memoryContext();
  assert.equal(await main([], memory.context), 0);
  assert.match(memory.stdout.text, /^codexwire .*\n\nUsage: codexwire <COMMAND> \[OPTIONS\]/);
  assert.match(memory.stdout.text, /codexwire help <COMMAND>/);
  assert.equal(memory.stderr.text, "");
});

Deno.test("main help prints the help; help COMMAND prints the command's help", async () => {
  const top = memoryContext();
  assert.equal(await main(["help"], top.context), 0);
  assert.match(top.stdout.text, /^codexwire .*\n\nUsage: codexwire <COMMAND>/);

  const command = memoryContext();
  assert.equal(await main(["help", "responses"], command.context), 0);
  assert.match(command.stdout.text, /^Stream one response/);
  assert.match(command.stdout.text, /--retries N/);
});

Deno.test("main help with an unknown command exits 2 and names it", async () => {
  const memory = memoryContext();
  assert.equal(await main(["help", "nope"], memory.context), 2);
  assert.match(
    memory.stderr.text,
    /^error: Unknown command "nope": choose one of responses(, [a-z]+)*\n/,
  );
});

Deno.test("main --version works anywhere on the line, but not after --", async () => {
  for (
    const args of [["--version"], ["responses", "--version"], ["responses", "hi", "--version"]]
  ) {
    const memory = memoryContext();
    assert.equal(await main(args, memory.context), 0, args.join(" "));
    assert.equal(memory.stdout.text, `codexwire ${VERSION}\n`);
  }
  const memory = memoryContext();
  assert.equal(await main(["--bogus", "--", "--version"], memory.context), 2);
  assert.match(memory.stderr.text, /^error: Unknown option "--bogus"/);
});
