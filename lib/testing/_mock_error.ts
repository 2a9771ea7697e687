// The JSON error answer of the mock servers, in the API's `{"error":{…}}` shape.

/**
 * A JSON error answer of a mock server: `{"error":{"message","type":"mock_server_error","code"}}`.
 *
 * @param status The HTTP status.
 * @param code The error code (`mock_not_found`, `mock_queue_empty`, …).
 * @param message What went wrong and what to do.
 * @param headers More response headers.
 * @returns The response.
 */
export function mockJsonError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { error: { message, type: "mock_server_error", code } },
    { status, headers },
  );
}
