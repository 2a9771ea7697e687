/**
 * Request recording shared by the scripted mock servers (private to `lib/testing`).
 *
 * @module
 */

import type { RecordedRequest } from "./mock_responses_server.ts";

/**
 * Records a request as the mocks show it.
 *
 * @param request The request (its body is not read here).
 * @param body The body, already read and decoded (empty for a WebSocket handshake).
 * @returns The record.
 */
export function recordRequest(request: Request, body: Uint8Array): RecordedRequest {
  // The copies and parses are made when a test first reads them: a bench sends thousands
  // of requests that nobody reads, on a machine it shares with the client it measures.
  const url = request.url;
  const sent = request.headers;
  // A served request's headers cannot be read once it is answered: their pairs are kept.
  const pairs: [string, string][] = [];
  sent.forEach((value, name) => pairs.push([name, value]));
  let path: string | undefined;
  let headers: Headers | undefined;
  let bodyText: string | undefined;
  let json: { value: unknown } | undefined;
  const record: RecordedRequest = {
    method: request.method,
    url,
    get path(): string {
      return path ??= new URL(url).pathname;
    },
    get headers(): Headers {
      return headers ??= new Headers(pairs);
    },
    body,
    get bodyText(): string {
      return bodyText ??= new TextDecoder().decode(body);
    },
    get json(): unknown {
      const text = this.bodyText;
      json ??= { value: text === "" ? undefined : parseJsonOrUndefined(text) };
      return json.value;
    },
    contentEncoding: sent.get("content-encoding"),
  };
  // Printed with its values, not as getters, when a test logs it.
  Object.defineProperty(record, Symbol.for("Deno.customInspect"), {
    value: (inspect: (value: unknown, options: unknown) => string, options: unknown) =>
      inspect({ ...record }, options),
  });
  return record;
}

/**
 * Parses JSON text.
 *
 * @param text The text.
 * @returns The value, or `undefined` when the text is not JSON.
 */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
