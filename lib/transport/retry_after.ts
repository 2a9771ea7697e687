/**
 * The delay a server asks for before a retry, from `retry-after-ms` or `Retry-After`.
 *
 * Codex itself reads neither header; the OpenAI SDKs and proxies in front of
 * the API send them, so a retry policy may honour them.
 *
 * @module
 */

/** Options of {@linkcode parseRetryAfterMs}. */
export interface ParseRetryAfterOptions {
  /**
   * The current time in milliseconds since the Unix epoch, against which an HTTP-date
   * `Retry-After` is measured.
   *
   * @default {Date.now()}
   */
  now?: number;
  /**
   * The longest delay to return, in milliseconds; longer requests are capped to it.
   *
   * @default {60_000}
   */
  maxMs?: number;
}

const DEFAULT_MAX_MS = 60_000;
/** A decimal number, optionally signed, with an optional exponent (no hex, no blanks). */
const NUMBER_REGEXP = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 IMF-fixdate). */
const IMF_FIXDATE_REGEXP =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850 format). */
const RFC_850_DATE_REGEXP =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
/** `Sun Nov  6 08:49:37 1994` (obsolete asctime format, UTC). */
const ASCTIME_DATE_REGEXP =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * Reads the retry delay a server asked for.
 *
 * `retry-after-ms` (milliseconds, may be fractional) wins when it parses; otherwise
 * `Retry-After` is read as delta-seconds (decimals accepted) or as an HTTP date (RFC 9110:
 * IMF-fixdate, RFC 850 or asctime) measured from `now`. A negative delay becomes 0, a
 * delay above `maxMs` becomes `maxMs`, and fractions of a millisecond round up.
 *
 * @param headers The response headers.
 * @param options The clock and the cap.
 * @returns The delay in whole milliseconds, or `undefined` when neither header parses.
 * @throws {RangeError} If `maxMs` is negative or not a number, or `now` is not finite.
 *
 * @example Usage
 * ```ts
 * import { parseRetryAfterMs } from "./retry_after.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseRetryAfterMs(new Headers({ "retry-after-ms": "1500" })), 1500);
 * assert.equal(parseRetryAfterMs(new Headers({ "retry-after": "2" })), 2000);
 * assert.equal(
 *   parseRetryAfterMs(new Headers({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }), {
 *     now: Date.UTC(1994, 10, 6, 8, 49, 7),
 *   }),
 *   30_000,
 * );
 * assert.equal(parseRetryAfterMs(new Headers({ "retry-after": "3600" })), 60_000);
 * assert.equal(parseRetryAfterMs(new Headers({ "retry-after": "soon" })), undefined);
 * ```
 */
export function parseRetryAfterMs(
  headers: Headers,
  options: ParseRetryAfterOptions = {},
): number | undefined {
  const { now = Date.now(), maxMs = DEFAULT_MAX_MS } = options;
  if (!(maxMs >= 0)) {
    throw new RangeError(`Cannot parse Retry-After: maxMs must be 0 or more, got ${maxMs}`);
  }
  if (!Number.isFinite(now)) {
    throw new RangeError(`Cannot parse Retry-After: now must be a finite time, got ${now}`);
  }
  const delayMs = delayFromMsHeader(headers.get("retry-after-ms")) ??
    delayFromRetryAfter(headers.get("retry-after"), now);
  if (delayMs === undefined) return undefined;
  return Math.min(Math.max(Math.ceil(delayMs), 0), maxMs);
}

function delayFromMsHeader(value: string | null): number | undefined {
  return value === null ? undefined : parseNumber(value);
}

function delayFromRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const seconds = parseNumber(value);
  if (seconds !== undefined) return seconds * 1000;
  const date = parseHttpDate(value);
  return date === undefined ? undefined : date - now;
}

function parseNumber(value: string): number | undefined {
  const text = value.trim();
  if (!NUMBER_REGEXP.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** An HTTP date in one of the three RFC 9110 formats, as epoch milliseconds. */
function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let match = IMF_FIXDATE_REGEXP.exec(text);
  if (match !== null) {
    const [, day, month, year, hour, minute, second] = match;
    return utcTime(Number(year), month, Number(day), [hour, minute, second]);
  }
  match = RFC_850_DATE_REGEXP.exec(text);
  if (match !== null) {
    const [, day, month, shortYear, hour, minute, second] = match;
    // Two-digit years: 70–99 are 1970–1999, 00–69 are 2000–2069.
    const year = Number(shortYear) + (Number(shortYear) >= 70 ? 1900 : 2000);
    return utcTime(year, month, Number(day), [hour, minute, second]);
  }
  match = ASCTIME_DATE_REGEXP.exec(text);
  if (match !== null) {
    const [, month, day, hour, minute, second, year] = match;
    return utcTime(Number(year), month, Number(day.trim()), [hour, minute, second]);
  }
  return undefined;
}

function utcTime(
  year: number,
  monthName: string,
  day: number,
  clock: [string, string, string],
): number | undefined {
  const month = MONTHS.indexOf(monthName.toLowerCase());
  const [hour, minute, second] = clock.map(Number);
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return undefined;
  // A leap second (`:60`) counts as `:59` so it does not roll into the next day.
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // Rejects days the month does not have (`31 Feb`), which Date.UTC would roll over.
  return new Date(time).getUTCDate() === day ? time : undefined;
}
