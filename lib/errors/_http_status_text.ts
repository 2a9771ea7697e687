/**
 * Reason phrases for the HTTP statuses an API answer is likely to carry, so messages can
 * say "HTTP 429 Too Many Requests" without a runtime-specific import.
 *
 * @module
 */

const STATUS_TEXT: ReadonlyMap<number, string> = new Map([
  [400, "Bad Request"],
  [401, "Unauthorized"],
  [402, "Payment Required"],
  [403, "Forbidden"],
  [404, "Not Found"],
  [405, "Method Not Allowed"],
  [406, "Not Acceptable"],
  [408, "Request Timeout"],
  [409, "Conflict"],
  [410, "Gone"],
  [413, "Content Too Large"],
  [415, "Unsupported Media Type"],
  [422, "Unprocessable Content"],
  [426, "Upgrade Required"],
  [429, "Too Many Requests"],
  [500, "Internal Server Error"],
  [501, "Not Implemented"],
  [502, "Bad Gateway"],
  [503, "Service Unavailable"],
  [504, "Gateway Timeout"],
]);

/**
 * "HTTP 429 Too Many Requests", or "HTTP 599" for a status without a known phrase.
 *
 * @param status The HTTP status.
 * @returns The status with its reason phrase.
 */
export function describeStatus(status: number): string {
  const text = STATUS_TEXT.get(status);
  return text === undefined ? `HTTP ${status}` : `HTTP ${status} ${text}`;
}
