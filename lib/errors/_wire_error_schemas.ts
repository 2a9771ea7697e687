/**
 * The zod shapes of the error payloads the classifiers read. Private: the public API
 * takes `unknown` and returns {@linkcode CodexWireError}, never a zod type.
 *
 * Each shape follows the serde struct Codex deserializes into: unknown fields are
 * ignored, optional fields may be `null` or missing, and a field of the wrong type makes
 * the whole payload unparseable (as it does in Codex).
 *
 * @module
 */

import { z } from "zod";

/** `response.error` of a `response.failed` event. */
export const FAILED_RESPONSE_ERROR_SCHEMA = z.object({
  type: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  plan_type: z.string().nullish(),
  resets_at: z.int().nullish(),
});

/** The JSON body of a 429 answer, as far as the usage-limit mapping reads it. */
export const USAGE_ERROR_BODY_SCHEMA = z.object({
  error: z.object({
    type: z.string().nullish(),
    plan_type: z.string().nullish(),
    resets_at: z.int().nullish(),
  }),
});

const STATUS_SCHEMA = z.int().min(0).max(65_535);

/** A WebSocket `{"type":"error", …}` frame. */
export const WRAPPED_WEBSOCKET_ERROR_SCHEMA = z.object({
  type: z.string(),
  status: STATUS_SCHEMA.nullish(),
  status_code: STATUS_SCHEMA.nullish(),
  error: z.object({
    code: z.string().nullish(),
    message: z.string().nullish(),
  }).nullish(),
  headers: z.record(z.string(), z.unknown()).nullish(),
});
