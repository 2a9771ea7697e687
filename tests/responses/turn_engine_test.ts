// The transport-neutral retry loop, driven by the WebSocket adapter against the mock.

import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { runTurn } from "../../lib/responses/turn_engine.ts";
import { TransportFallback } from "../../lib/responses/ws_fallback.ts";
import { WebSocketTransport } from "../../lib/responses/ws_transport.ts";
import { webSocketTurnTransport } from "../../lib/responses/ws_turn_transport.ts";
import { completedEvent, createdEvent, startMockResponsesWebSocketServer } from "../../testing.ts";

const RETRY = { streamMaxRetries: 2, baseDelayMs: 1, random: () => 0.5, maxRetryAfterMs: 60_000 };

async function collect(
  events: AsyncIterable<ResponseEvent>,
): Promise<{ events: ResponseEvent[]; error?: CodexWireError }> {
  const out: ResponseEvent[] = [];
  try {
    for await (const event of events) out.push(event);
  } catch (error) {
    if (!(error instanceof CodexWireError)) throw error;
    return { events: out, error };
  }
  return { events: out };
}

function request(pool: WebSocketTransport, fallback = new TransportFallback()) {
  return {
    pool,
    fallback,
    handshakeHeaders: () => new Headers(),
    onHandshake: () => {},
    body: () => ({ model: "m", input: [] }),
    clientMetadata: () => ({}),
    idleTimeoutMs: 5000,
    passthrough: false,
    onTurnState: () => {},
  };
}

Deno.test("responses_websocket_connection_limit_error_reconnects_and_completes", async () => {
  await using server = await startMockResponsesWebSocketServer({
    connections: [
      {
        headers: { "openai-model": "gpt-5" },
        responses: [[{
          type: "error",
          status: 400,
          error: { code: "websocket_connection_limit_reached" },
        }]],
      },
      { responses: [[createdEvent("resp-1"), completedEvent("resp-1")]] },
    ],
  });
  await using pool = new WebSocketTransport({ url: server.websocketUrl });
  const { events, error } = await collect(
    runTurn(webSocketTurnTransport(request(pool), undefined), { retry: RETRY }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(events.map((event) => event.type), [
    "serverModel",
    "reconnecting",
    "created",
    "completed",
  ]);
  assert.equal(server.connections.length, 2);
});

Deno.test("retries end after streamMaxRetries with the last error when there is no fallback", async () => {
  const closing = { responses: [[createdEvent("r"), { close: { code: 1000 } }]] };
  await using server = await startMockResponsesWebSocketServer({
    connections: [closing, closing, closing],
  });
  await using pool = new WebSocketTransport({ url: server.websocketUrl });
  const { events, error } = await collect(
    runTurn(webSocketTurnTransport(request(pool), undefined), { retry: RETRY }),
  );
  assert.equal(error?.message, "websocket closed by server before response.completed");
  assert.deepEqual(
    events.filter((event) => event.type === "reconnecting").map((event) =>
      event.type === "reconnecting" && [event.layer, event.attempt, event.maxAttempts]
    ),
    [["stream", 1, 2], ["stream", 2, 2]],
  );
  assert.equal(server.connections.length, 3);
});

Deno.test("a refused connect without a fallback transport surfaces the network error", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  await using pool = new WebSocketTransport({ url: `ws://127.0.0.1:${port}/v1/responses` });
  const { error } = await collect(
    runTurn(webSocketTurnTransport(request(pool), undefined), {
      retry: { ...RETRY, streamMaxRetries: 0 },
    }),
  );
  assert.equal(error?.kind, "network");
});
