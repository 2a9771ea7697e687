// Hostile loopback servers and leak checks for the hardening tests.

import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import type { CodexWireError } from "../lib/errors/codex_wire_error.ts";
import type { ResponseEvent } from "../lib/responses/response_event.ts";
import type { Telemetry } from "../lib/telemetry/telemetry.ts";

/** A planted secret that must never be shown. */
export const SECRET = "sk-planted-SECRET-4f9c2";

export interface HostileServer extends AsyncDisposable {
  url: string;
  /** Requests (or, for a silent server, connections) received. */
  readonly hits: number;
}

/**
 * A Deno.serve server; `stall()` gives a body that sends `first` and then nothing, until
 * the client goes away or the server closes.
 */
export function startServer(
  handler: (request: Request, stall: (first?: string | Uint8Array) => ReadableStream) => Response,
): HostileServer {
  let hits = 0;
  const stalled = new Set<ReadableStreamDefaultController>();
  const stall = (first?: string | Uint8Array): ReadableStream => {
    let own: ReadableStreamDefaultController;
    return new ReadableStream({
      start(controller) {
        own = controller;
        stalled.add(controller);
        if (first !== undefined) {
          controller.enqueue(typeof first === "string" ? new TextEncoder().encode(first) : first);
        }
      },
      cancel() {
        stalled.delete(own);
      },
    });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    hits++;
    await request.body?.cancel();
    return handler(request, stall);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    get hits() {
      return hits;
    },
    async [Symbol.asyncDispose]() {
      for (const controller of stalled) {
        try {
          controller.close();
        } catch {
          // Already closed by a cancel.
        }
      }
      await server.shutdown();
    },
  };
}

/**
 * A body that sends one byte of `text` every `everyMs` milliseconds, forever (it starts
 * again at the end), until cancelled or `signal` fires: never silent long enough for a
 * per-chunk timeout.
 */
export function trickle(
  text: string,
  everyMs: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (signal.aborted) {
            controller.close();
            resolve();
            return;
          }
          controller.enqueue(bytes.slice(at, at + 1));
          at = (at + 1) % bytes.length;
          resolve();
        }, everyMs);
      });
    },
    cancel() {
      clearTimeout(timer);
    },
  }, { highWaterMark: 0 });
}

/** A TCP server that reads every request and never answers. */
export function startSilentServer(): HostileServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections = new Set<Deno.Conn>();
  const reads: Promise<void>[] = [];
  let hits = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      hits++;
      connections.add(conn);
      reads.push((async () => {
        const buffer = new Uint8Array(64 * 1024);
        try {
          while ((await conn.read(buffer)) !== null) { /* swallow the request */ }
        } catch {
          // Closed under us at shutdown.
        }
        connections.delete(conn);
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      })());
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1`,
    get hits() {
      return hits;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of connections) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await accepting;
      await Promise.all(reads);
    },
  };
}

/** Fails when `promise` does not settle within `ms`; never leaves a timer behind. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Captures every LogTape record of codexwire (from trace up) until disposed. */
export async function captureLogs(): Promise<{ records: LogRecord[] } & AsyncDisposable> {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { memory: (record: LogRecord) => records.push(record) },
    loggers: [
      { category: ["codexwire"], lowestLevel: "trace", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  return {
    records,
    async [Symbol.asyncDispose]() {
      await reset();
    },
  };
}

/** Telemetry that keeps everything it is told. */
export function recordingTelemetry(): Telemetry & { seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    seen,
    onRequest: (info) => seen.push(info),
    onRetry: (info) => seen.push(info),
    onSseEvent: (info) => seen.push(info),
  };
}

/** Everything a user could see of an outcome, as one text. */
export function shownText(outputs: {
  error?: CodexWireError;
  events?: readonly ResponseEvent[];
  records?: readonly LogRecord[];
  telemetry?: readonly unknown[];
}): string {
  const parts: string[] = [];
  const { error } = outputs;
  if (error !== undefined) {
    parts.push(error.message, JSON.stringify(error), String(error.stack));
    const cause = error.cause;
    if (cause instanceof Error) parts.push(cause.message, String(cause.stack));
    else if (cause !== undefined) parts.push(String(cause));
    error.headers?.forEach((value, name) => parts.push(`${name}: ${value}`));
  }
  for (const event of outputs.events ?? []) parts.push(JSON.stringify(event));
  for (const record of outputs.records ?? []) {
    parts.push(record.message.map(String).join(""), JSON.stringify(record.properties));
    for (const value of Object.values(record.properties)) {
      if (value instanceof Error) parts.push(value.message, String(value.cause));
    }
  }
  for (const info of outputs.telemetry ?? []) parts.push(JSON.stringify(info));
  return parts.join("\n");
}

/** Asserts the planted secret appears in none of the outputs. */
export function assertNoSecret(outputs: Parameters<typeof shownText>[0]): void {
  const text = shownText(outputs);
  assert(!text.includes(SECRET), `the secret leaked into:\n${text}`);
}
