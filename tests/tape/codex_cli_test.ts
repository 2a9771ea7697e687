// The Codex CLI, unchanged, through the capture proxy and then against the replay server
// with the upstream gone. Loopback only: its provider points at 127.0.0.1, and it is given
// a throwaway CODEX_HOME and HOME. Skipped when the CLI is not installed.
import assert from "node:assert/strict";
import {
  assistantMessageEvent,
  completedEvent,
  createdEvent,
  messageItemAddedEvent,
  outputTextDeltaEvent,
  startMockResponsesServer,
} from "../../lib/testing/mod.ts";
import { startCaptureProxy, startReplayServer, Tape } from "../../lib/tape/mod.ts";

const REPO_ROOT = new URL("../../", import.meta.url).pathname;
const INSTALL_HINT = "npm i --prefix .tmp/codex @openai/codex";

function findCodex(): string | undefined {
  const candidates = [
    Deno.env.get("CODEX_BIN"),
    `${REPO_ROOT}.tmp/codex/node_modules/.bin/codex`,
  ];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // Not there: try the next one.
    }
  }
  return undefined;
}

const CODEX = findCodex();
const KEY = "sk-codex-planted-0123456789";
const ANSWER = "Hello from the tape";

async function runCodex(
  home: string,
  baseUrl: string,
  websockets = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  {
    await Deno.writeTextFile(
      `${home}/config.toml`,
      `model = "gpt-5.2-codex"
model_provider = "tape"

[model_providers.tape]
name = "tape"
base_url = "${baseUrl}"
wire_api = "responses"
env_key = "CODEX_TAPE_KEY"
supports_websockets = ${websockets}
request_max_retries = 0
stream_max_retries = 0
stream_idle_timeout_ms = 20000

[features]
unbounded_connection_retries = false
`,
    );
    const child = new Deno.Command(CODEX!, {
      args: ["exec", "--skip-git-repo-check", "Say hello"],
      cwd: home,
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: home, CODEX_HOME: home, CODEX_TAPE_KEY: KEY },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    try {
      const { code, stdout, stderr } = await child.output();
      const decoder = new TextDecoder();
      return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
    } finally {
      clearTimeout(timer);
    }
  }
}

Deno.test({
  name: CODEX === undefined
    ? `the Codex CLI runs through capture and against replay (skipped: no codex binary; install it with "${INSTALL_HINT}" or set CODEX_BIN)`
    : "the Codex CLI runs unchanged through the capture proxy, then against the replay server with the upstream gone",
  ignore: CODEX === undefined,
  async fn() {
    const out = await Deno.makeTempFile({ suffix: ".jsonl" });
    // One home (and working directory) for both runs: Codex sends its paths in the prompt.
    const home = await Deno.makeTempDir({ prefix: "codexwire-codex-home-" });
    try {
      {
        await using upstream = await startMockResponsesServer({
          responses: [{
            events: [
              createdEvent("resp-codex"),
              messageItemAddedEvent("msg-codex"),
              outputTextDeltaEvent("Hello from "),
              outputTextDeltaEvent("the tape"),
              assistantMessageEvent("msg-codex", ANSWER, { phase: "final_answer" }),
              completedEvent("resp-codex", { inputTokens: 10, outputTokens: 4 }),
            ],
          }],
        });
        await using proxy = await startCaptureProxy({ upstream: upstream.url, out, log: () => {} });
        const recorded = await runCodex(home, proxy.baseUrl);
        assert.equal(recorded.code, 0, recorded.stderr);
        assert.equal(recorded.stdout.trim(), ANSWER);
      }
      const text = await Deno.readTextFile(out);
      assert.ok(!text.includes(KEY), "the API key never reaches the tape");
      const tape = await Tape.read(out);
      const exchange = tape.http.find((item) => item.request.url.endsWith("/responses"));
      assert.ok(exchange !== undefined);
      assert.equal(
        Object.fromEntries(exchange.request.headers).authorization,
        "Bearer [REDACTED]",
      );

      // A second run of the same client has new session, thread and turn ids: with body
      // matching on, it must still find its recording.
      const log: string[] = [];
      await using replay = await startReplayServer(tape, {
        matchBody: true,
        log: (line) => log.push(line),
      });
      const replayed = await runCodex(home, replay.baseUrl);
      assert.equal(replayed.code, 0, `${replayed.stderr}\n${log.join("\n")}`);
      assert.equal(replayed.stdout.trim(), ANSWER);
      assert.deepEqual(log, []);
    } finally {
      await Deno.remove(out);
      await Deno.remove(home, { recursive: true });
    }
  },
});

/** A Responses-over-WebSocket upstream: each response.create gets a whole answer. */
function startWsUpstream(): Deno.HttpServer<Deno.NetAddr> {
  let count = 0;
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (request.headers.get("upgrade") !== "websocket") return new Response(null, { status: 404 });
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = () => {
      const id = `resp_ws_${++count}`;
      const item = `msg_ws_${count}`;
      for (
        const event of [
          createdEvent(id),
          messageItemAddedEvent(item),
          outputTextDeltaEvent("Hello from "),
          outputTextDeltaEvent("the tape"),
          assistantMessageEvent(item, ANSWER, { phase: "final_answer" }),
          completedEvent(id, { inputTokens: 10, outputTokens: 4 }),
        ]
      ) socket.send(JSON.stringify(event));
    };
    return response;
  });
}

Deno.test({
  name: CODEX === undefined
    ? `the Codex CLI over WebSocket through capture and replay (skipped: no codex binary; install it with "${INSTALL_HINT}" or set CODEX_BIN)`
    : "the Codex CLI over WebSocket (prewarm, then the turn) runs through the capture proxy, then against the replay server",
  ignore: CODEX === undefined,
  async fn() {
    const out = await Deno.makeTempFile({ suffix: ".jsonl" });
    const home = await Deno.makeTempDir({ prefix: "codexwire-codex-home-" });
    try {
      {
        await using upstream = startWsUpstream();
        await using proxy = await startCaptureProxy({
          upstream: `http://127.0.0.1:${upstream.addr.port}/v1`,
          out,
          log: () => {},
        });
        const recorded = await runCodex(home, proxy.baseUrl, true);
        assert.equal(recorded.code, 0, recorded.stderr);
        assert.equal(recorded.stdout.trim(), ANSWER);
      }
      assert.ok(
        !(await Deno.readTextFile(out)).includes(KEY),
        "the API key never reaches the tape",
      );
      const tape = await Tape.read(out);
      const [session] = tape.webSockets;
      assert.ok(session !== undefined, "Codex used the WebSocket");
      assert.equal(
        Object.fromEntries(session.open.requestHeaders).authorization,
        "Bearer [REDACTED]",
      );
      assert.ok(session.frames.filter((frame) => frame.from === "client").length >= 1);

      const log: string[] = [];
      await using replay = await startReplayServer(tape, {
        matchBody: true,
        log: (line) => log.push(line),
      });
      const replayed = await runCodex(home, replay.baseUrl, true);
      assert.equal(replayed.code, 0, `${replayed.stderr}\n${log.join("\n")}`);
      assert.equal(replayed.stdout.trim(), ANSWER);
      assert.deepEqual(log, [], "each client message matches its recording once normalised");
    } finally {
      await Deno.remove(out);
      await Deno.remove(home, { recursive: true });
    }
  },
});
