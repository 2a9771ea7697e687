/**
 * The plumbing the in-process servers share: `Deno.serve` on 127.0.0.1 without the listen
 * banner, and a `close()` that runs once (however often it is called) in the order
 * "let the owner end its sockets, stop the server and wait for its handlers, then let the
 * owner finish".
 *
 * @module
 */

import { abortableSleep } from "../transport/backoff.ts";

/** How a {@linkcode LoopbackServer} listens and what it does around its shutdown. */
export interface LoopbackServerOptions {
  /** The port; 0 (the default) picks a free one. */
  port?: number;
  /** Turns an error a handler threw into the response the client sees. */
  onError?: (error: unknown) => Response | Promise<Response>;
  /** Runs first on close, while the server still runs (end open sockets here). */
  beforeShutdown?: () => Promise<void> | void;
  /** Runs last on close, once every handler has finished. */
  afterShutdown?: () => Promise<void>;
}

/**
 * A `Deno.serve` server on 127.0.0.1 whose `close()` runs its steps once.
 *
 * @example
 * ```ts
 * const server = new LoopbackServer({}, () => new Response("hi"));
 * await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
 * await server.close();
 * ```
 */
export class LoopbackServer {
  /** The port it listens on. */
  readonly port: number;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #options: LoopbackServerOptions;
  #closed: Promise<void> | undefined;

  constructor(options: LoopbackServerOptions, handler: Deno.ServeHandler<Deno.NetAddr>) {
    this.#options = options;
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen() {},
      ...(options.onError ? { onError: options.onError } : {}),
    }, handler);
    this.port = this.#server.addr.port;
  }

  /** Ends the owner's sockets, stops the server and waits for its handlers; once. */
  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  async #shutdown(): Promise<void> {
    await this.#options.beforeShutdown?.();
    await this.#server.shutdown();
    await this.#server.finished;
    await this.#options.afterShutdown?.();
  }
}

/**
 * Waits until `promise` settles, or `ms` milliseconds at most: how a server waits for its
 * sockets to close on shutdown without hanging on one that never answers.
 *
 * @param promise What to wait for; a rejection counts as settled.
 * @param ms The longest wait.
 *
 * @example
 * ```ts
 * await settleWithin(new Promise(() => {}), 5); // returns after 5 ms
 * ```
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([promise.catch(() => {}), abortableSleep(ms, stop.signal).catch(() => {})]);
  } finally {
    stop.abort();
  }
}
