/**
 * The server behind the offline demo: a replay of the scenario's bundled tape when there
 * is one (`fixtures/tapes/NAME.jsonl`), else the scripted mock server.
 *
 * @module
 */

import { startReplayServer } from "../tape/replay_server.ts";
import { startMockResponsesServer } from "../testing/mock_responses_server.ts";
import { type Scenario, scenarioToMockResponses, scenarioToMockWebSocket } from "./scenarios.ts";

/** The folder of the bundled tapes, recorded by `bench/record_demo_tapes.ts`. */
export const TAPES_DIR: URL = new URL("../../fixtures/tapes/", import.meta.url);

/** A running offline server. */
export interface OfflineServer extends AsyncDisposable {
  /** The base URL to send requests to. */
  readonly url: string;
  /** Where the answers come from: `"tape"` or `"mock"`. */
  readonly source: "tape" | "mock";
}

/** Options of {@linkcode startOfflineServer}. */
export interface OfflineServerOptions {
  /**
   * Serve the scenario over WebSocket too (the mock server, which scripts both; the
   * bundled tapes hold HTTP only).
   * @default false
   */
  websocket?: boolean;
}

/**
 * Starts the offline server for a scenario: its tape replayed at recorded speed (rate-limit
 * reset times moved to now), or the mock server when the scenario has no tape or the
 * client speaks WebSocket.
 *
 * @param scenario The scenario.
 * @param options Whether WebSocket connections are scripted too.
 * @returns The running server.
 *
 * @example Usage
 * ```ts ignore
 * import { startOfflineServer } from "./offline_server.ts";
 * import { loadScenario } from "./scenarios.ts";
 *
 * await using server = await startOfflineServer((await loadScenario("hello"))!);
 * console.log(server.url, server.source);
 * ```
 */
export async function startOfflineServer(
  scenario: Scenario,
  options: OfflineServerOptions = {},
): Promise<OfflineServer> {
  const tape = new URL(`${scenario.name}.jsonl`, TAPES_DIR);
  let exists = false;
  try {
    exists = !options.websocket && (await Deno.stat(tape)).isFile;
  } catch {
    exists = false;
  }
  if (exists) {
    const server = await startReplayServer(tape, {
      speed: 1,
      shiftResetTimes: true,
      log: () => {},
    });
    return {
      url: server.baseUrl,
      source: "tape",
      [Symbol.asyncDispose]: () => server.close(),
    };
  }
  const server = await startMockResponsesServer({ responses: scenarioToMockResponses(scenario) });
  if (options.websocket) server.websocket.enqueue(...scenarioToMockWebSocket(scenario));
  return { url: server.url, source: "mock", [Symbol.asyncDispose]: () => server.close() };
}
