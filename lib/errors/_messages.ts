/**
 * Error messages shared by the classifiers. Texts quoted from Codex keep its wording and
 * final period; our own follow the std grammar (sentence case, no period, a next step).
 *
 * @module
 */

/** Codex's text for `insufficient_quota`. */
export const QUOTA_EXCEEDED_MESSAGE = "Quota exceeded. Check your plan and billing details.";
/** Codex's text for `server_is_overloaded` / `slow_down`. */
export const SERVER_OVERLOADED_MESSAGE =
  "Selected model is at capacity. Please try a different model.";
/** Codex's fallback for an `invalid_prompt` failure without a message. */
export const INVALID_REQUEST_MESSAGE = "Invalid request.";
/** Codex's fallback for a blank `cyber_policy` message. */
export const CYBER_POLICY_MESSAGE =
  "This request has been flagged for possible cybersecurity risk.";
/** Our fallback for a blank `misalignment_policy_violation` message. */
export const MISALIGNMENT_POLICY_MESSAGE =
  "This request was refused under the usage policies: change the request and try again";
/** Codex's text for an HTTP 403 that Cloudflare blocked. */
export const CLOUDFLARE_BLOCKED_MESSAGE =
  "Request blocked by Cloudflare: check your network, VPN or proxy, then try again";
/** Codex's text for a `response.failed` event without a parseable `error`. */
export const RESPONSE_FAILED_MESSAGE = "response.failed event received";
/** Codex's fallback for a `previous_response_not_found` frame without a message. */
export const PREVIOUS_RESPONSE_NOT_FOUND_MESSAGE =
  "Previous response was not found. Retrying the full request.";
/** Codex's fallback for a `websocket_connection_limit_reached` frame without a message. */
export const WEBSOCKET_CONNECTION_LIMIT_MESSAGE =
  "Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.";
/** Our fallback for a context-window failure without a message. */
export const CONTEXT_WINDOW_EXCEEDED_MESSAGE =
  "Input exceeds the model's context window: shorten the input or start a new conversation";
/** Our fallback for a usage-not-included failure without a message. */
export const USAGE_NOT_INCLUDED_MESSAGE =
  "Usage is not included in your plan: upgrade the plan or use an API key";

/**
 * The server's message when it says something, else the fallback.
 *
 * @param message The server's message, if any.
 * @param fallback The text to use when the message is missing or blank.
 * @returns The message to show.
 */
export function messageOr(message: string | null | undefined, fallback: string): string {
  return message && message.trim() !== "" ? message : fallback;
}
