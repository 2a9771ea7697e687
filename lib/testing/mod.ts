/**
 * Test doubles for the Responses wire protocol: SSE encoding, wire event builders and
 * a scripted mock server. Re-exported by the package's `./testing` entry.
 *
 * @module
 */

export * from "./sse_encoding.ts";
export * from "./response_event_builders.ts";
export * from "./mock_responses_server.ts";
export * from "./rate_limit_headers.ts";
export * from "./error_response.ts";
export * from "./mock_responses_ws_server.ts";
export * from "./realtime_mock_server.ts";
