import assert from "node:assert/strict";
import {
  mergeRateLimitSnapshot,
  type RateLimitSnapshot,
  toPlanType,
} from "../../lib/ratelimits/rate_limit_snapshot.ts";

// The session merge rule of spec §3.5.

const HELD: RateLimitSnapshot = {
  limitId: "codex",
  limitName: "Codex",
  primary: { usedPercent: 10, windowMinutes: 300, resetsAt: 1 },
  secondary: { usedPercent: 20, windowMinutes: 10080, resetsAt: 2 },
  credits: { hasCredits: true, unlimited: false, balance: "5" },
  planType: "plus",
};

Deno.test("mergeRateLimitSnapshot lets the new snapshot replace the windows and name of the held one", () => {
  const next: RateLimitSnapshot = {
    limitId: "codex",
    limitName: null,
    primary: { usedPercent: 55, windowMinutes: 300, resetsAt: 3 },
    secondary: null,
    credits: { hasCredits: false, unlimited: false, balance: null },
    planType: "pro",
  };

  assert.deepEqual(mergeRateLimitSnapshot(HELD, next), next);
});

Deno.test("mergeRateLimitSnapshot carries credits and plan over when the new snapshot lacks them", () => {
  const next: RateLimitSnapshot = {
    limitId: "codex",
    limitName: null,
    primary: { usedPercent: 60, windowMinutes: 300, resetsAt: 4 },
    secondary: null,
    credits: null,
    planType: null,
  };

  assert.deepEqual(mergeRateLimitSnapshot(HELD, next), {
    ...next,
    credits: HELD.credits,
    planType: "plus",
  });
});

Deno.test("mergeRateLimitSnapshot reads a missing limit id as codex", () => {
  const next: RateLimitSnapshot = { ...HELD, limitId: "" };

  assert.equal(mergeRateLimitSnapshot(undefined, next).limitId, "codex");
});

Deno.test("mergeRateLimitSnapshot without a held snapshot keeps null credits and plan", () => {
  const next: RateLimitSnapshot = { ...HELD, credits: null, planType: null };

  const merged = mergeRateLimitSnapshot(undefined, next);

  assert.equal(merged.credits, null);
  assert.equal(merged.planType, null);
});

Deno.test("toPlanType keeps known plans and maps anything else to unknown", () => {
  for (const plan of ["free", "go", "plus", "pro", "team", "business", "enterprise", "edu"]) {
    assert.equal(toPlanType(plan), plan);
  }
  assert.equal(toPlanType("Pro"), "unknown");
  assert.equal(toPlanType(""), "unknown");
});
