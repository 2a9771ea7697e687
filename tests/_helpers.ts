// Shared helpers for tests: run a stream to its end and keep both its events and its error.

import { CodexWireError } from "../lib/errors/codex_wire_error.ts";
import type { ResponseEvent } from "../lib/responses/response_event.ts";
import { ResponsesClient, type ResponsesClientOptions } from "../lib/responses/responses_client.ts";

export interface Collected {
  events: ResponseEvent[];
  error: CodexWireError | undefined;
}

export async function collect(stream: AsyncIterable<ResponseEvent>): Promise<Collected> {
  const events: ResponseEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    if (!(error instanceof CodexWireError)) throw error;
    return { events, error };
  }
  return { events, error: undefined };
}

/** A client for a mock server: fast retries, deterministic jitter. */
export function testClient(
  baseUrl: string,
  options: ResponsesClientOptions = {},
): ResponsesClient {
  return new ResponsesClient({
    baseUrl,
    apiKey: "sk-test",
    sessionId: "sess-1",
    threadId: "conv-1",
    // Every wait is bounded, so a regression fails instead of hanging.
    idleTimeoutMs: 10_000,
    ...options,
    retry: { baseDelayMs: 1, random: () => 0.5, ...options.retry },
  });
}

/** The event types, without header-derived events, for compact assertions. */
export function bodyTypes(events: readonly ResponseEvent[]): string[] {
  return events
    .map((event) => event.type)
    .filter((type) => type !== "rateLimits");
}
