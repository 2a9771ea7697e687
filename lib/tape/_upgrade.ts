// The server side of a WebSocket upgrade for the capture proxy and the replay server, with
// the subprotocol chosen by us: the runtime's own choice (`Deno.upgradeWebSocket`'s
// `protocol`) finds it only in an offer written "a, b", and refuses "a,b".

/**
 * Upgrades a request, answering with `protocol` (already picked from the client's offer).
 *
 * @param request The upgrade request.
 * @param protocol The subprotocol to answer with, or `undefined` for none.
 * @returns The server socket and the 101 response.
 */
export function upgradeWithProtocol(
  request: Request,
  protocol: string | undefined,
): { socket: WebSocket; response: Response } {
  const upgraded = Deno.upgradeWebSocket(request);
  if (protocol !== undefined && protocol !== "") {
    upgraded.response.headers.set("sec-websocket-protocol", protocol);
  }
  return upgraded;
}

/**
 * The subprotocols a client offered, in order, however the commas are spaced.
 *
 * @param request The upgrade request.
 * @returns The offered subprotocols.
 */
export function offeredProtocols(request: Request): string[] {
  return (request.headers.get("sec-websocket-protocol") ?? "")
    .split(",").map((p) => p.trim()).filter((p) => p !== "");
}
