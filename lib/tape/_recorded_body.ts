// One body relay for the capture proxy and the recording fetch: each piece is recorded
// and passed on as soon as it arrives (a pull-based stream with no buffer of its own).

import type { TapeRecorder } from "./tape_recorder.ts";

/**
 * Wraps a response body so every piece, the end, a break or a cancel is recorded.
 *
 * @param body The body as it comes from the server.
 * @param conn The connection id.
 * @param record Runs a recorder call (the caller decides what a refused record does).
 * @returns The body to hand on.
 */
export function recordedBody(
  body: ReadableStream<Uint8Array>,
  conn: string,
  record: (action: (recorder: TapeRecorder) => void) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let done = false;
  const finish = (action: (recorder: TapeRecorder) => void): void => {
    if (done) return;
    done = true;
    record(action);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: ended, value } = await reader.read();
        if (ended) {
          finish((r) => r.httpEnd(conn));
          return controller.close();
        }
        if (value.length === 0) return;
        record((r) => r.httpChunk(conn, value));
        controller.enqueue(value);
      } catch (error) {
        finish((r) =>
          r.httpError(
            conn,
            `The body broke off: ${error instanceof Error ? error.message : error}`,
          )
        );
        controller.error(error);
      }
    },
    async cancel(reason) {
      finish((r) => r.httpError(conn, "The client cancelled the body", "client"));
      await reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
