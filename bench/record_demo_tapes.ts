/**
 * Re-records the offline demo's tapes (`fixtures/tapes/NAME.jsonl`), one per bundled
 * scenario: the scripted mock server plays the scenario, the capture proxy records, and
 * the real `responses` command is the client (retries included).
 *
 * Run: `deno task record-demo-tapes` (or `deno run -A bench/record_demo_tapes.ts [NAME…]`).
 *
 * @module
 */

import { runResponsesCommand } from "../lib/cli/responses_command.ts";
import { listScenarios, loadScenario, scenarioToMockResponses } from "../lib/cli/scenarios.ts";
import { TAPES_DIR } from "../lib/cli/offline_server.ts";
import { startCaptureProxy } from "../lib/tape/capture_proxy.ts";
import { startMockResponsesServer } from "../lib/testing/mock_responses_server.ts";

const names = Deno.args.length > 0 ? Deno.args : await listScenarios();
await Deno.mkdir(TAPES_DIR, { recursive: true });
for (const name of names) {
  const scenario = await loadScenario(name);
  if (scenario === undefined) throw new Error(`Unknown scenario "${name}"`);
  const out = new URL(`${name}.jsonl`, TAPES_DIR);
  await using upstream = await startMockResponsesServer({
    responses: scenarioToMockResponses(scenario),
  });
  await using proxy = await startCaptureProxy({ upstream: upstream.url, out });
  let stderr = "";
  const quiet = { isTerminal: false, write: (text: string) => (stderr += text, Promise.resolve()) };
  const status = await runResponsesCommand(["--base-url", proxy.baseUrl, "--json", "Say hello"], {
    stdout: { isTerminal: false, write: () => Promise.resolve() },
    stderr: quiet,
    stdin: { isTerminal: true, readText: () => Promise.resolve("") },
    env: () => undefined,
  });
  if (status !== 0) throw new Error(`Recording "${name}" failed (${status}): ${stderr}`);
  console.log(`recorded ${out.pathname} (${upstream.requests.length} request(s))`);
}
