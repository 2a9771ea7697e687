import assert from "node:assert/strict";
import { encodeWavHeader, readWav } from "../../lib/audio/wav.ts";
import { runRealtimeCommand } from "../../lib/cli/realtime_command.ts";
import { REALTIME_OPTIONS } from "../../lib/cli/realtime_help.ts";
import { CLEAR_LINE } from "../../lib/cli/output.ts";
import { realtimeDemoTape } from "../../lib/cli/realtime_demo.ts";
import { Tape } from "../../lib/tape/mod.ts";
import { startRealtimeMockServer } from "../../lib/testing/realtime_mock_server.ts";
import { memoryContext, parseJsonLines, runCliProcess } from "./_cli_helpers.ts";

const QUICK = ["--idle-ms", "20"];

Deno.test("realtime offline demo: says so on stderr, prints the reply, exits 0", async () => {
  const memory = memoryContext();
  const code = await runRealtimeCommand([...QUICK], memory.context);
  assert.equal(code, 0);
  assert.match(memory.stdout.text, /^Hello! This is codexwire's offline realtime demo: .*\n$/);
  assert.match(
    memory.stderr.text,
    /no OPENAI_API_KEY or --base-url; playing the bundled offline realtime scenario "demo" \(v2\)/,
  );
  assert.match(
    memory.stderr.text,
    /session sess_demo: audio in 0\.0 s, out 0\.6 s, 0 frames dropped; closed\n$/,
  );
});

for (const dialect of ["v2", "v1", "v3", "codex-session-create"]) {
  Deno.test(`realtime --json --dialect ${dialect}: started, realtime events under their own type, closed`, async () => {
    const memory = memoryContext();
    const code = await runRealtimeCommand(
      ["--json", "--dialect", dialect, ...QUICK],
      memory.context,
    );
    assert.equal(code, 0);
    const lines = parseJsonLines(memory.stdout.text);
    assert.equal(lines[0].type, "started");
    assert.equal(lines[0].dialect, dialect);
    assert.equal(
      lines[1].type,
      dialect === "codex-session-create" ? "sessionCreated" : "sessionUpdated",
    );
    assert.equal(lines[1].realtimeSessionId, "sess_demo");
    const types = lines.map((line) => line.type);
    assert.ok(types.includes("outputTranscriptDelta"));
    assert.equal(types.filter((type) => type === "audioOut").length, 30);
    assert.ok(types.includes("outputTranscriptDone"));
    assert.deepEqual(lines.at(-1), { type: "closed", reason: "requested" });
  });
}

Deno.test("realtime --text sends each stdin line and prints each reply", async () => {
  const memory = memoryContext({ stdin: "first line\n\nsecond line\n" });
  const code = await runRealtimeCommand(["--text", "--dialect", "v1", ...QUICK], memory.context);
  assert.equal(code, 0);
  const replies = memory.stdout.text.split("\n").filter((line) => line !== "");
  assert.equal(replies.length, 2);
});

Deno.test("realtime against --base-url with OPENAI_API_KEY: the key is sent, no demo note", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [
        { waitFor: "session.update" },
        { send: { type: "session.updated", session: { id: "sess_live" } } },
        { waitFor: "response.create" },
        { send: { type: "response.output_text.delta", delta: "pong" } },
        { send: { type: "response.output_text.done", text: "pong" } },
      ],
    }],
  });
  const memory = memoryContext({ stdin: "ping\n", env: { OPENAI_API_KEY: "sk-cli" } });
  const code = await runRealtimeCommand(
    ["--base-url", server.url, "--text", "--voice", "cedar", "--prompt", "Be brief", ...QUICK],
    memory.context,
  );
  assert.equal(code, 0);
  assert.equal(memory.stdout.text, "pong\n");
  assert.doesNotMatch(memory.stderr.text, /offline/);
  const mock = server.connections[0];
  assert.equal(mock.headers.get("authorization"), "Bearer sk-cli");
  const session = (mock.frames[0].json as {
    session: { instructions: string; audio: { output: { voice: string } } };
  })
    .session;
  assert.equal(session.instructions, "Be brief");
  assert.equal(session.audio.output.voice, "cedar");
  assert.deepEqual(mock.frames.slice(1).map((frame) => frame.type), [
    "conversation.item.create",
    "response.create",
  ]);
});

Deno.test("realtime --audio-in converts a 48 kHz stereo WAV and --audio-out writes a patched WAV", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const samples = new Int16Array(48_000 * 2 * 0.6); // 0.6 s of 48 kHz stereo
    for (let index = 0; index < samples.length; index++) samples[index] = (index % 200) * 50;
    const data = new Uint8Array(samples.buffer);
    await Deno.writeFile(
      `${dir}/in.wav`,
      new Uint8Array([
        ...encodeWavHeader({ sampleRate: 48_000, numChannels: 2 }, data.length),
        ...data,
      ]),
    );
    const memory = memoryContext();
    const code = await runRealtimeCommand(
      // A longer quiet period: the reply to audio comes after the last frame has left.
      ["--audio-in", `${dir}/in.wav`, "--audio-out", `${dir}/out.wav`, "--idle-ms", "500"],
      memory.context,
    );
    assert.equal(code, 0, memory.stderr.text);
    assert.match(memory.stderr.text, /you: \(you spoke for a while\)/);
    assert.match(memory.stdout.text, /^I heard your audio/);
    assert.match(memory.stderr.text, /audio in 0\.6 s, out 0\.6 s, 0 frames dropped/);
    const out = await readWav((await Deno.open(`${dir}/out.wav`)).readable);
    assert.deepEqual([out.sampleRate, out.numChannels, out.dataBytes], [24_000, 1, 28_800]);
    await out.data.cancel();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realtime: a WAV that is not PCM16 fails with an audio error line, before connecting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const header = encodeWavHeader({ sampleRate: 24_000, numChannels: 1 }, 0);
    new DataView(header.buffer).setUint16(20, 3, true); // IEEE float
    await Deno.writeFile(`${dir}/float.wav`, header);
    const memory = memoryContext();
    const code = await runRealtimeCommand(
      ["--json", "--audio-in", `${dir}/float.wav`],
      memory.context,
    );
    assert.equal(code, 1);
    const [line] = parseJsonLines(memory.stdout.text);
    assert.equal(line.type, "error");
    assert.equal(line.kind, "audio");
    assert.match(String(line.message), /not PCM16/);
    const missing = memoryContext();
    assert.equal(await runRealtimeCommand(["--audio-in", `${dir}/nope.wav`], missing.context), 1);
    assert.match(missing.stderr.text, /Cannot open --audio-in/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realtime usage errors exit 2", async () => {
  for (
    const [args, pattern] of [
      [["--dialect", "v9"], /Unknown dialect "v9"/],
      [["--voice", "cove"], /not supported for v2/],
      [["--dialect", "v1", "--voice", "marin"], /not supported for v1/],
      [["--dialect", "v3", "--voice", "marin"], /not supported for v3: use one of juniper/],
      [["--dialect", "codex-session-create", "--voice", "cove"], /takes no voice/],
      [["--json", "--audio-out", "-"], /both write to stdout/],
      [["--text", "--audio-in", "-"], /both read stdin/],
      [["hello"], /takes no arguments/],
      [["--idle-ms", "soon"], /--idle-ms must be a whole number/],
      [["--bogus"], /Unknown option "--bogus"/],
      [
        ["--base-url", "https://u:hunter2@example.com:99999/v1"],
        /--base-url is not a URL: "https:\/\/REDACTED@example/,
      ],
      [
        ["--base-url", "ftp://u:hunter2@example.com/v1?key=sk-x"],
        /must be an http, https, ws or wss URL, got "ftp:\/\/REDACTED@example.com\/v1\?key=REDACTED"/,
      ],
    ] as const
  ) {
    const memory = memoryContext();
    assert.equal(await runRealtimeCommand([...args], memory.context), 2, args.join(" "));
    assert.match(memory.stderr.text, pattern);
    assert.doesNotMatch(memory.stderr.text, /hunter2|sk-x/);
  }
});

Deno.test("realtime --help lists every flag", async () => {
  const memory = memoryContext();
  assert.equal(await runRealtimeCommand(["--help"], memory.context), 0);
  for (
    const flag of [
      "--dialect",
      "--prompt",
      "--voice",
      "--text",
      "--audio-in",
      "--audio-out",
      "--json",
      "--base-url",
      ...REALTIME_OPTIONS.map((option) => `--${option.name}`),
    ]
  ) {
    assert.ok(memory.stdout.text.includes(flag), flag);
  }
  for (const dialect of ["v2", "v1", "v3", "codex-session-create"]) {
    assert.ok(memory.stdout.text.includes(dialect), dialect);
  }
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "NO_COLOR", "Exit status"]) {
    assert.ok(memory.stdout.text.includes(name), name);
  }
});

Deno.test("realtime: Ctrl-C closes the conversation cleanly (closed requested, exit 0)", async () => {
  await using server = await startRealtimeMockServer();
  const interrupt = new AbortController();
  const memory = memoryContext({
    env: { OPENAI_API_KEY: "k" },
    signal: interrupt.signal,
    onStdout: (text) => {
      if (text.includes('"sessionUpdated"')) interrupt.abort();
    },
  });
  const running = runRealtimeCommand(["--json", "--base-url", server.url], memory.context);
  const mock = await server.waitForConnection(0);
  await mock.waitForFrame("session.update");
  mock.send({ type: "session.updated", session: { id: "sess_c" } });
  assert.equal(await running, 0);
  const lines = parseJsonLines(memory.stdout.text);
  assert.deepEqual(lines.at(-1), { type: "closed", reason: "requested" });
  assert.equal(await mock.waitClosed(), 1000);
});

Deno.test("realtime: the server closing ends with exit 0; a server error with exit 1", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [
      { steps: [{ waitFor: "session.update" }, { close: 1000 }] },
      { steps: [{ waitFor: "session.update" }, { send: { type: "error", message: "nope" } }] },
    ],
  });
  const closed = memoryContext({ env: { OPENAI_API_KEY: "k" } });
  assert.equal(await runRealtimeCommand(["--base-url", server.url], closed.context), 0);
  assert.match(closed.stderr.text, /closed by the server/);
  const failed = memoryContext({ env: { OPENAI_API_KEY: "k" } });
  assert.equal(await runRealtimeCommand(["--base-url", server.url], failed.context), 1);
  assert.match(failed.stderr.text, /error:.* nope/);
  assert.match(failed.stderr.text, /ended by an error/);
});

Deno.test("realtime: a refused handshake fails with exit 1 and says why", async () => {
  await using server = await startRealtimeMockServer({ scripts: [{ rejectStatus: 401 }] });
  const memory = memoryContext({ env: { OPENAI_API_KEY: "k" } });
  assert.equal(await runRealtimeCommand(["--json", "--base-url", server.url], memory.context), 1);
  const lines = parseJsonLines(memory.stdout.text);
  assert.equal(lines[0].type, "error");
  assert.match(String(lines[0].message), /HTTP 401/);
  // The CLI contract's last line: the error with its kind.
  assert.deepEqual(lines.at(-1), {
    type: "error",
    kind: "http",
    message: "Realtime websocket handshake failed: the server answered HTTP 401",
    retryable: false,
    status: 401,
  });
});

Deno.test("realtime --audio-out - streams a WAV with the unknown-size marker; the transcript goes to stderr", async () => {
  const memory = memoryContext();
  const chunks: Uint8Array[] = [];
  const context = {
    ...memory.context,
    stdoutBytes: {
      write(bytes: Uint8Array): Promise<number> {
        chunks.push(bytes.slice());
        return Promise.resolve(bytes.length);
      },
    },
  };
  assert.equal(await runRealtimeCommand(["--audio-out", "-", ...QUICK], context), 0);
  assert.equal(memory.stdout.text, "");
  assert.match(memory.stderr.text, /Hello! This is codexwire's offline realtime demo/);
  const wav = await readWav(ReadableStream.from(chunks));
  assert.deepEqual([wav.sampleRate, wav.numChannels, wav.dataBytes], [24_000, 1, undefined]);
  assert.equal((await new Response(wav.data).arrayBuffer()).byteLength, 28_800);
});

Deno.test("deno run cli.ts realtime: the offline demo as a real process", async () => {
  const run = await runCliProcess(["realtime", "--dialect", "v3", "--idle-ms", "20"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Hello! This is codexwire's offline realtime demo/);
  assert.match(run.stderr, /offline realtime scenario "demo" \(v3\)/);
});

Deno.test("realtime draws a status line on a terminal: session, audio in/out, dropped frames, state", async () => {
  const memory = memoryContext({ stderrIsTerminal: true, env: { NO_COLOR: "1" } });
  assert.equal(await runRealtimeCommand([...QUICK], memory.context), 0);
  assert.ok(memory.stderr.text.includes(`${CLEAR_LINE}session `));
  assert.match(
    memory.stderr.text,
    /session \S+ · in \d+\.\d s · out \d+\.\d s · dropped 0 · active/,
  );
  assert.match(
    memory.stderr.text,
    /session sess_demo: audio in 0\.0 s, out 0\.6 s, 0 frames dropped; closed\n$/,
  );
});

Deno.test("realtime --audio-in - sends raw PCM16 from stdin in 20 ms frames", async () => {
  await using server = await startRealtimeMockServer();
  const memory = memoryContext({ env: { OPENAI_API_KEY: "k" } });
  // 0.5 s of audio in odd-sized pieces, and a dangling byte at the end.
  const pcm = new Uint8Array(24_000 + 1).map((_, index) => index % 256);
  const pieces = [pcm.subarray(0, 1001), pcm.subarray(1001, 20_000), pcm.subarray(20_000)];
  const context = {
    ...memory.context,
    stdin: {
      isTerminal: false,
      readText: () => Promise.resolve(""),
      readable: ReadableStream.from(pieces),
    },
  };
  assert.equal(
    await runRealtimeCommand(["--base-url", server.url, "--audio-in", "-", ...QUICK], context),
    0,
  );
  const frames = server.connections[0].frames.filter((frame) =>
    frame.type === "input_audio_buffer.append"
  );
  assert.equal(frames.length, 25);
  const sent = frames.map((frame) =>
    Uint8Array.fromBase64((frame.json as { audio: string }).audio)
  );
  assert.ok(sent.every((frame) => frame.length === 960));
  assert.deepEqual(sent[1], pcm.subarray(960, 1920));
});

Deno.test("realtime --json: a server error ends with closed error and the error line", async () => {
  await using server = await startRealtimeMockServer({
    scripts: [{
      steps: [{ waitFor: "session.update" }, {
        send: { type: "error", error: { message: "bad" } },
      }],
    }],
  });
  const memory = memoryContext({ env: { OPENAI_API_KEY: "k" } });
  assert.equal(await runRealtimeCommand(["--json", "--base-url", server.url], memory.context), 1);
  const lines = parseJsonLines(memory.stdout.text);
  assert.deepEqual(lines.slice(-3), [
    { type: "error", message: "bad" },
    { type: "closed", reason: "error" },
    { type: "error", kind: "stream", message: "bad", retryable: false },
  ]);
});

Deno.test("realtime --audio-out skips reply frames it cannot play (odd length, unsupported rate) with a warning and keeps the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const frame = (delta: string, rate: number) => ({
      send: { type: "conversation.output_audio.delta", delta, sample_rate: rate, channels: 1 },
    });
    await using server = await startRealtimeMockServer({
      scripts: [{
        steps: [
          { waitFor: "session.update" },
          { send: { type: "session.updated", session: { id: "s" } } },
          frame("AQIDBA==", 24_000),
          frame("AQID", 24_000), // three bytes: not whole samples
          frame("AQIDBA==", 4_000), // below the rates we convert
          frame("BQYHCA==", 24_000),
          { close: 1000 },
        ],
      }],
    });
    const memory = memoryContext({ env: { OPENAI_API_KEY: "k" } });
    const code = await runRealtimeCommand(
      ["--dialect", "v1", "--base-url", server.url, "--audio-out", `${dir}/out.wav`],
      memory.context,
    );
    assert.equal(code, 0, memory.stderr.text);
    assert.match(memory.stderr.text, /warning: skipped a reply audio frame: .*odd number of bytes/);
    assert.match(memory.stderr.text, /warning: skipped a reply audio frame: .*4000 Hz/);
    assert.match(memory.stderr.text, /closed by the server/);
    const out = await readWav((await Deno.open(`${dir}/out.wav`)).readable);
    assert.equal(out.dataBytes, 8);
    assert.deepEqual(
      new Uint8Array(await new Response(out.data).arrayBuffer()),
      new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realtime: when stdout fails mid-session, the --audio-out file is still closed with its sizes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using server = await startRealtimeMockServer({
      scripts: [{
        steps: [
          { waitFor: "session.update" },
          { send: { type: "session.updated", session: { id: "s" } } },
          {
            send: {
              type: "conversation.output_audio.delta",
              delta: "AQIDBA==",
              sample_rate: 24_000,
              channels: 1,
            },
          },
          { send: { type: "conversation.output_transcript.delta", delta: "hi" } },
        ],
      }],
    });
    const memory = memoryContext({ env: { OPENAI_API_KEY: "k" } });
    let lines = 0;
    const context = {
      ...memory.context,
      stdout: {
        isTerminal: false,
        write(text: string): Promise<void> {
          // started, sessionUpdated, audioOut; then one write fails.
          if (++lines === 4) return Promise.reject(new Deno.errors.BrokenPipe("broken pipe"));
          return memory.stdout.write(text);
        },
      },
    };
    const code = await runRealtimeCommand(
      ["--json", "--dialect", "v1", "--base-url", server.url, "--audio-out", `${dir}/out.wav`],
      context,
    );
    assert.equal(code, 1);
    assert.match(memory.stdout.text, /"message":"broken pipe"/);
    const out = await readWav((await Deno.open(`${dir}/out.wav`)).readable);
    assert.equal(out.dataBytes, 4);
    await out.data.cancel();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realtime offline demo: the default session replays the bundled tape of each dialect", async () => {
  for (const dialect of ["v2", "v1", "v3", "codex-session-create"] as const) {
    const tape = await Tape.read(realtimeDemoTape("demo", dialect));
    assert.equal(tape.header.tool, "codexwire capture");
    assert.equal(tape.webSockets.length, 1);
    const memory = memoryContext();
    const code = await runRealtimeCommand(["--dialect", dialect, ...QUICK], memory.context);
    assert.equal(code, 0, memory.stderr.text);
    assert.match(memory.stderr.text, /\(\w[\w-]*\) from its bundled tape/);
    assert.match(memory.stdout.text, /^Hello! This is codexwire's offline realtime demo: .*\n$/);
  }
});

Deno.test("realtime offline demo with --text: typed lines get the scripted mock, not the tape", async () => {
  const memory = memoryContext({ stdin: "hi\n" });
  assert.equal(await runRealtimeCommand(["--text", ...QUICK], memory.context), 0);
  assert.match(memory.stderr.text, /from a local mock server/);
  assert.match(memory.stdout.text, /^Hello! This is codexwire's offline realtime demo: .*\n$/);
});

Deno.test("realtime --record writes the session to a tape, the API key replaced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using server = await startRealtimeMockServer({
      scripts: [{
        steps: [
          { waitFor: "session.update" },
          { send: { type: "session.updated", session: { id: "sess-rec" } } },
          { send: { type: "conversation.output_transcript.delta", delta: "hi" } },
          { close: 1000 },
        ],
      }],
    });
    const key = "sk-record-test-0123456789";
    const memory = memoryContext({ env: { OPENAI_API_KEY: key } });
    const tapePath = `${dir}/session.jsonl`;
    const code = await runRealtimeCommand(
      ["--dialect", "v1", "--base-url", server.url, "--record", tapePath],
      memory.context,
    );
    assert.equal(code, 0, memory.stderr.text);
    const text = await Deno.readTextFile(tapePath);
    assert.ok(!text.includes(key), "the key reached the tape");
    const [ws] = (await Tape.read(tapePath)).webSockets;
    assert.equal(ws.open.url.startsWith("ws://"), true);
    const sent = ws.frames.filter((frame) => frame.from === "client");
    const received = ws.frames.filter((frame) => frame.from === "server");
    assert.match(JSON.stringify(sent[0].data), /session\.update/);
    assert.match(JSON.stringify(received.at(-1)!.data), /output_transcript\.delta/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realtime --record needs a file path", async () => {
  const memory = memoryContext({ env: { OPENAI_API_KEY: "k" } });
  assert.equal(await runRealtimeCommand(["--record", "-"], memory.context), 2);
  assert.match(memory.stderr.text, /--record takes the path of a tape file/);
});
