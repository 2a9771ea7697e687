/**
 * The zod shape of the WebSocket `codex.rate_limits` event. Private: the
 * public API exposes {@linkcode RateLimitSnapshot}, never a zod type.
 *
 * The shape follows the serde structs Codex deserializes into: unknown fields are
 * ignored, optional fields may be `null` or missing, a window needs `used_percent`,
 * credits need both booleans.
 *
 * @module
 */

import { z } from "zod";

const windowSchema = z.object({
  used_percent: z.number(),
  window_minutes: z.int().nullish(),
  reset_at: z.int().nullish(),
});

/** A `codex.rate_limits` frame, as far as the snapshot needs it. */
export const CODEX_RATE_LIMITS_EVENT_SCHEMA = z.object({
  type: z.literal("codex.rate_limits"),
  plan_type: z.string().nullish(),
  rate_limits: z.object({
    primary: windowSchema.nullish(),
    secondary: windowSchema.nullish(),
  }).nullish(),
  credits: z.object({
    has_credits: z.boolean(),
    unlimited: z.boolean(),
    balance: z.string().nullish(),
  }).nullish(),
  metered_limit_name: z.string().nullish(),
  limit_name: z.string().nullish(),
});

/** The parsed frame. */
export type CodexRateLimitsEventFrame = z.infer<typeof CODEX_RATE_LIMITS_EVENT_SCHEMA>;

/** One parsed window of the frame. */
export type CodexRateLimitsEventWindow = z.infer<typeof windowSchema>;
