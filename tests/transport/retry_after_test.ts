import assert from "node:assert/strict";
import { parseRetryAfterMs } from "../../lib/transport/retry_after.ts";

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

function parse(values: Record<string, string>, options: { now?: number; maxMs?: number } = {}) {
  return parseRetryAfterMs(new Headers(values), { now: NOW, ...options });
}

Deno.test("parseRetryAfterMs reads retry-after-ms as milliseconds, rounding fractions up", () => {
  assert.equal(parse({ "retry-after-ms": "1500" }), 1500);
  assert.equal(parse({ "retry-after-ms": "12.2" }), 13);
  assert.equal(parse({ "retry-after-ms": "0" }), 0);
});

Deno.test("parseRetryAfterMs prefers retry-after-ms over Retry-After", () => {
  assert.equal(parse({ "retry-after-ms": "250", "retry-after": "5" }), 250);
});

Deno.test("parseRetryAfterMs falls back to Retry-After when retry-after-ms does not parse", () => {
  assert.equal(parse({ "retry-after-ms": "soon", "retry-after": "5" }), 5000);
  assert.equal(parse({ "retry-after-ms": "", "retry-after": "1" }), 1000);
});

Deno.test("parseRetryAfterMs reads Retry-After delta-seconds, decimals included", () => {
  assert.equal(parse({ "retry-after": "2" }), 2000);
  assert.equal(parse({ "retry-after": "0.25" }), 250);
  assert.equal(parse({ "Retry-After": "30" }), 30_000);
});

Deno.test("parseRetryAfterMs reads a Retry-After IMF-fixdate relative to now", () => {
  assert.equal(parse({ "retry-after": "Wed, 01 Jan 2025 12:00:07 GMT" }), 7000);
});

Deno.test("parseRetryAfterMs reads the obsolete RFC 850 and asctime dates", () => {
  assert.equal(parse({ "retry-after": "Wednesday, 01-Jan-25 12:00:09 GMT" }), 9000);
  assert.equal(parse({ "retry-after": "Wed Jan  1 12:00:04 2025" }), 4000);
});

Deno.test("parseRetryAfterMs measures dates from Date.now() by default", () => {
  const date = new Date(Date.now() + 3_600_000).toUTCString();

  const delay = parseRetryAfterMs(new Headers({ "retry-after": date }), { maxMs: 10_000_000 });

  assert.ok(delay !== undefined && delay > 3_500_000 && delay <= 3_600_000, String(delay));
});

Deno.test("parseRetryAfterMs turns negative delays and past dates into 0", () => {
  assert.equal(parse({ "retry-after-ms": "-20" }), 0);
  assert.equal(parse({ "retry-after": "-3" }), 0);
  assert.equal(parse({ "retry-after": "Wed, 01 Jan 2025 11:00:00 GMT" }), 0);
});

Deno.test("parseRetryAfterMs caps the delay at 60 seconds by default", () => {
  assert.equal(parse({ "retry-after": "3600" }), 60_000);
  assert.equal(parse({ "retry-after-ms": "60001" }), 60_000);
  assert.equal(parse({ "retry-after": "Thu, 02 Jan 2025 12:00:00 GMT" }), 60_000);
});

Deno.test("parseRetryAfterMs caps the delay at maxMs", () => {
  assert.equal(parse({ "retry-after": "10" }, { maxMs: 2500 }), 2500);
  assert.equal(parse({ "retry-after": "10" }, { maxMs: 0 }), 0);
  assert.equal(parse({ "retry-after": "1" }, { maxMs: 2500 }), 1000);
});

Deno.test("parseRetryAfterMs returns undefined when neither header parses", () => {
  const unparseable: Record<string, string>[] = [
    {},
    { "retry-after": "" },
    { "retry-after": "soon" },
    { "retry-after": "0x10" },
    { "retry-after": "Infinity" },
    { "retry-after": "1e999" },
    { "retry-after": "2025-01-01T12:00:07Z" },
    { "retry-after": "Wed, 31 Feb 2025 12:00:00 GMT" },
    { "retry-after": "Wed, 01 Foo 2025 12:00:00 GMT" },
    { "retry-after": "Wed, 01 Jan 2025 25:00:00 GMT" },
    { "retry-after-ms": "NaN" },
  ];
  for (const values of unparseable) {
    assert.equal(parse(values), undefined, JSON.stringify(values));
  }
});

Deno.test("parseRetryAfterMs rejects a negative or NaN maxMs and a non-finite now", () => {
  const headers = new Headers({ "retry-after": "1" });

  assert.throws(() => parseRetryAfterMs(headers, { maxMs: -1 }), {
    name: "RangeError",
    message: "Cannot parse Retry-After: maxMs must be 0 or more, got -1",
  });
  assert.throws(() => parseRetryAfterMs(headers, { maxMs: Number.NaN }), RangeError);
  assert.throws(() => parseRetryAfterMs(headers, { now: Number.NaN }), {
    name: "RangeError",
    message: "Cannot parse Retry-After: now must be a finite time, got NaN",
  });
});
