import assert from "node:assert/strict";
import fc from "fast-check";
import {
  parseRateLimitHeaders,
  parseRateLimitHeadersForLimit,
} from "../../lib/ratelimits/parse_rate_limit_headers.ts";
import type { RateLimitSnapshot } from "../../lib/ratelimits/rate_limit_snapshot.ts";

function emptySnapshot(limitId: string): RateLimitSnapshot {
  return {
    limitId,
    limitName: null,
    primary: null,
    secondary: null,
    credits: null,
    planType: null,
  };
}

// Scenarios of codex-rs/codex-api/src/rate_limits.rs (spec §11.2).

Deno.test("parseRateLimitHeadersForLimit defaults to the codex headers (parse_rate_limit_for_limit_defaults_to_codex_headers)", () => {
  const headers = new Headers({
    "x-codex-primary-used-percent": "12.5",
    "x-codex-primary-window-minutes": "60",
    "x-codex-primary-reset-at": "1704069000",
  });

  const snapshot = parseRateLimitHeadersForLimit(headers, "codex");

  assert.deepEqual(snapshot, {
    ...emptySnapshot("codex"),
    primary: { usedPercent: 12.5, windowMinutes: 60, resetsAt: 1704069000 },
  });
  assert.deepEqual(parseRateLimitHeadersForLimit(headers, ""), snapshot);
  assert.deepEqual(parseRateLimitHeadersForLimit(headers, "  "), snapshot);
});

Deno.test("parseRateLimitHeadersForLimit reads the codex_secondary family from x-codex-secondary-* headers (parse_rate_limit_for_limit_reads_secondary_headers)", () => {
  const headers = new Headers({
    "x-codex-secondary-primary-used-percent": "80",
    "x-codex-secondary-primary-window-minutes": "1440",
    "x-codex-secondary-primary-reset-at": "1704074400",
  });

  const snapshot = parseRateLimitHeadersForLimit(headers, "codex_secondary");

  assert.deepEqual(snapshot, {
    ...emptySnapshot("codex_secondary"),
    primary: { usedPercent: 80, windowMinutes: 1440, resetsAt: 1704074400 },
  });
});

Deno.test("parseRateLimitHeadersForLimit prefers the family's limit-name header (parse_rate_limit_for_limit_prefers_limit_name_header)", () => {
  const headers = new Headers({
    "x-codex-bengalfox-primary-used-percent": "80",
    "x-codex-bengalfox-limit-name": "gpt-5.2-codex-sonic",
  });

  const snapshot = parseRateLimitHeadersForLimit(headers, "codex_bengalfox");

  assert.equal(snapshot.limitId, "codex_bengalfox");
  assert.equal(snapshot.limitName, "gpt-5.2-codex-sonic");
});

Deno.test("parseRateLimitHeaders reads every limit family, codex first (parse_all_rate_limits_reads_all_limit_families)", () => {
  const headers = new Headers({
    "x-codex-primary-used-percent": "12.5",
    "x-codex-secondary-primary-used-percent": "80",
  });

  const snapshots = parseRateLimitHeaders(headers);

  assert.equal(snapshots.length, 2);
  assert.deepEqual(snapshots.map((snapshot) => snapshot.limitId), ["codex", "codex_secondary"]);
  assert.deepEqual(snapshots.map((snapshot) => snapshot.limitName), [null, null]);
  assert.deepEqual(snapshots[1].primary, { usedPercent: 80, windowMinutes: null, resetsAt: null });
});

Deno.test("parseRateLimitHeaders includes an empty codex snapshot when no header is present (parse_all_rate_limits_includes_default_codex_snapshot)", () => {
  assert.deepEqual(parseRateLimitHeaders(new Headers()), [emptySnapshot("codex")]);
  assert.deepEqual(parseRateLimitHeaders(new Headers({ "content-type": "text/event-stream" })), [
    emptySnapshot("codex"),
  ]);
});

// Edge cases of the §3.1 rules.

Deno.test("parseRateLimitHeaders sorts extra families by id after codex", () => {
  const headers = new Headers({
    "x-codex-zeta-primary-used-percent": "1",
    "x-codex-alpha-primary-used-percent": "2",
    "X-Codex-Mid-Primary-Used-Percent": "3",
  });

  const ids = parseRateLimitHeaders(headers).map((snapshot) => snapshot.limitId);

  assert.deepEqual(ids, ["codex", "codex_alpha", "codex_mid", "codex_zeta"]);
});

Deno.test("parseRateLimitHeaders leaves out extra families that carry no window and no credits", () => {
  const headers = new Headers({
    "x-codex-other-primary-used-percent": "0",
    "x-codex-broken-primary-used-percent": "NaN",
  });

  assert.deepEqual(parseRateLimitHeaders(headers), [emptySnapshot("codex")]);
});

Deno.test("parseRateLimitHeaders keeps an extra family whose only data are the shared credits", () => {
  const headers = new Headers({
    "x-codex-other-primary-used-percent": "0",
    "x-codex-credits-has-credits": "true",
    "x-codex-credits-unlimited": "false",
  });

  const snapshots = parseRateLimitHeaders(headers);

  assert.deepEqual(snapshots.map((snapshot) => snapshot.limitId), ["codex", "codex_other"]);
  const credits = { hasCredits: true, unlimited: false, balance: null };
  assert.deepEqual(snapshots[0].credits, credits);
  assert.deepEqual(snapshots[1].credits, credits);
});

Deno.test("parseRateLimitHeaders ignores family headers with an empty name", () => {
  const headers = new Headers({
    "x--primary-used-percent": "50",
    "x-primary-used-percent": "50",
  });

  assert.deepEqual(parseRateLimitHeaders(headers), [emptySnapshot("codex")]);
});

Deno.test("parseRateLimitHeadersForLimit normalises the id and maps it to the header prefix", () => {
  const headers = new Headers({
    "x-codex-other-primary-used-percent": "5",
    "x-codex-other-limit-name": "  Other limit  ",
  });

  for (const id of ["codex_other", "CODEX_OTHER", " codex-other "]) {
    const snapshot = parseRateLimitHeadersForLimit(headers, id);
    assert.equal(snapshot.limitId, "codex_other");
    assert.equal(snapshot.limitName, "Other limit");
    assert.equal(snapshot.primary?.usedPercent, 5);
  }
});

Deno.test("parseRateLimitHeadersForLimit reads the secondary window of a family", () => {
  const headers = new Headers({
    "x-codex-secondary-used-percent": "40",
    "x-codex-secondary-window-minutes": "10080",
    "x-codex-secondary-reset-at": "1704074400",
  });

  const snapshot = parseRateLimitHeadersForLimit(headers, "codex");

  assert.equal(snapshot.primary, null);
  assert.deepEqual(snapshot.secondary, {
    usedPercent: 40,
    windowMinutes: 10080,
    resetsAt: 1704074400,
  });
});

Deno.test("parseRateLimitHeadersForLimit drops a window whose percent is NaN, infinite or not a number", () => {
  for (
    const percent of ["NaN", "nan", "inf", "Infinity", "-inf", "1e999", "abc", "", "0x10", "12%"]
  ) {
    const headers = new Headers({
      "x-codex-primary-used-percent": percent,
      "x-codex-primary-window-minutes": "60",
      "x-codex-primary-reset-at": "1704069000",
    });
    assert.equal(parseRateLimitHeadersForLimit(headers, "codex").primary, null, percent);
  }
});

Deno.test("parseRateLimitHeadersForLimit accepts percents written as Rust floats", () => {
  for (const [text, value] of [["50", 50], ["12.5", 12.5], ["1e1", 10], [".5", 0.5], ["5.", 5]]) {
    const headers = new Headers({ "x-codex-primary-used-percent": String(text) });
    assert.equal(parseRateLimitHeadersForLimit(headers, "codex").primary?.usedPercent, value);
  }
});

Deno.test("parseRateLimitHeadersForLimit keeps a zero-percent window only when it has minutes or a reset time", () => {
  const read = (extra: Record<string, string>) =>
    parseRateLimitHeadersForLimit(
      new Headers({ "x-codex-primary-used-percent": "0", ...extra }),
      "codex",
    ).primary;

  assert.equal(read({}), null);
  assert.equal(read({ "x-codex-primary-window-minutes": "0" }), null);
  assert.equal(read({ "x-codex-primary-window-minutes": "sixty" }), null);
  assert.equal(read({ "x-codex-primary-reset-at": "soon" }), null);
  assert.deepEqual(read({ "x-codex-primary-window-minutes": "60" }), {
    usedPercent: 0,
    windowMinutes: 60,
    resetsAt: null,
  });
  assert.deepEqual(read({ "x-codex-primary-reset-at": "0" }), {
    usedPercent: 0,
    windowMinutes: null,
    resetsAt: 0,
  });
});

Deno.test("parseRateLimitHeadersForLimit leaves unparseable minutes and reset times null", () => {
  const headers = new Headers({
    "x-codex-primary-used-percent": "30",
    "x-codex-primary-window-minutes": "1.5",
    "x-codex-primary-reset-at": "99999999999999999999",
  });

  assert.deepEqual(parseRateLimitHeadersForLimit(headers, "codex").primary, {
    usedPercent: 30,
    windowMinutes: null,
    resetsAt: null,
  });
});

Deno.test("parseRateLimitHeadersForLimit reads credit booleans as true/false/1/0 in any case", () => {
  const cases: [string, string, boolean, boolean][] = [
    ["true", "false", true, false],
    ["TRUE", "False", true, false],
    ["1", "0", true, false],
    ["0", "1", false, true],
  ];
  for (const [hasCredits, unlimited, expectedHas, expectedUnlimited] of cases) {
    const headers = new Headers({
      "x-codex-credits-has-credits": hasCredits,
      "x-codex-credits-unlimited": unlimited,
      "x-codex-credits-balance": "42",
    });
    assert.deepEqual(parseRateLimitHeadersForLimit(headers, "codex").credits, {
      hasCredits: expectedHas,
      unlimited: expectedUnlimited,
      balance: "42",
    });
  }
});

Deno.test("parseRateLimitHeadersForLimit has no credits unless both booleans parse", () => {
  const cases: Record<string, string>[] = [
    { "x-codex-credits-has-credits": "yes", "x-codex-credits-unlimited": "false" },
    { "x-codex-credits-has-credits": "true", "x-codex-credits-unlimited": "2" },
    { "x-codex-credits-has-credits": "true" },
    { "x-codex-credits-unlimited": "true", "x-codex-credits-balance": "5" },
  ];
  for (const values of cases) {
    assert.equal(parseRateLimitHeadersForLimit(new Headers(values), "codex").credits, null);
  }
});

Deno.test("parseRateLimitHeadersForLimit trims the credit balance and reads a blank one as null", () => {
  const read = (balance: string) =>
    parseRateLimitHeadersForLimit(
      new Headers({
        "x-codex-credits-has-credits": "true",
        "x-codex-credits-unlimited": "false",
        "x-codex-credits-balance": balance,
      }),
      "codex",
    ).credits?.balance;

  assert.equal(read(" 123.50 "), "123.50");
  assert.equal(read(""), null);
  assert.equal(read("   "), null);
});

Deno.test("parseRateLimitHeadersForLimit reads a blank limit name as null and never sets a plan", () => {
  const headers = new Headers({
    "x-codex-limit-name": "   ",
    "x-codex-plan-type": "pro",
    "x-codex-primary-used-percent": "1",
  });

  const snapshot = parseRateLimitHeadersForLimit(headers, "codex");

  assert.equal(snapshot.limitName, null);
  assert.equal(snapshot.planType, null);
});

Deno.test("parseRateLimitHeaders always starts with codex and lists unique sorted families (property)", () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
  const value = fc.oneof(
    fc.constantFrom("0", "1", "12.5", "NaN", "inf", "", "true", "x"),
    fc.double().map(String),
  );
  fc.assert(
    fc.property(fc.dictionary(name, value), fc.array(name), (pairs, families) => {
      const headers = new Headers();
      for (const [key, text] of Object.entries(pairs)) headers.set(`x-${key}`, text);
      for (const family of families) headers.set(`x-${family}-primary-used-percent`, "5");

      const ids = parseRateLimitHeaders(headers).map((snapshot) => snapshot.limitId);

      assert.equal(ids[0], "codex");
      const extra = ids.slice(1);
      assert.deepEqual(extra, [...new Set(extra)].sort());
      assert.ok(!extra.includes("codex"));
    }),
  );
});
