/**
 * Strict readers for rate-limit header values, matching the Rust parsers Codex uses
 * (`str::parse::<f64>`, `str::parse::<i64>`, the `true/false/1/0` booleans).
 *
 * `Number()` is too lenient for this (it reads `""` as 0, `"0x10"` as 16 and `" 5 "` as 5),
 * so every reader first checks the text against a grammar.
 *
 * @module
 */

/** A decimal float as Rust's `f64` parser reads it (no hex, no blanks). */
const FLOAT_REGEXP = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A decimal integer as Rust's `i64` parser reads it. */
const INTEGER_REGEXP = /^[+-]?\d+$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Where header values are read from: `Headers`, or names already lower-cased in a map. */
export interface HeaderLookup {
  /** The value of the header `name` (lower case), or `null`. */
  get(name: string): string | null;
}

/**
 * Reads a header as a finite float.
 *
 * @param headers The headers.
 * @param name The header name.
 * @returns The value, or `null` when absent, malformed, NaN or infinite.
 */
export function readFiniteFloat(headers: HeaderLookup, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || !FLOAT_REGEXP.test(raw)) return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/**
 * Reads a header as a 64-bit signed integer.
 *
 * @param headers The headers.
 * @param name The header name.
 * @returns The value, or `null` when absent, malformed or out of the `i64` range.
 */
export function readInteger(headers: HeaderLookup, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || !INTEGER_REGEXP.test(raw)) return null;
  const big = BigInt(raw);
  return big < I64_MIN || big > I64_MAX ? null : Number(big);
}

/**
 * Reads a header as a boolean: `true`/`false` in any case, or `1`/`0`.
 *
 * @param headers The headers.
 * @param name The header name.
 * @returns The value, or `null` when absent or not one of those words.
 */
export function readBoolean(headers: HeaderLookup, name: string): boolean | null {
  const raw = headers.get(name);
  if (raw === null) return null;
  const lower = raw.toLowerCase();
  if (lower === "true" || raw === "1") return true;
  if (lower === "false" || raw === "0") return false;
  return null;
}

/**
 * Reads a header as trimmed text.
 *
 * @param headers The headers.
 * @param name The header name.
 * @returns The trimmed value, or `null` when absent or blank.
 */
export function readTrimmed(headers: HeaderLookup, name: string): string | null {
  const trimmed = headers.get(name)?.trim();
  return trimmed ? trimmed : null;
}

/**
 * Normalises a limit id the way Codex does: trimmed, lower case, `-` → `_`.
 *
 * @param name The raw family name.
 * @returns The limit id (may be empty).
 */
export function normalizeLimitId(name: string): string {
  return name.trim().toLowerCase().replaceAll("-", "_");
}
