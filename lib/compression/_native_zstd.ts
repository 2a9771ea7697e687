/**
 * The native zstd of `node:zlib` (Deno 2.x, Node 22.15+), loaded on first use, and a
 * promise-based driver for its Node streams.
 *
 * @module
 */

import type * as Zlib from "node:zlib";
import { CodexWireError } from "../errors/codex_wire_error.ts";

/** The parts of `node:zlib` that the native path uses. */
export type NativeZlib = typeof Zlib;

let loading: Promise<NativeZlib | undefined> | undefined;

/**
 * Loads `node:zlib` once and tells whether it has zstd.
 *
 * @returns The module, or `undefined` where it is missing or has no zstd.
 */
export function loadNativeZlib(): Promise<NativeZlib | undefined> {
  loading ??= importNativeZlib();
  return loading;
}

async function importNativeZlib(): Promise<NativeZlib | undefined> {
  try {
    const zlib = await import("node:zlib");
    if (
      typeof zlib.createZstdCompress === "function" &&
      typeof zlib.createZstdDecompress === "function" &&
      typeof zlib.zstdCompressSync === "function" &&
      typeof zlib.constants?.ZSTD_c_compressionLevel === "number"
    ) {
      return zlib;
    }
  } catch {
    // No `node:zlib` in this runtime (a browser): `undefined` sends "auto" to WASM.
  }
  return undefined;
}

/**
 * Picks the backend for an `implementation` option.
 *
 * @param implementation What the caller asked for.
 * @returns `node:zlib` for the native path, `undefined` for the WASM path.
 * @throws {CodexWireError} If `"native"` was asked for and there is none.
 */
export async function resolveNativeZlib(
  implementation: "auto" | "wasm" | "native",
): Promise<NativeZlib | undefined> {
  if (implementation === "wasm") return undefined;
  const zlib = await loadNativeZlib();
  if (zlib === undefined && implementation === "native") {
    throw new CodexWireError(
      'Cannot use native zstd: node:zlib in this runtime has no zstd, use implementation "wasm" or "auto"',
      { kind: "compression" },
    );
  }
  return zlib;
}

/** A Node `zlib` transform, as far as the driver uses it. */
interface NodeTransform {
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
  end(): void;
  destroy(error?: Error): void;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
}

/**
 * Drives a Node `zlib` transform with promises: every output chunk goes to `onData` as it
 * comes (an exception there fails the stream), `write` settles once the input was
 * consumed, `end` once the last output was delivered.
 */
export class NativeStreamDriver {
  #stream: NodeTransform;
  #failure: unknown;
  #failed = false;
  #ended = false;
  #closed = false;
  #waiters = new Set<(error: unknown) => void>();
  #mapError: (error: unknown) => unknown;

  /**
   * Wraps a transform.
   *
   * @param stream The Node transform (`createZstdCompress()`, `createZstdDecompress()`).
   * @param options Where output goes and how library errors become ours.
   */
  constructor(
    stream: NodeTransform,
    options: { onData: (chunk: Uint8Array) => void; mapError: (error: unknown) => unknown },
  ) {
    this.#stream = stream;
    this.#mapError = options.mapError;
    stream.on("data", (chunk) => {
      if (this.#failed) return;
      try {
        options.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (error) {
        this.#fail(error);
        stream.destroy();
      }
    });
    stream.on("error", (error) => this.#fail(this.#mapError(error)));
    stream.on("end", () => {
      this.#ended = true;
      this.#settle(undefined);
    });
    stream.on("close", () => {
      this.#closed = true;
      this.#settle(undefined);
    });
  }

  /**
   * Writes input and waits until the transform took it.
   *
   * @param chunk The bytes.
   * @returns A promise that settles once the chunk was consumed.
   */
  write(chunk: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#failed) return reject(this.#failure);
      // Called by the write callback, or by `#settle` when the stream fails or closes
      // first; a promise settles once, so a second call is harmless.
      const waiter = (error: unknown): void => {
        this.#waiters.delete(waiter);
        if (this.#failed) reject(this.#failure);
        else if (error !== undefined && error !== null) reject(this.#mapError(error));
        else resolve();
      };
      this.#waiters.add(waiter);
      this.#stream.write(chunk, (error) => waiter(error));
    });
  }

  /**
   * Ends the input and waits for the last output.
   *
   * @returns A promise that settles at the transform's end.
   */
  end(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#failed) return reject(this.#failure);
      if (this.#ended) return resolve();
      const waiter = (): void => {
        this.#waiters.delete(waiter);
        if (this.#failed) reject(this.#failure);
        else if (this.#ended) resolve();
        else reject(this.#mapError(new Error("the native zstd stream closed before its end")));
      };
      this.#waiters.add(waiter);
      this.#stream.end();
    });
  }

  /** Stops the transform and frees its native state. */
  destroy(): void {
    if (!this.#closed) this.#stream.destroy();
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#failure = error;
    this.#settle(error);
  }

  #settle(error: unknown): void {
    for (const waiter of [...this.#waiters]) waiter(error);
  }
}
