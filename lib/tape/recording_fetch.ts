/**
 * {@linkcode recordingFetch}: a `fetch` that writes every exchange it makes to a tape,
 * for clients that take a `fetch` option (such as `ResponsesClient`'s `record`).
 *
 * @module
 */

import { decodeContentEncoding } from "../compression/decode_content_encoding.ts";
import { recordedBody } from "./_recorded_body.ts";
import type { TapeRecorder } from "./tape_recorder.ts";

const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * Wraps a `fetch` so each request, its answer and every body piece (as it arrives) are
 * recorded, secrets replaced. The caller sees the same answer as without it.
 *
 * @param recorder Where to record.
 * @param base The `fetch` to call.
 * @returns The recording `fetch`.
 *
 * @example Record a fetch
 * ```ts
 * import { recordingFetch } from "./recording_fetch.ts";
 * import { TapeRecorder } from "./tape_recorder.ts";
 * import { Tape } from "./tape.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = Deno.serve({ port: 0, onListen() {} }, () => new Response("hi"));
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const recorder = await TapeRecorder.create(path);
 * const fetchAndRecord = recordingFetch(recorder);
 * assert.equal(await (await fetchAndRecord(`http://127.0.0.1:${server.addr.port}/`)).text(), "hi");
 * await recorder.close();
 * assert.equal((await Tape.read(path)).http[0].end !== undefined, true);
 * await Deno.remove(path);
 * ```
 */
export function recordingFetch(
  recorder: TapeRecorder,
  base: typeof fetch = globalThis.fetch,
): typeof fetch {
  return async function fetchAndRecord(
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> {
    const request = new Request(input, init);
    const conn = recorder.newConnection();
    const raw = request.body === null
      ? undefined
      : new Uint8Array(await request.clone().arrayBuffer());
    const encoding = request.headers.get("content-encoding") ?? undefined;
    let body: Uint8Array | undefined = raw;
    if (raw !== undefined && encoding !== undefined) {
      body = await decodeContentEncoding(raw, encoding).catch(() => raw);
    }
    recorder.httpRequest(conn, {
      method: request.method,
      url: request.url,
      headers: [...request.headers],
      ...(body === undefined ? {} : { body }),
      ...(encoding === undefined ? {} : { encoding }),
    });
    let response: Response;
    try {
      response = await base(request);
    } catch (error) {
      recorder.httpError(conn, error instanceof Error ? error.message : String(error));
      throw error;
    }
    recorder.httpResponse(conn, response.status, [...response.headers]);
    const answer = {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    };
    if (response.body === null || NULL_BODY_STATUSES.has(response.status)) {
      recorder.httpEnd(conn);
      return response;
    }
    return new Response(recordedBody(response.body, conn, (action) => action(recorder)), answer);
  };
}
