// Reading a request body within a bound, as sent and once decoded by its Content-Encoding:
// the replay server's reader, written so the mock server can share it.

import { decodeContentEncoding } from "../compression/decode_content_encoding.ts";
import { readBytesUpTo } from "../transport/bounded_body.ts";

/** A request body read within its bound. */
export type BoundedRequestBody =
  | { kind: "ok"; raw: Uint8Array; decoded: Uint8Array }
  | { kind: "tooLarge" }
  | { kind: "unreadable"; message: string };

/** A decoding error about the output limit (the compression module's wording). */
const OVER_LIMIT_REGEXP = /maxOutputBytes \(\d+ bytes\)/;

/**
 * Reads a request's body, at most `maxBytes` as sent and `maxBytes` once decoded.
 *
 * @param request The request.
 * @param maxBytes The bound, both ways.
 * @returns The bytes, or why there are none.
 */
export async function readRequestBody(
  request: Request,
  maxBytes: number,
): Promise<BoundedRequestBody> {
  try {
    const raw = await readBytesUpTo(request.body, maxBytes);
    if (raw === undefined) return { kind: "tooLarge" };
    const decoded = await decodeContentEncoding(raw, request.headers.get("content-encoding"), {
      maxOutputBytes: maxBytes,
    });
    return { kind: "ok", raw, decoded };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return OVER_LIMIT_REGEXP.test(message) ? { kind: "tooLarge" } : { kind: "unreadable", message };
  }
}
