/**
 * Test doubles for code that speaks the OpenAI Responses wire protocol: builders for the
 * wire events, an SSE encoder, and a scripted mock server on loopback that serves queued
 * responses piece by piece (with gates, delays, bodies held open or broken off) and
 * records every request with its body decoded. The same server scripts Responses
 * WebSocket connections on the same path (`server.websocket.enqueue(...)`: handshake
 * headers, refusals, accept delays, frames per request, server-initiated frames, closes).
 * And a scripted realtime WebSocket server (`startRealtimeMockServer`) that runs a script
 * per connection and records every handshake and client frame.
 *
 * ```ts
 * import {
 *   assistantMessageEvent,
 *   completedEvent,
 *   createdEvent,
 *   outputTextDeltaEvent,
 *   startMockResponsesServer,
 * } from "@codexwire/codexwire/testing";
 * import assert from "node:assert/strict";
 *
 * await using server = await startMockResponsesServer();
 * server.enqueue({
 *   headers: { "x-codex-turn-state": "ts-1" },
 *   events: [
 *     createdEvent("resp-1"),
 *     outputTextDeltaEvent("Hello"),
 *     assistantMessageEvent("msg-1", "Hello", { phase: "final_answer" }),
 *     completedEvent("resp-1", { inputTokens: 10, outputTokens: 4 }),
 *   ],
 * });
 *
 * const response = await fetch(`${server.url}/responses`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json", accept: "text/event-stream" },
 *   body: JSON.stringify({ model: "gpt-5", input: [], stream: true }),
 * });
 * assert.equal(response.status, 200);
 * assert.equal(response.headers.get("x-codex-turn-state"), "ts-1");
 * const text = await response.text();
 * assert.ok(text.includes('"type":"response.output_text.delta","item_id":"msg-1"'));
 *
 * assert.equal(server.requests.length, 1);
 * assert.equal(server.requests[0].path, "/v1/responses");
 * assert.deepEqual(server.requests[0].json, { model: "gpt-5", input: [], stream: true });
 * ```
 *
 * @module
 */

export * from "./lib/testing/mod.ts";
export * from "./lib/tape/mod.ts";
