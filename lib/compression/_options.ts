/**
 * Limits, defaults and argument checks shared by the compression module.
 *
 * @module
 */

import type { ZstdImplementation } from "./zstd_implementation.ts";

/** The decoder's window limit: zstd's own default (`ZSTD_WINDOWLOG_LIMIT_DEFAULT`, 2^27). */
export const MAX_WINDOW_BYTES = 2 ** 27;

/**
 * The window limit of the `zstd` HTTP content coding: senders must not need a window over
 * 8 MB, and a receiver may refuse a frame that does (RFC 9659); 8 MiB, as browsers take it.
 */
export const HTTP_MAX_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * The window log codexwire's encoders never exceed: 23 (8 MiB), so that every body they
 * write is a valid `zstd` HTTP content coding. Levels 1 to 19 stay under it by default;
 * levels 20 to 22 would use 25 to 27 (32 to 128 MiB) and are held to it.
 */
export const HTTP_MAX_WINDOW_LOG = 23;

/** The `maxOutputBytes` used when the caller gives none: 256 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Levels the encoders accept. */
export const MIN_LEVEL = 1;
/** Levels the encoders accept. */
export const MAX_LEVEL = 22;

/**
 * Checks a compression level.
 *
 * @param level The level to check.
 * @returns The level.
 * @throws {RangeError} If it is not an integer from 1 to 22.
 */
export function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < MIN_LEVEL || level > MAX_LEVEL) {
    throw new RangeError(
      `Cannot compress with zstd: level must be an integer from ${MIN_LEVEL} to ${MAX_LEVEL}, received ${level}`,
    );
  }
  return level;
}

/**
 * Checks an output limit.
 *
 * @param maxOutputBytes The limit to check.
 * @returns The limit.
 * @throws {RangeError} If it is not a positive safe integer.
 */
export function checkMaxOutputBytes(maxOutputBytes: number): number {
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 1) {
    throw new RangeError(
      `Cannot decompress with zstd: maxOutputBytes must be a positive integer, received ${maxOutputBytes}`,
    );
  }
  return maxOutputBytes;
}

/**
 * Checks an `implementation` option.
 *
 * @param implementation The value to check.
 * @returns The value.
 * @throws {RangeError} If it is not `"auto"`, `"wasm"` or `"native"`.
 */
export function checkImplementation(implementation: unknown): ZstdImplementation {
  if (implementation === "auto" || implementation === "wasm" || implementation === "native") {
    return implementation;
  }
  throw new RangeError(
    `Cannot use zstd: implementation must be "auto", "wasm" or "native", received ${
      JSON.stringify(implementation)
    }`,
  );
}
