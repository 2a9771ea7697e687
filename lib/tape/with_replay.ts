/**
 * {@linkcode withReplay}: a `deno test` function that runs against a replay server for a
 * tape, and closes the server when the test ends, whatever happens.
 *
 * @module
 */

import { type ReplayServer, type ReplayServerOptions, startReplayServer } from "./replay_server.ts";
import type { Tape } from "./tape.ts";

/**
 * Wraps a test body so it gets a running replay server for `tape`; the server is closed
 * after the body settles (test sanitizers stay on).
 *
 * @param tape The tape, or the path of a tape file.
 * @param body The test, given the server and the test context.
 * @param options The replay server's options.
 * @returns A function to pass to `Deno.test` (or `t.step`).
 *
 * @example Usage
 * ```ts
 * import { withReplay } from "./with_replay.ts";
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * const tape = Tape.parse([
 *   '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}',
 *   '{"type":"http.request","t":0,"conn":"c1","method":"GET","url":"http://h/v1/models","headers":[]}',
 *   '{"type":"http.response","t":1,"conn":"c1","status":200,"headers":[]}',
 *   '{"type":"http.chunk","t":2,"conn":"c1","data":{"text":"[]"}}',
 *   '{"type":"http.end","t":3,"conn":"c1"}',
 * ].join("\n"));
 * const test = withReplay(tape, async (server) => {
 *   assert.equal(await (await fetch(`${server.baseUrl}/models`)).text(), "[]");
 * });
 * // In a test file: Deno.test("lists models", test);
 * await test({} as Deno.TestContext);
 * ```
 */
export function withReplay(
  tape: Tape | string | URL,
  body: (server: ReplayServer, t: Deno.TestContext) => void | Promise<void>,
  options: ReplayServerOptions = {},
): (t: Deno.TestContext) => Promise<void> {
  return async function replayTest(t: Deno.TestContext): Promise<void> {
    await using server = await startReplayServer(tape, options);
    await body(server, t);
  };
}
