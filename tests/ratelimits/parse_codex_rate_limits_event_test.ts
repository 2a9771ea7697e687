import assert from "node:assert/strict";
import { parseCodexRateLimitsEvent } from "../../lib/ratelimits/parse_codex_rate_limits_event.ts";

// The `codex.rate_limits` WebSocket event of spec §3.3.

const SPEC_EXAMPLE = {
  type: "codex.rate_limits",
  plan_type: "plus",
  rate_limits: {
    allowed: true,
    limit_reached: false,
    primary: { used_percent: 42, window_minutes: 60, reset_at: 1700000000 },
    secondary: null,
  },
  code_review_rate_limits: null,
  credits: { has_credits: true, unlimited: false, balance: "123" },
  promo: null,
  metered_limit_name: "codex",
};

Deno.test("parseCodexRateLimitsEvent maps the spec example to a snapshot", () => {
  assert.deepEqual(parseCodexRateLimitsEvent(SPEC_EXAMPLE), {
    limitId: "codex",
    limitName: null,
    primary: { usedPercent: 42, windowMinutes: 60, resetsAt: 1700000000 },
    secondary: null,
    credits: { hasCredits: true, unlimited: false, balance: "123" },
    planType: "plus",
  });
});

Deno.test("parseCodexRateLimitsEvent renames reset_at to resetsAt in both windows", () => {
  const snapshot = parseCodexRateLimitsEvent({
    type: "codex.rate_limits",
    rate_limits: {
      primary: { used_percent: 12.5, window_minutes: null, reset_at: 1 },
      secondary: { used_percent: 40, window_minutes: 10080 },
    },
  });

  assert.deepEqual(snapshot?.primary, { usedPercent: 12.5, windowMinutes: null, resetsAt: 1 });
  assert.deepEqual(snapshot?.secondary, { usedPercent: 40, windowMinutes: 10080, resetsAt: null });
});

Deno.test("parseCodexRateLimitsEvent takes the id from metered_limit_name, then limit_name, normalised", () => {
  const idOf = (fields: Record<string, unknown>) =>
    parseCodexRateLimitsEvent({ type: "codex.rate_limits", ...fields })?.limitId;

  assert.equal(idOf({ metered_limit_name: " Codex-Other ", limit_name: "ignored" }), "codex_other");
  assert.equal(idOf({ limit_name: "CODEX-BENGALFOX" }), "codex_bengalfox");
  assert.equal(idOf({ metered_limit_name: null, limit_name: "codex_x" }), "codex_x");
  assert.equal(idOf({}), "codex");
  assert.equal(idOf({ metered_limit_name: "  " }), "codex");
});

Deno.test("parseCodexRateLimitsEvent leaves limitName null even when limit_name is sent", () => {
  const snapshot = parseCodexRateLimitsEvent({
    type: "codex.rate_limits",
    limit_name: "gpt-5.2-codex-sonic",
  });

  assert.equal(snapshot?.limitName, null);
});

Deno.test("parseCodexRateLimitsEvent maps unknown plans to unknown and a missing plan to null", () => {
  const planOf = (plan: unknown) =>
    parseCodexRateLimitsEvent({ type: "codex.rate_limits", plan_type: plan })?.planType;

  assert.equal(planOf("pro"), "pro");
  assert.equal(planOf("galaxy"), "unknown");
  assert.equal(planOf(null), null);
  assert.equal(planOf(undefined), null);
});

Deno.test("parseCodexRateLimitsEvent returns a snapshot without windows or credits when they are absent", () => {
  assert.deepEqual(parseCodexRateLimitsEvent({ type: "codex.rate_limits", rate_limits: null }), {
    limitId: "codex",
    limitName: null,
    primary: null,
    secondary: null,
    credits: null,
    planType: null,
  });
});

Deno.test("parseCodexRateLimitsEvent returns undefined for other event types", () => {
  assert.equal(parseCodexRateLimitsEvent({ type: "response.created", response: {} }), undefined);
  assert.equal(parseCodexRateLimitsEvent({ ...SPEC_EXAMPLE, type: "error" }), undefined);
  assert.equal(parseCodexRateLimitsEvent("codex.rate_limits"), undefined);
  assert.equal(parseCodexRateLimitsEvent(null), undefined);
});

Deno.test("parseCodexRateLimitsEvent drops a codex.rate_limits frame that does not deserialize", () => {
  const broken: Record<string, unknown>[] = [
    { rate_limits: { primary: { window_minutes: 60 } } },
    { rate_limits: { primary: { used_percent: "42" } } },
    { rate_limits: { primary: { used_percent: 42, reset_at: 1.5 } } },
    { credits: { has_credits: true } },
    { credits: { has_credits: "true", unlimited: false } },
    { plan_type: 7 },
    { metered_limit_name: 1 },
    { rate_limits: [] },
  ];
  for (const fields of broken) {
    assert.equal(
      parseCodexRateLimitsEvent({ ...SPEC_EXAMPLE, ...fields }),
      undefined,
      JSON.stringify(fields),
    );
  }
});
