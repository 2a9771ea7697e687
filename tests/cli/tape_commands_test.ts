import assert from "node:assert/strict";
import { CAPTURE_OPTIONS, runCaptureCommand } from "../../lib/cli/capture_command.ts";
import { INSPECT_OPTIONS, runInspectCommand } from "../../lib/cli/inspect_command.ts";
import { REPLAY_OPTIONS, runReplayCommand } from "../../lib/cli/replay_command.ts";
import { Tape } from "../../lib/tape/mod.ts";
import {
  completedEvent,
  createdEvent,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../lib/testing/mod.ts";
import { memoryContext, parseJsonLines } from "./_cli_helpers.ts";

const HELLO_TAPE = new URL("../../fixtures/tapes/hello.jsonl", import.meta.url).pathname;

/** Runs a serving command until its first JSON line, hands it over, then interrupts it. */
async function whileServing(
  run: (args: string[], context: ReturnType<typeof memoryContext>["context"]) => Promise<number>,
  args: string[],
  env: Record<string, string>,
  use: (listening: Record<string, unknown>) => Promise<void>,
): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const interrupt = new AbortController();
  const listening = Promise.withResolvers<Record<string, unknown>>();
  const memory = memoryContext({
    env,
    signal: interrupt.signal,
    onStdout: (text) => {
      const line = JSON.parse(text.trim().split("\n")[0]);
      if (line.type === "listening") listening.resolve(line);
    },
  });
  const running = run(args, memory.context);
  try {
    const timer = setTimeout(() => listening.reject(new Error("not listening after 10 s")), 10_000);
    try {
      await use(await Promise.race([listening.promise, running.then(() => listening.promise)]));
    } finally {
      clearTimeout(timer);
    }
  } finally {
    interrupt.abort();
  }
  return { code: await running, lines: parseJsonLines(memory.stdout.text) };
}

Deno.test("capture --json records a client's exchange through the proxy, and redacts OPENAI_API_KEY", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await using upstream = await startMockResponsesServer({
      responses: [{ events: [createdEvent("r"), outputTextDeltaEvent("Hi"), completedEvent("r")] }],
    });
    const key = "sk-cli-capture-0123456789";
    const { code, lines } = await whileServing(
      runCaptureCommand,
      ["--out", out, "--json"],
      { OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: key },
      async (listening) => {
        assert.equal(listening.upstream, upstream.url);
        const response = await fetch(`${listening.baseUrl}/responses`, {
          method: "POST",
          headers: { "x-echo": key },
          body: "{}",
        });
        assert.match(await response.text(), /response\.completed/);
      },
    );
    assert.equal(code, 0);
    assert.equal(lines[0].type, "listening");
    const text = await Deno.readTextFile(out);
    assert.ok(!text.includes(key));
    const tape = Tape.parse(text);
    assert.equal(tape.header.tool, "codexwire capture");
    assert.equal(tape.http[0].end !== undefined, true);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("capture --max-request-body-bytes bounds the bodies the proxy takes, and its 413 names the flag", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await using upstream = await startMockResponsesServer({
      responses: [{ events: [completedEvent("r")] }],
    });
    const { code } = await whileServing(
      runCaptureCommand,
      ["--out", out, "--json", "--upstream", upstream.url, "--max-request-body-bytes", "64"],
      {},
      async (listening) => {
        const refused = await fetch(`${listening.baseUrl}/responses`, {
          method: "POST",
          body: JSON.stringify({ pad: "x".repeat(100) }),
        });
        assert.equal(refused.status, 413);
        assert.match(
          (await refused.json()).error.message,
          /up to 64 bytes.*--max-request-body-bytes/,
        );
        const taken = await fetch(`${listening.baseUrl}/responses`, { method: "POST", body: "{}" });
        assert.equal(taken.status, 200);
        await taken.body?.cancel();
      },
    );
    assert.equal(code, 0);
    assert.equal(upstream.requests.length, 1);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("replay --json serves a tape with faults until interrupted", async () => {
  const { code, lines } = await whileServing(
    runReplayCommand,
    [HELLO_TAPE, "--json", "--fault", "429:3,times=1;error-frame@0", "--speed", "0"],
    {},
    async (listening) => {
      assert.equal(listening.connections, 1);
      const limited = await fetch(`${listening.baseUrl}/responses`, { method: "POST", body: "{}" });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), "3");
      await limited.body?.cancel();
      const body = await (await fetch(`${listening.baseUrl}/responses`, {
        method: "POST",
        body: "{}",
      })).text();
      assert.ok(body.startsWith("event: error\n"));
      assert.match(body, /response\.completed/);
      const missing = await fetch(`${listening.url}/nope`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    },
  );
  assert.equal(code, 0);
  assert.equal(lines.at(-1)?.type, "log");
  assert.match(
    String(lines.at(-1)?.message),
    /No recording in tape .* matches the request GET \/nope/,
  );
});

Deno.test("replay and capture explain bad usage with exit 2", async () => {
  for (
    const [run, args, message] of [
      [runReplayCommand, [], /Missing TAPE/],
      [runReplayCommand, [HELLO_TAPE, "--chunking", "wavy"], /Unknown chunking "wavy"/],
      [runReplayCommand, [HELLO_TAPE, "--fault", "explode"], /Unknown fault "explode"/],
      [runReplayCommand, [HELLO_TAPE, "--speed", "fast"], /--speed must be/],
      [runCaptureCommand, [], /Missing --out TAPE/],
      [runCaptureCommand, ["--out", "x", "--port", "99999"], /--port must be/],
      [
        runCaptureCommand,
        ["--out", "x", "--max-request-body-bytes", "0"],
        /--max-request-body-bytes must be a positive whole number of bytes, got "0"/,
      ],
      [
        runCaptureCommand,
        ["--out", "x", "--max-request-body-bytes", "1k"],
        /--max-request-body-bytes must be/,
      ],
    ] as const
  ) {
    const memory = memoryContext();
    assert.equal(await run([...args], memory.context), 2);
    assert.match(memory.stderr.text, message);
  }
});

Deno.test("inspect shows the bundled demo tape's timeline, for people and as JSON lines", async () => {
  const people = memoryContext();
  assert.equal(await runInspectCommand([HELLO_TAPE], people.context), 0);
  assert.match(people.stdout.text, /c1 {2}POST \/v1\/responses → 200 {2}\(end\)/);
  assert.match(people.stdout.text, /first byte \d+\.\d ms, first event \d+\.\d ms, largest gap/);
  assert.match(people.stdout.text, /rate limits: codex 12\.5% used of 300 min/);

  const machine = memoryContext();
  assert.equal(await runInspectCommand([HELLO_TAPE, "--json"], machine.context), 0);
  const [tape, connection] = parseJsonLines(machine.stdout.text);
  assert.equal(tape.type, "tape");
  assert.equal(tape.connections, 1);
  assert.equal(connection.type, "connection");
  assert.equal(connection.ending, "end");
  const byType = connection.eventsByType as Record<string, number>;
  assert.equal(byType["response.completed"], 1);
  assert.deepEqual(connection.drift, []);
  assert.equal((connection.rateLimits as unknown[]).length, 1);
});

Deno.test("inspect --json ends with an error line for a bad tape", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await Deno.writeTextFile(path, "{}\n");
    const memory = memoryContext();
    assert.equal(await runInspectCommand([path, "--json"], memory.context), 1);
    const [line] = parseJsonLines(memory.stdout.text);
    assert.equal(line.type, "error");
    assert.equal(line.kind, "tape");
    assert.match(String(line.message), /line 1 is not a codexwire tape header/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("capture, replay and inspect --help document every option and exit 0", async () => {
  const commands = [
    { run: runCaptureCommand, options: CAPTURE_OPTIONS, usage: /^Usage: codexwire capture /m },
    { run: runReplayCommand, options: REPLAY_OPTIONS, usage: /^Usage: codexwire replay TAPE/m },
    { run: runInspectCommand, options: INSPECT_OPTIONS, usage: /^Usage: codexwire inspect /m },
  ];
  for (const { run, options, usage } of commands) {
    const memory = memoryContext();
    assert.equal(await run(["--help"], memory.context), 0);
    assert.equal(memory.stderr.text, "");
    assert.match(memory.stdout.text, usage);
    for (const option of options) {
      assert.ok(memory.stdout.text.includes(`--${option.name}`), `--${option.name} is in the help`);
    }
  }
});
