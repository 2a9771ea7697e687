/**
 * The one pacing engine of the servers. The replay server sends body pieces with time
 * offsets, re-split by a chunking mode, at recorded speed, scaled, or at once; the scripted
 * mock servers send each piece of a script (an SSE body chunk, a WebSocket frame) after its
 * gate and then its delay. Both wait through a {@linkcode Pacer}, and every wait gives way
 * at once when the server closes or the peer goes away.
 *
 * @module
 */

import { concatBytes } from "../compression/_bytes.ts";
import { abortableSleep } from "../transport/backoff.ts";
import { MAX_TIMER_MS } from "../transport/timeout.ts";

/** A piece of a body or a message, due `atMs` after the start of its answer. */
export interface TimedPiece {
  /** The bytes. */
  bytes: Uint8Array;
  /** Milliseconds after the start (of the response, or of the frame it answers). */
  atMs: number;
}

/**
 * How a replayed body is cut into writes:
 * - `recorded`: the pieces as they arrived at record time;
 * - `bytewise`: one byte per write;
 * - `coalesce`: the whole body in one write, at the time of its last piece;
 * - `{ seed }` (`random:SEED` on the command line): cut at random points from a seeded
 *   generator, each write timed like the recorded piece its last byte came from.
 */
export type Chunking = "recorded" | "bytewise" | "coalesce" | { seed: number };

/**
 * Reads a chunking mode from its command-line form.
 *
 * @param text `recorded`, `bytewise`, `coalesce` or `random:SEED` (an integer).
 * @returns The mode.
 * @throws {TypeError} If the text is none of those.
 *
 * @example Usage
 * ```ts
 * import { parseChunking } from "./pacing.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseChunking("random:7"), { seed: 7 });
 * assert.equal(parseChunking("bytewise"), "bytewise");
 * ```
 */
export function parseChunking(text: string): Chunking {
  if (text === "recorded" || text === "bytewise" || text === "coalesce") return text;
  const match = /^random:(\d+)$/.exec(text);
  if (match !== null) return { seed: Number(match[1]) };
  throw new TypeError(
    `Unknown chunking "${text}": use recorded, bytewise, coalesce or random:SEED (SEED an integer)`,
  );
}

/**
 * Cuts timed pieces again by a chunking mode. Empty pieces are left out.
 *
 * @param pieces The pieces, in order.
 * @param chunking The mode.
 * @returns The new pieces; their bytes joined are the same as before.
 *
 * @example Bytewise
 * ```ts
 * import { rechunk } from "./pacing.ts";
 * import assert from "node:assert/strict";
 *
 * const pieces = rechunk([{ bytes: new Uint8Array([1, 2]), atMs: 5 }], "bytewise");
 * assert.deepEqual(pieces, [
 *   { bytes: new Uint8Array([1]), atMs: 5 },
 *   { bytes: new Uint8Array([2]), atMs: 5 },
 * ]);
 * ```
 */
export function rechunk(pieces: readonly TimedPiece[], chunking: Chunking): TimedPiece[] {
  const nonEmpty = pieces.filter((piece) => piece.bytes.length > 0);
  if (chunking === "recorded") return nonEmpty;
  if (nonEmpty.length === 0) return [];
  if (chunking === "coalesce") {
    return [{ bytes: concatBytes(nonEmpty.map((p) => p.bytes)), atMs: nonEmpty.at(-1)!.atMs }];
  }
  const out: TimedPiece[] = [];
  if (chunking === "bytewise") {
    for (const piece of nonEmpty) {
      for (let index = 0; index < piece.bytes.length; index++) {
        out.push({ bytes: piece.bytes.subarray(index, index + 1), atMs: piece.atMs });
      }
    }
    return out;
  }
  const all = concatBytes(nonEmpty.map((p) => p.bytes));
  const ends: number[] = [];
  let offset = 0;
  for (const piece of nonEmpty) ends.push(offset += piece.bytes.length);
  const random = seededRandom(chunking.seed);
  const average = Math.max(1, Math.round(all.length / nonEmpty.length));
  let source = 0;
  for (let start = 0; start < all.length;) {
    const size = 1 + Math.floor(random() * average * 2);
    const end = Math.min(all.length, start + size);
    while (ends[source] < end) source++;
    out.push({ bytes: all.subarray(start, end), atMs: nonEmpty[source].atMs });
    start = end;
  }
  return out;
}

/** When a scripted piece may be sent (the mock servers' pacing). */
export interface Pacing {
  /** Milliseconds to wait, counted after the gate. */
  delayMs: number;
  /** A promise that holds the piece back until it resolves; a rejection breaks the connection. */
  gate: Promise<unknown> | undefined;
}

/**
 * Checks a scripted piece's pacing fields and returns them with defaults. A gate is marked
 * handled at once: it may reject long before its piece is reached.
 *
 * @param source The `delayMs` and `gate` as scripted.
 * @param where Where the piece is, for the error message.
 * @returns The pacing.
 * @throws {RangeError} When `delayMs` is negative, not finite, or past the longest timer.
 *
 * @example Usage
 * ```ts
 * import { toPacing } from "./pacing.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(toPacing({ delayMs: 5 }, "chunk 0"), { delayMs: 5, gate: undefined });
 * assert.throws(() => toPacing({ delayMs: -1 }, "chunk 0"), RangeError);
 * ```
 */
export function toPacing(
  source: { delayMs?: number; gate?: Promise<unknown> },
  where: string,
): Pacing {
  const delayMs = source.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_TIMER_MS) {
    throw new RangeError(
      `${where}: delayMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${delayMs}`,
    );
  }
  source.gate?.catch(() => {});
  return { delayMs, gate: source.gate };
}

/**
 * Resolves when the signal fires (a server holding a body open until it closes).
 *
 * @param signal The signal.
 * @returns A promise that resolves on abort.
 *
 * @example Usage
 * ```ts
 * import { untilAborted } from "./pacing.ts";
 *
 * const controller = new AbortController();
 * const waiting = untilAborted(controller.signal);
 * controller.abort();
 * await waiting;
 * ```
 */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * Waits for due times measured from one start, scaled by a speed: `0` never waits, `1`
 * keeps the recorded timing, `2` is twice as fast (scripted pieces wait with
 * {@linkcode waitForPacing}). Every wait ends early, with `false`, when the signal fires.
 *
 * @example Usage
 * ```ts
 * import { Pacer } from "./pacing.ts";
 * import assert from "node:assert/strict";
 *
 * const pacer = new Pacer(0, new AbortController().signal);
 * assert.equal(await pacer.waitUntil(10_000), true);
 * ```
 */
export class Pacer {
  #speed: number;
  #signal: AbortSignal;
  #start: number;

  /**
   * Starts the clock.
   *
   * @param speed The speed factor (0 for no waiting).
   * @param signal Ends every wait.
   */
  constructor(speed: number, signal: AbortSignal) {
    this.#speed = speed;
    this.#signal = signal;
    this.#start = performance.now();
  }

  /**
   * Waits until `atMs` (recorded milliseconds after the start) is due.
   *
   * @param atMs The recorded offset.
   * @param extraMs More milliseconds to wait, whatever the speed (a delay fault).
   * @returns `true` when due, `false` when the signal fired first.
   */
  async waitUntil(atMs: number, extraMs = 0): Promise<boolean> {
    if (this.#signal.aborted) return false;
    const due = this.#speed === 0 ? 0 : this.#start + atMs / this.#speed - performance.now();
    const wait = Math.max(0, due) + extraMs;
    if (wait <= 0) return true;
    return await this.#sleep(wait);
  }

  #sleep(ms: number): Promise<boolean> {
    return sleepUnlessAborted(ms, this.#signal);
  }
}

/**
 * Waits for a scripted piece: its gate, then its delay, counted from when the gate opened.
 *
 * @param pacing The piece's pacing, from {@linkcode toPacing}.
 * @param signal Ends the wait.
 * @returns `true` when the piece may go, `false` when the signal fired first.
 * @throws When the gate rejects.
 *
 * @example Usage
 * ```ts
 * import { waitForPacing } from "./pacing.ts";
 * import assert from "node:assert/strict";
 *
 * const signal = new AbortController().signal;
 * assert.equal(await waitForPacing({ delayMs: 1, gate: Promise.resolve() }, signal), true);
 * ```
 */
export async function waitForPacing(pacing: Pacing, signal: AbortSignal): Promise<boolean> {
  if (pacing.gate !== undefined && !await settledUnlessAborted(pacing.gate, signal)) {
    return false;
  }
  if (pacing.delayMs > 0 && !await sleepUnlessAborted(pacing.delayMs, signal)) return false;
  return !signal.aborted;
}

// Resolves `true` after `ms`, `false` as soon as the signal fires.
async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await abortableSleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}

// Resolves `true` when `gate` resolves, `false` on abort; rejects when `gate` rejects.
function settledUnlessAborted(gate: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve, reject) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    gate.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Options of {@linkcode pacedBody}. */
export interface PacedBodyOptions {
  /** The speed factor (0 for no waiting). */
  speed: number;
  /** Stops the body (it breaks off) when it fires: the server is closing. */
  signal: AbortSignal;
  /** Extra milliseconds before the piece at an index (a delay fault). */
  delays?: ReadonlyMap<number, number>;
  /**
   * How the body ends after its last piece: `end` normally, or `break` the connection.
   *
   * @default {"end"}
   */
  ending?: "end" | "break";
}

/**
 * A response body that sends one piece per write at its due time, and stops waiting
 * when the client cancels or the server closes.
 *
 * @param pieces The pieces, in order.
 * @param options Speed, signal, delays and ending.
 * @returns The body.
 *
 * @example Usage
 * ```ts
 * import { pacedBody } from "./pacing.ts";
 * import assert from "node:assert/strict";
 *
 * const body = pacedBody([{ bytes: new TextEncoder().encode("hi"), atMs: 0 }], {
 *   speed: 0,
 *   signal: new AbortController().signal,
 * });
 * assert.equal(await new Response(body).text(), "hi");
 * ```
 */
export function pacedBody(
  pieces: readonly TimedPiece[],
  options: PacedBodyOptions,
): ReadableStream<Uint8Array> {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([options.signal, cancelled.signal]);
  let pacer: Pacer | undefined;
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      pacer ??= new Pacer(options.speed, signal);
      if (next < pieces.length) {
        const index = next++;
        const ok = await pacer.waitUntil(pieces[index].atMs, options.delays?.get(index) ?? 0);
        if (cancelled.signal.aborted) return;
        if (!ok) return controller.error(new ReplayBreak("The replay server closed"));
        return controller.enqueue(pieces[index].bytes);
      }
      if (options.ending === "break") {
        return controller.error(new ReplayBreak("The replayed body breaks off here"));
      }
      controller.close();
    },
    cancel() {
      cancelled.abort();
    },
  }, { highWaterMark: 0 });
}

/** A body broken off on purpose; servers recognise it and stay quiet. */
export class ReplayBreak extends Error {
  /**
   * Creates the error.
   *
   * @param message Why the body broke off.
   */
  constructor(message: string) {
    super(message);
    this.name = "ReplayBreak";
  }
}

/** A small seeded generator (mulberry32) in [0, 1): the same seed, the same cuts. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
