// Shared helpers for the realtime tests.

import type { RealtimeConnection } from "../../lib/realtime/realtime_connection.ts";
import type { RealtimeEvent } from "../../lib/realtime/realtime_event.ts";

/** Reads events until the connection ends (each wait bounded by a timeout). */
export async function drain(
  connection: RealtimeConnection,
  timeoutMs = 5_000,
): Promise<RealtimeEvent[]> {
  const events: RealtimeEvent[] = [];
  while (true) {
    const event = await nextWithin(connection, timeoutMs);
    if (event === undefined) return events;
    events.push(event);
  }
}

/** The next event of a connection or manager, failing when none comes within the timeout. */
export function nextWithin<T>(
  source: { next(): Promise<T | undefined> },
  timeoutMs = 5_000,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`No realtime event within ${timeoutMs} ms`)),
      timeoutMs,
    );
    source.next().then((event) => {
      clearTimeout(timer);
      resolve(event);
    });
  });
}

/** The session.updated frame a mock sends. */
export function sessionUpdatedFrame(id = "sess_1", instructions?: string): unknown {
  return {
    type: "session.updated",
    session: instructions === undefined ? { id } : { id, instructions },
  };
}
