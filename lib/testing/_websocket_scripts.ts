/**
 * The scripted WebSocket connections of the mock servers (private to `lib/testing`).
 *
 * @module
 */

import type {
  MockWebSocketConnection,
  MockWebSocketControlFrame,
  MockWebSocketFrame,
  MockWebSocketScripts,
  RecordedWebSocketConnection,
} from "./mock_responses_ws_server.ts";
import { type Pacing, toPacing, waitForPacing } from "../tape/pacing.ts";
import { parseJsonOrUndefined, recordRequest } from "./_recording.ts";
import { mockJsonError } from "./_mock_error.ts";

type Step =
  | { kind: "text"; data: string; pacing: Pacing }
  | { kind: "binary"; data: Uint8Array<ArrayBuffer>; pacing: Pacing }
  | { kind: "close"; code: number; reason: string; pacing: Pacing };

interface ConnectionScript {
  status: number | undefined;
  body: string | undefined;
  headers: Headers;
  accept: Pacing;
  onOpen: Step[];
  responses: Step[][];
  closeAfterRequests: number | undefined;
}

/**
 * The scripted WebSocket side of a mock server: a queue of connection scripts, the upgrade
 * of each handshake, the answers to client frames, and the record of it all. A server
 * hands it the requests to upgrade.
 */
export class WebSocketScripts implements MockWebSocketScripts {
  readonly connections: RecordedWebSocketConnection[] = [];
  #queue: ConnectionScript[] = [];
  #closing = new AbortController();
  #sockets = new Set<{ socket: WebSocket; closed: Promise<void> }>();
  #hint: () => string;

  /**
   * Creates an empty queue.
   *
   * @param hint Where clients should connect, for error messages.
   */
  constructor(hint: () => string) {
    this.#hint = hint;
  }

  get requests(): unknown[] {
    return this.connections.flatMap((connection) => connection.frames.map((frame) => frame.json));
  }

  get pendingConnections(): number {
    return this.#queue.length;
  }

  enqueue(...connections: MockWebSocketConnection[]): void {
    const scripts = connections.map((connection, index) => toScript(connection, index));
    this.#queue.push(...scripts);
  }

  /** Closes every open connection (code 1001) and waits until they are closed. */
  async close(): Promise<void> {
    this.#closing.abort();
    for (const { socket } of this.#sockets) {
      if (socket.readyState === WebSocket.OPEN) socket.close(1001, "mock server closing");
    }
    await Promise.all([...this.#sockets].map(({ closed }) => closed));
  }

  /**
   * Answers one request on the responses path: the next scripted connection's upgrade,
   * a refusal, or an error when it is not an upgrade or nothing is queued.
   *
   * @param request The request.
   * @returns The answer.
   */
  async handle(request: Request): Promise<Response> {
    const record: RecordedWebSocketConnection = {
      handshake: recordRequest(request, new Uint8Array()),
      accepted: false,
      frames: [],
    };
    this.connections.push(record);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return mockJsonError(
        426,
        "mock_upgrade_required",
        `The mock responses WebSocket server only upgrades: connect to ${this.#hint()}`,
      );
    }
    const script = this.#queue.shift();
    if (script === undefined) {
      return mockJsonError(
        500,
        "mock_queue_empty",
        `No scripted connection is left (handshake ${this.connections.length}): enqueue one more with server.enqueue()`,
      );
    }
    const signal = this.#closing.signal;
    if (!await waitForPacing(script.accept, signal).catch(() => false)) {
      return mockJsonError(503, "mock_closing", "The mock server is closing");
    }
    if (script.status !== undefined) {
      return new Response(script.body ?? null, { status: script.status, headers: script.headers });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    script.headers.forEach((value, name) => response.headers.set(name, value));
    record.accepted = true;
    this.#serve(socket, script, record);
    return response;
  }

  #serve(socket: WebSocket, script: ConnectionScript, record: RecordedWebSocketConnection): void {
    const gone = new AbortController();
    const signal = AbortSignal.any([this.#closing.signal, gone.signal]);
    const closed = Promise.withResolvers<void>();
    const entry = { socket, closed: closed.promise };
    this.#sockets.add(entry);
    let answered = 0;
    let chain = Promise.resolve();
    const run = (steps: readonly Step[]) => {
      chain = chain.then(() => play(socket, steps, signal));
    };
    socket.onopen = () => run(script.onOpen);
    socket.onmessage = (event) => {
      const text = typeof event.data === "string"
        ? event.data
        : new TextDecoder().decode(event.data as ArrayBuffer);
      record.frames.push({ text, json: parseJsonOrUndefined(text) });
      const index = answered++;
      run(script.responses[index] ?? queueEmptySteps(index));
      if (script.closeAfterRequests !== undefined && answered === script.closeAfterRequests) {
        run([{ kind: "close", code: 1000, reason: "", pacing: { delayMs: 0, gate: undefined } }]);
      }
    };
    socket.onclose = (event) => {
      record.closed = { code: event.code, reason: event.reason };
      gone.abort();
      this.#sockets.delete(entry);
      closed.resolve();
    };
    socket.onerror = () => {};
  }
}

async function play(socket: WebSocket, steps: readonly Step[], signal: AbortSignal): Promise<void> {
  for (const step of steps) {
    try {
      if (!await waitForPacing(step.pacing, signal)) return;
    } catch {
      // A rejected gate breaks the connection off, as it breaks an SSE body off.
      if (socket.readyState === WebSocket.OPEN) socket.close(1011, "mock gate rejected");
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    if (step.kind === "close") {
      socket.close(step.code, step.reason);
      return;
    }
    socket.send(step.data);
  }
}

function queueEmptySteps(index: number): Step[] {
  return [{
    kind: "text",
    data: JSON.stringify({
      type: "error",
      status: 500,
      error: {
        type: "mock_server_error",
        code: "mock_queue_empty",
        message:
          `No scripted response is left for client frame ${index} on this connection: add one to responses`,
      },
    }),
    pacing: { delayMs: 0, gate: undefined },
  }];
}

function toScript(connection: MockWebSocketConnection, index: number): ConnectionScript {
  const where = `Cannot enqueue mock WebSocket connection ${index}`;
  const { status } = connection;
  if (
    status !== undefined &&
    (!Number.isInteger(status) || status < 100 || status > 599 || status === 101)
  ) {
    throw new RangeError(
      `${where}: status must be an integer from 100 to 599 other than 101, got ${status}`,
    );
  }
  const { closeAfterRequests } = connection;
  if (
    closeAfterRequests !== undefined &&
    (!Number.isInteger(closeAfterRequests) || closeAfterRequests < 1)
  ) {
    throw new RangeError(
      `${where}: closeAfterRequests must be a positive integer, got ${closeAfterRequests}`,
    );
  }
  return {
    status,
    body: connection.body,
    headers: new Headers(connection.headers),
    accept: toPacing(
      { delayMs: connection.acceptDelayMs, gate: connection.acceptGate },
      `${where}, accept`,
    ),
    onOpen: (connection.onOpen ?? []).map((frame, i) => toStep(frame, `${where}, onOpen ${i}`)),
    responses: (connection.responses ?? []).map((frames, r) =>
      frames.map((frame, i) => toStep(frame, `${where}, response ${r} frame ${i}`))
    ),
    closeAfterRequests,
  };
}

function toStep(frame: MockWebSocketFrame, where: string): Step {
  if (typeof frame !== "object" || frame === null) {
    throw new TypeError(`${where}: a frame must be a wire event or a control frame object`);
  }
  if (typeof (frame as { type?: unknown }).type === "string") {
    return { kind: "text", data: JSON.stringify(frame), pacing: { delayMs: 0, gate: undefined } };
  }
  const control = frame as MockWebSocketControlFrame;
  const set = [control.event, control.text, control.binary, control.close]
    .filter((value) => value !== undefined).length;
  if (set !== 1) {
    throw new TypeError(
      `${where}: a frame without a string type must set exactly one of event, text, binary, close`,
    );
  }
  const pacing = toPacing(control, where);
  if (control.event !== undefined) {
    if (typeof control.event.type !== "string") {
      throw new TypeError(`${where}: event must have a string type`);
    }
    return { kind: "text", data: JSON.stringify(control.event), pacing };
  }
  if (control.text !== undefined) return { kind: "text", data: control.text, pacing };
  if (control.binary !== undefined) {
    return { kind: "binary", data: control.binary.slice(), pacing };
  }
  const code = control.close!.code ?? 1000;
  if (code !== 1000 && (code < 3000 || code > 4999)) {
    throw new RangeError(`${where}: a close code must be 1000 or 3000–4999, got ${code}`);
  }
  return { kind: "close", code, reason: control.close!.reason ?? "", pacing };
}
