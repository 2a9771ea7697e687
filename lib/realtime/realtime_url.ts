/**
 * Building the realtime WebSocket URL from an API base URL, as Codex does.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { redactUrl } from "../transport/redact_url.ts";
import type { RealtimeDialect } from "./realtime_dialect.ts";

/** Options of {@linkcode realtimeWebSocketUrl}. */
export interface RealtimeUrlOptions {
  /** The wire dialect. @default {"v2"} */
  dialect?: RealtimeDialect;
  /** The model, sent as `model=`. */
  model?: string;
  /**
   * Extra query parameters (a provider's). `intent` is never copied, and `model` is not
   * copied when a model is given.
   */
  queryParams?: Readonly<Record<string, string>>;
  /**
   * Join an existing call as a sideband: `call_id=<id>` on v1/v2, a `/{id}` path segment
   * on v3. No model is sent then.
   */
  callId?: string;
}

/**
 * Builds the realtime WebSocket URL from an API base URL.
 *
 * The path is normalised: empty or `/` becomes `/v1/realtime`, a trailing `/v1` gets
 * `/realtime`, a trailing `/realtime/` loses its slash, anything else is kept. For v3 the
 * path ends in `/live` instead (`/realtime` becomes `/live`, empty or `/v1` becomes
 * `/v1/live`). `http` becomes `ws` and `https` becomes `wss`. The query keeps its pairs
 * first, then `intent=quicksilver` (v1 only), `model`, and the extra parameters.
 * `codex-session-create` uses the legacy path: `/ws` when the path is empty, no intent or
 * model.
 *
 * @param baseUrl The API base URL, such as `https://api.openai.com/v1`.
 * @param options The dialect, model, extra parameters and sideband call id.
 * @returns The `ws:` or `wss:` URL.
 * @throws {CodexWireError} With kind `usage` for a URL that does not parse or a scheme other
 * than http, https, ws or wss.
 *
 * @example Usage
 * ```ts
 * import { realtimeWebSocketUrl } from "./realtime_url.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   realtimeWebSocketUrl("http://127.0.0.1:8011", { dialect: "v1" }).href,
 *   "ws://127.0.0.1:8011/v1/realtime?intent=quicksilver",
 * );
 * assert.equal(
 *   realtimeWebSocketUrl("https://api.openai.com/v1", { model: "gpt-realtime-1.5" }).href,
 *   "wss://api.openai.com/v1/realtime?model=gpt-realtime-1.5",
 * );
 * ```
 */
export function realtimeWebSocketUrl(baseUrl: string, options: RealtimeUrlOptions = {}): URL {
  const dialect = options.dialect ?? "v2";
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new CodexWireError(
      `Cannot build a realtime URL from "${
        redactUrl(baseUrl)
      }": it is not a URL; use one such as https://api.openai.com/v1`,
      { kind: "usage", cause },
    );
  }
  const schemes: Record<string, string> = {
    "http:": "ws:",
    "https:": "wss:",
    "ws:": "ws:",
    "wss:": "wss:",
  };
  const scheme = schemes[url.protocol];
  if (scheme === undefined) {
    throw new CodexWireError(
      `Unsupported realtime api_url scheme "${
        url.protocol.replace(/:$/, "")
      }": use http, https, ws or wss`,
      { kind: "usage" },
    );
  }
  // The URL setter refuses to switch between special and non-special schemes in place, so
  // rebuild it.
  const result = new URL(`${scheme}//${url.host}${url.pathname}${url.search}`);
  result.username = url.username;
  result.password = url.password;
  result.pathname = normalisePath(url.pathname, dialect);
  if (dialect === "v3" && options.callId !== undefined) {
    result.pathname = `${result.pathname}/${encodeURIComponent(options.callId)}`;
  }

  const params = result.searchParams;
  const pairs: [string, string][] = [];
  const sideband = options.callId !== undefined;
  const model = sideband ? undefined : options.model;
  if (dialect === "v1") pairs.push(["intent", "quicksilver"]);
  if (model !== undefined && dialect !== "codex-session-create") pairs.push(["model", model]);
  for (const [name, value] of Object.entries(options.queryParams ?? {})) {
    if (dialect !== "codex-session-create" && name === "intent") continue;
    if (name === "model" && model !== undefined) continue;
    pairs.push([name, value]);
  }
  if (sideband && dialect !== "v3") pairs.push(["call_id", options.callId as string]);
  for (const [name, value] of pairs) params.append(name, value);
  return result;
}

function normalisePath(path: string, dialect: RealtimeDialect): string {
  if (dialect === "codex-session-create") return path === "" || path === "/" ? "/ws" : path;
  const tail = dialect === "v3" ? "live" : "realtime";
  if (path === "" || path === "/") return `/v1/${tail}`;
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  if (dialect === "v3") {
    if (trimmed.endsWith("/live")) return trimmed;
    if (trimmed.endsWith("/realtime")) return `${trimmed.slice(0, -"/realtime".length)}/live`;
    if (trimmed.endsWith("/v1")) return `${trimmed}/live`;
    return path;
  }
  if (trimmed.endsWith("/realtime")) return trimmed;
  if (trimmed.endsWith("/v1")) return `${trimmed}/realtime`;
  return path;
}
