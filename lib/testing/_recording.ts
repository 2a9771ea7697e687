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
  const bodyText = new TextDecoder().decode(body);
  return {
    method: request.method,
    url: request.url,
    path: new URL(request.url).pathname,
    headers: new Headers(request.headers),
    body,
    bodyText,
    json: bodyText === "" ? undefined : parseJsonOrUndefined(bodyText),
    contentEncoding: request.headers.get("content-encoding"),
  };
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
