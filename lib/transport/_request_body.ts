// Reading a request body within a bound, as sent and once decoded by its Content-Encoding:
// the reader of the mock server, the replay server and the capture proxy.

import { decodeContentEncoding } from "../compression/decode_content_encoding.ts";
import { readBytesUpTo } from "./bounded_body.ts";

/** A request body read within its bound. */
export type BoundedRequestBody =
  | { kind: "ok"; raw: Uint8Array<ArrayBuffer>; decoded: Uint8Array }
  | { kind: "tooLarge" }
  // `raw`: the bytes as sent, when they could be read and only their decoding failed.
  | { kind: "unreadable"; raw?: Uint8Array<ArrayBuffer>; message: string };

/** The default bound of a request body, as sent and once decoded: 64 MiB. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Checks a `maxRequestBodyBytes` option.
 *
 * @param owner What is being started, for the message ("the replay server").
 * @param bytes The option's value.
 * @returns The value.
 * @throws {RangeError} When it is not a positive integer.
 */
export function checkMaxRequestBodyBytes(owner: string, bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new RangeError(
      `Cannot start ${owner}: maxRequestBodyBytes must be a positive integer, got ${bytes}`,
    );
  }
  return bytes;
}

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
  let raw: Uint8Array<ArrayBuffer> | undefined;
  try {
    // A body of a declared length within the bound is read in one go (the server enforces
    // the length); one without is read chunk by chunk, stopping at the bound.
    const declared = request.headers.get("content-length");
    raw = request.body !== null && declared !== null && /^\d+$/.test(declared) &&
        Number(declared) <= maxBytes
      ? new Uint8Array(await request.arrayBuffer())
      : await readBytesUpTo(request.body, maxBytes);
    if (raw === undefined) return { kind: "tooLarge" };
    const decoded = await decodeContentEncoding(raw, request.headers.get("content-encoding"), {
      maxOutputBytes: maxBytes,
    });
    return { kind: "ok", raw, decoded };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return OVER_LIMIT_REGEXP.test(message)
      ? { kind: "tooLarge" }
      : { kind: "unreadable", ...(raw === undefined ? {} : { raw }), message };
  }
}
