/**
 * The error texts of the compression module, in one place so that the WASM and the
 * native paths say exactly the same thing for the same fault.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";

/**
 * A `kind: "compression"` error about a zstd body that cannot be decompressed.
 *
 * @param detail What went wrong, in lower case, without a period.
 * @param cause The underlying error, if any.
 * @returns The error to throw.
 */
export function zstdDecodeError(detail: string, cause?: unknown): CodexWireError {
  return new CodexWireError(`Cannot decompress zstd body: ${detail}`, {
    kind: "compression",
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * A `kind: "compression"` error about a body that cannot be compressed.
 *
 * @param detail What went wrong, in lower case, without a period.
 * @param cause The underlying error, if any.
 * @returns The error to throw.
 */
export function zstdEncodeError(detail: string, cause?: unknown): CodexWireError {
  return new CodexWireError(`Cannot compress zstd body: ${detail}`, {
    kind: "compression",
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The message of a stream that ends inside a frame (the wording the lead fixed). */
export const TRUNCATED_DETAIL = "the input ends in the middle of a frame";

/**
 * The detail for output past the limit.
 *
 * @param maxOutputBytes The limit.
 * @returns The detail text.
 */
export function outputTooLargeDetail(maxOutputBytes: number): string {
  return `the output exceeds maxOutputBytes (${maxOutputBytes} bytes), raise maxOutputBytes if the body is trusted`;
}
