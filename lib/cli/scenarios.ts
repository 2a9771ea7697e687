/**
 * The bundled offline scenarios (`fixtures/scenarios/*.json`): scripted Responses answers
 * that the CLI replays from an in-process mock server when it has no API key and no
 * base URL.
 *
 * @module
 */

import { z } from "zod";
import type { GatedMockChunk, MockResponse } from "../testing/mock_responses_server.ts";
import type {
  MockWebSocketConnection,
  MockWebSocketFrame,
} from "../testing/mock_responses_ws_server.ts";
import { encodeSseEvents, type WireEventLike } from "../testing/sse_encoding.ts";
import { isScenarioName, SCENARIOS_DIR } from "./scenario_names.ts";

export { listScenarios, SCENARIOS_DIR } from "./scenario_names.ts";

/** One scripted answer of a scenario, as written in its JSON file. */
export interface ScenarioResponse {
  /** The HTTP status. @default {200} */
  status?: number;
  /**
   * Response headers. A value may hold `{{now+SECONDS}}`, replaced by the Unix time that
   * many seconds from now (for rate-limit reset times that stay in the future).
   */
  headers?: Record<string, string>;
  /** The wire events of the SSE body, in order. */
  events?: WireEventLike[];
  /** A raw body instead of events (for error answers). */
  body?: string;
  /** Re-split the SSE bytes into pieces of this many bytes (one piece per event when unset). */
  chunkSize?: number;
}

/** A bundled scenario: the answers a mock server gives to successive requests. */
export interface Scenario {
  /** The scenario's name, which is also its file name without `.json`. */
  name: string;
  /** What it shows, in one sentence. */
  description: string;
  /** The answers, one per request (later ones serve retries). */
  responses: ScenarioResponse[];
}

/** Options of {@linkcode scenarioToMockResponses}. */
export interface ScenarioPacingOptions {
  /**
   * Roughly how long the whole scenario should take to stream, in milliseconds; the
   * per-piece delay is this divided by the number of pieces.
   *
   * @default {1000}
   */
  totalMs?: number;
  /**
   * The longest delay before one piece, in milliseconds.
   *
   * @default {40}
   */
  maxPieceDelayMs?: number;
}

const NOW_PLACEHOLDER_REGEXP = /\{\{now\+(\d+)\}\}/g;

const SCENARIO_SCHEMA = z.object({
  name: z.string().min(1),
  description: z.string(),
  responses: z.array(
    z.object({
      status: z.number().int().min(200).max(599).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      events: z.array(z.looseObject({ type: z.string().min(1) })).optional(),
      body: z.string().optional(),
      chunkSize: z.number().int().positive().optional(),
    }),
  ).min(1),
});

/**
 * Loads and checks a bundled scenario by name.
 *
 * @param name The scenario's name, such as `hello`.
 * @param dir The folder to look in.
 * @returns The scenario, or `undefined` when there is no scenario of that name.
 * @throws {TypeError} When the file is not a valid scenario.
 *
 * @example Usage
 * ```ts
 * import { loadScenario } from "./scenarios.ts";
 * import assert from "node:assert/strict";
 *
 * const scenario = await loadScenario("hello");
 * assert.equal(scenario?.name, "hello");
 * assert.equal(await loadScenario("no-such-scenario"), undefined);
 * ```
 */
export async function loadScenario(
  name: string,
  dir: URL = SCENARIOS_DIR,
): Promise<Scenario | undefined> {
  if (!isScenarioName(name)) return undefined;
  const url = new URL(`${name}.json`, dir);
  let text: string;
  try {
    text = await Deno.readTextFile(url);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`Cannot load scenario "${name}": ${url.pathname} is not valid JSON`, {
      cause: error,
    });
  }
  const parsed = SCENARIO_SCHEMA.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot load scenario "${name}": ${issue.path.join(".") || "the file"} ${issue.message}`,
    );
  }
  for (const [index, response] of parsed.data.responses.entries()) {
    if (response.events !== undefined && response.body !== undefined) {
      throw new TypeError(
        `Cannot load scenario "${name}": responses.${index} has both events and body, keep one`,
      );
    }
  }
  return parsed.data as Scenario;
}

/**
 * Turns a scenario into mock-server responses. A 2xx answer with events is paced: each
 * event (or each `chunkSize` piece) becomes a chunk sent after a short delay, so the
 * text visibly streams while the whole scenario stays around `totalMs`.
 *
 * @param scenario The scenario.
 * @param options The pacing.
 * @returns The responses, for `startMockResponsesServer({ responses })`.
 *
 * @example Usage
 * ```ts
 * import { scenarioToMockResponses } from "./scenarios.ts";
 * import assert from "node:assert/strict";
 *
 * const [response] = scenarioToMockResponses({
 *   name: "tiny",
 *   description: "One delta.",
 *   responses: [{ events: [{ type: "response.output_text.delta", delta: "Hi" }] }],
 * }, { totalMs: 0 });
 * assert.equal(response.chunks?.length, 1);
 * ```
 */
export function scenarioToMockResponses(
  scenario: Scenario,
  options: ScenarioPacingOptions = {},
): MockResponse[] {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const streamed = scenario.responses.map((response) =>
    (response.status ?? 200) < 300 && response.events !== undefined
      ? splitEvents(response.events, response.chunkSize)
      : undefined
  );
  const pieces = streamed.reduce((sum, chunks) => sum + (chunks?.length ?? 0), 0);
  const delayMs = Math.min(
    options.maxPieceDelayMs ?? 40,
    Math.floor((options.totalMs ?? 1000) / Math.max(pieces, 1)),
  );
  return scenario.responses.map((response, index): MockResponse => {
    const mock: MockResponse = {};
    if (response.status !== undefined) mock.status = response.status;
    if (response.headers !== undefined) {
      mock.headers = Object.fromEntries(
        Object.entries(response.headers).map(([name, value]) => [
          name,
          value.replace(
            NOW_PLACEHOLDER_REGEXP,
            (_, seconds) => String(nowSeconds + Number(seconds)),
          ),
        ]),
      );
    }
    const chunks = streamed[index];
    if (chunks !== undefined) {
      // The first piece goes out at once: the delays pace the stream, not the answer.
      mock.chunks = chunks.map((data, piece): GatedMockChunk => ({
        data,
        delayMs: piece === 0 ? 0 : delayMs,
      }));
    } else if (response.events !== undefined) {
      mock.events = response.events;
    } else if (response.body !== undefined) {
      mock.body = response.body;
    }
    return mock;
  });
}

/**
 * Turns a scenario into scripted WebSocket connections, one per answer (a retry over
 * WebSocket opens a new connection): an error answer refuses the upgrade with its status,
 * headers and body; a streamed answer becomes frames paced like the SSE pieces, its
 * headers the handshake's, and a stream without `response.completed` ends with a close.
 *
 * @param scenario The scenario.
 * @param options How fast to stream it.
 * @returns The connections, in order.
 */
export function scenarioToMockWebSocket(
  scenario: Scenario,
  options: ScenarioPacingOptions = {},
): MockWebSocketConnection[] {
  const http = scenarioToMockResponses(scenario, options);
  const frames = scenario.responses.reduce(
    (sum, response) => sum + (response.events?.length ?? 0),
    0,
  );
  const delayMs = Math.min(
    options.maxPieceDelayMs ?? 40,
    Math.floor((options.totalMs ?? 1000) / Math.max(frames, 1)),
  );
  return scenario.responses.map((response, index): MockWebSocketConnection => {
    const headers = http[index].headers;
    const status = response.status ?? 200;
    if (status >= 300 || response.events === undefined) {
      return {
        status: status >= 300 ? status : 500,
        ...(headers === undefined ? {} : { headers }),
        ...(response.body === undefined ? {} : { body: response.body }),
      };
    }
    const script: MockWebSocketFrame[] = response.events.map((event, frame) => ({
      event,
      delayMs: frame === 0 ? 0 : delayMs,
    }));
    if (!response.events.some((event) => event.type === "response.completed")) {
      script.push({ close: { code: 1000 } });
    }
    return { ...(headers === undefined ? {} : { headers }), responses: [script] };
  });
}

function splitEvents(
  events: readonly WireEventLike[],
  chunkSize: number | undefined,
): (string | Uint8Array)[] {
  if (chunkSize === undefined) return events.map((event) => encodeSseEvents([event]));
  const bytes = new TextEncoder().encode(encodeSseEvents(events));
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.byteLength; start += chunkSize) {
    pieces.push(bytes.subarray(start, start + chunkSize));
  }
  return pieces;
}
