/**
 * The realtime dialects Codex speaks, their voices, default voices and default models.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";

/**
 * A realtime wire dialect.
 *
 * - `v2`: the public GA Realtime API (`/v1/realtime`), the default.
 * - `v1`: "quicksilver" (`intent=quicksilver`, `openai-alpha: quicksilver=v1`).
 * - `v3`: the frameless `/v1/live` dialect (`openai-alpha: quicksilver=v2`).
 * - `codex-session-create`: Codex's original transport: `session.create` with the backend
 *   prompt and an optional conversation id, legacy audio and text shapes.
 */
export type RealtimeDialect = "v2" | "v1" | "v3" | "codex-session-create";

/** Every dialect, in the order help texts list them. */
export const REALTIME_DIALECTS: readonly RealtimeDialect[] = [
  "v2",
  "v1",
  "v3",
  "codex-session-create",
];

/** The voices of the quicksilver dialects (v1 and v3). */
export const QUICKSILVER_VOICES: readonly string[] = [
  "juniper",
  "maple",
  "spruce",
  "ember",
  "vale",
  "breeze",
  "arbor",
  "sol",
  "cove",
];

/** The voices of the GA Realtime API (v2). */
export const GA_REALTIME_VOICES: readonly string[] = [
  "alloy",
  "ash",
  "ballad",
  "coral",
  "echo",
  "sage",
  "shimmer",
  "verse",
  "marin",
  "cedar",
];

/** The model of a v2 session when none is given. */
export const DEFAULT_V2_MODEL = "gpt-realtime-1.5";
/** The model of a v3 session when none is given. */
export const DEFAULT_V3_MODEL = "gpt-live-1-codex";

/**
 * The voices a dialect accepts, or `undefined` when it takes no voice
 * (`codex-session-create`).
 *
 * @param dialect The dialect.
 * @returns The voice names.
 *
 * @example Usage
 * ```ts
 * import { realtimeVoices } from "./realtime_dialect.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(realtimeVoices("v2")?.includes("marin"));
 * assert.ok(realtimeVoices("v3")?.includes("cove"));
 * ```
 */
export function realtimeVoices(dialect: RealtimeDialect): readonly string[] | undefined {
  if (dialect === "v2") return GA_REALTIME_VOICES;
  if (dialect === "v1" || dialect === "v3") return QUICKSILVER_VOICES;
  return undefined;
}

/**
 * The default voice of a dialect: `marin` for v2, `cove` for v1 and v3.
 *
 * @param dialect The dialect.
 * @returns The voice, or `undefined` for `codex-session-create`.
 *
 * @example Usage
 * ```ts
 * import { defaultRealtimeVoice } from "./realtime_dialect.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(defaultRealtimeVoice("v2"), "marin");
 * assert.equal(defaultRealtimeVoice("v1"), "cove");
 * ```
 */
export function defaultRealtimeVoice(dialect: RealtimeDialect): string | undefined {
  if (dialect === "v2") return "marin";
  if (dialect === "v1" || dialect === "v3") return "cove";
  return undefined;
}

/**
 * The model asked for when none is given: `gpt-realtime-1.5` for v2, `gpt-live-1-codex` for
 * v3, none for v1 and `codex-session-create`.
 *
 * @param dialect The dialect.
 * @returns The model, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { defaultRealtimeModel } from "./realtime_dialect.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(defaultRealtimeModel("v2"), "gpt-realtime-1.5");
 * assert.equal(defaultRealtimeModel("v1"), undefined);
 * ```
 */
export function defaultRealtimeModel(dialect: RealtimeDialect): string | undefined {
  if (dialect === "v2") return DEFAULT_V2_MODEL;
  if (dialect === "v3") return DEFAULT_V3_MODEL;
  return undefined;
}

/**
 * Resolves the voice of a session: the given one, checked against the dialect's list, else
 * the dialect's default.
 *
 * @param dialect The dialect.
 * @param voice The voice asked for.
 * @returns The voice to send, or `undefined` for a dialect without voices.
 * @throws {CodexWireError} With kind `usage` when the voice is not in the dialect's list.
 *
 * @example Usage
 * ```ts
 * import { resolveRealtimeVoice } from "./realtime_dialect.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveRealtimeVoice("v2", undefined), "marin");
 * assert.throws(() => resolveRealtimeVoice("v2", "cove"), /not supported for v2/);
 * ```
 */
export function resolveRealtimeVoice(
  dialect: RealtimeDialect,
  voice: string | undefined,
): string | undefined {
  const voices = realtimeVoices(dialect);
  if (voice === undefined) return defaultRealtimeVoice(dialect);
  if (voices === undefined) {
    throw new CodexWireError(
      `Realtime voice "${voice}" is not supported for ${dialect}: that dialect takes no voice; leave it out`,
      { kind: "usage" },
    );
  }
  if (!voices.includes(voice)) {
    throw new CodexWireError(
      `Realtime voice "${voice}" is not supported for ${dialect}: use one of ${voices.join(", ")}`,
      { kind: "usage" },
    );
  }
  return voice;
}

/**
 * Checks that a value names a dialect.
 *
 * @param value The value.
 * @returns Whether it is a {@linkcode RealtimeDialect}.
 *
 * @example Usage
 * ```ts
 * import { isRealtimeDialect } from "./realtime_dialect.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isRealtimeDialect("v3"), true);
 * assert.equal(isRealtimeDialect("v4"), false);
 * ```
 */
export function isRealtimeDialect(value: unknown): value is RealtimeDialect {
  return typeof value === "string" && (REALTIME_DIALECTS as readonly string[]).includes(value);
}
