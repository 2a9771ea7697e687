/**
 * Re-records the offline demos' tapes in `fixtures/tapes/`: the scripted mock servers play,
 * the capture proxy records, and the real commands are the clients.
 *
 * - `NAME.jsonl`, one per bundled `responses` scenario (`fixtures/scenarios/`): the
 *   `responses` command, retries included.
 * - `realtime-demo-DIALECT.jsonl`, one per realtime dialect: the `realtime` command sending
 *   the demo scenario's default line (`fixtures/realtime/demo.json`), as the offline demo
 *   does without `--text` or `--audio-in`.
 *
 * Run: `deno task record-demo-tapes` (or `deno run -A bench/record_demo_tapes.ts [NAME…]`,
 * where NAME is a responses scenario or `realtime`).
 *
 * @module
 */

import type { CliContext } from "../lib/cli/cli_context.ts";
import { runRealtimeCommand } from "../lib/cli/realtime_command.ts";
import {
  loadRealtimeScenario,
  realtimeDemoScript,
  realtimeDemoTape,
} from "../lib/cli/realtime_demo.ts";
import { runResponsesCommand } from "../lib/cli/responses_command.ts";
import { listScenarios, loadScenario, scenarioToMockResponses } from "../lib/cli/scenarios.ts";
import { TAPES_DIR } from "../lib/cli/offline_server.ts";
import type { RealtimeDialect } from "../lib/realtime/realtime_dialect.ts";
import { startCaptureProxy } from "../lib/tape/capture_proxy.ts";
import { startMockResponsesServer } from "../lib/testing/mock_responses_server.ts";
import { startRealtimeMockServer } from "../lib/testing/realtime_mock_server.ts";

const DIALECTS: readonly RealtimeDialect[] = ["v2", "v1", "v3", "codex-session-create"];

/** A quiet command context with this stdin and environment; stderr is kept for errors. */
function quietContext(stdin: string, env: Record<string, string>): CliContext & { err(): string } {
  let stderr = "";
  return {
    stdout: { isTerminal: false, write: () => Promise.resolve() },
    stderr: { isTerminal: false, write: (text: string) => (stderr += text, Promise.resolve()) },
    stdin: {
      isTerminal: stdin === "",
      readText: () => Promise.resolve(stdin),
      readable: ReadableStream.from([new TextEncoder().encode(stdin)]),
    },
    env: (name) => env[name],
    err: () => stderr,
  };
}

async function recordResponses(name: string): Promise<void> {
  const scenario = await loadScenario(name);
  if (scenario === undefined) throw new Error(`Unknown scenario "${name}"`);
  const out = new URL(`${name}.jsonl`, TAPES_DIR);
  await using upstream = await startMockResponsesServer({
    responses: scenarioToMockResponses(scenario),
  });
  await using proxy = await startCaptureProxy({ upstream: upstream.url, out });
  const context = quietContext("", {});
  const status = await runResponsesCommand(
    ["--base-url", proxy.baseUrl, "--json", "Say hello"],
    context,
  );
  if (status !== 0) throw new Error(`Recording "${name}" failed (${status}): ${context.err()}`);
  console.log(`recorded ${out.pathname} (${upstream.requests.length} request(s))`);
}

async function recordRealtime(dialect: RealtimeDialect): Promise<void> {
  const scenario = await loadRealtimeScenario("demo");
  const out = realtimeDemoTape(scenario.name, dialect);
  await using upstream = await startRealtimeMockServer({
    defaultScript: realtimeDemoScript(scenario, dialect),
  });
  await using proxy = await startCaptureProxy({ upstream: upstream.url, out });
  // The offline demo's default session: one line, the scenario's own, then a quiet close.
  const context = quietContext(`${scenario.defaultText}\n`, { OPENAI_API_KEY: "sk-offline-demo" });
  const status = await runRealtimeCommand(
    ["--base-url", proxy.baseUrl, "--dialect", dialect, "--text", "--idle-ms", "100"],
    context,
  );
  if (status !== 0) {
    throw new Error(`Recording realtime ${dialect} failed (${status}): ${context.err()}`);
  }
  console.log(`recorded ${out.pathname} (${upstream.connections[0]?.frameCount} client frames)`);
}

const names = Deno.args.length > 0 ? Deno.args : [...await listScenarios(), "realtime"];
await Deno.mkdir(TAPES_DIR, { recursive: true });
for (const name of names) {
  if (name === "realtime") {
    for (const dialect of DIALECTS) await recordRealtime(dialect);
  } else {
    await recordResponses(name);
  }
}
