/**
 * {@linkcode decodeContentEncoding}: the one body decoder of the mock, capture and replay
 * servers.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { outputTooLargeDetail } from "./_errors.ts";
import { checkImplementation, checkMaxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES } from "./_options.ts";
import { decompressWhole } from "./_zstd_decoder.ts";
import { readBytesUpTo } from "../transport/bounded_body.ts";
import type { ZstdImplementation } from "./zstd_implementation.ts";

/** Options of {@linkcode decodeContentEncoding}. */
export interface DecodeContentEncodingOptions {
  /**
   * The most bytes each decoding step may produce; past it the call fails with a
   * `kind: "compression"` error (see `ZstdDecompressionOptions.maxOutputBytes`).
   *
   * @default {268435456}
   */
  maxOutputBytes?: number;
  /**
   * The zstd engine, for `zstd` bodies.
   *
   * @default {"auto"}
   */
  implementation?: ZstdImplementation;
}

/**
 * Undoes a `Content-Encoding`: `zstd`, `gzip` (and `x-gzip`), `deflate` (zlib-wrapped as
 * HTTP says, raw deflate accepted too) and `identity`, in any letter case. `null`, an
 * empty header and `identity` return the bytes as they are; a list such as
 * `"gzip, zstd"` is undone last-applied first. An empty body is returned as it is,
 * whatever the encoding.
 *
 * @param bytes The body as received.
 * @param encoding The `Content-Encoding` header value, or `null` when there is none.
 * @param options The output limit and the zstd engine.
 * @returns The decoded body.
 * @throws {CodexWireError} With `kind: "compression"` for an unknown encoding, bytes that
 * do not decode, a zstd frame that needs a window over 8 MiB (more than the `zstd` content
 * coding allows; `zstdDecompress` accepts up to 128 MiB), or output past `maxOutputBytes`.
 *
 * @example Decode a request body in a test server
 * ```ts
 * import { decodeContentEncoding } from "./decode_content_encoding.ts";
 * import { zstdCompress } from "./zstd_compress.ts";
 * import assert from "node:assert/strict";
 *
 * const json = new TextEncoder().encode('{"model":"gpt-5"}');
 * const request = new Request("http://localhost/v1/responses", {
 *   method: "POST",
 *   headers: { "content-encoding": "zstd" },
 *   body: await zstdCompress(json),
 * });
 * const body = await decodeContentEncoding(
 *   await request.bytes(),
 *   request.headers.get("content-encoding"),
 * );
 * assert.deepEqual(JSON.parse(new TextDecoder().decode(body)), { model: "gpt-5" });
 * ```
 */
export async function decodeContentEncoding(
  bytes: Uint8Array,
  encoding: string | null,
  options: DecodeContentEncodingOptions = {},
): Promise<Uint8Array> {
  const maxOutputBytes = checkMaxOutputBytes(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const implementation = checkImplementation(options.implementation ?? "auto");
  const codings = (encoding ?? "").split(",").map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  for (const coding of codings) {
    if (!KNOWN_CODINGS.has(coding)) {
      throw new CodexWireError(
        `Cannot decode body: unknown Content-Encoding "${coding}", use zstd, gzip, deflate or identity`,
        { kind: "compression" },
      );
    }
  }
  let body = bytes;
  for (const coding of codings.reverse()) {
    if (body.length === 0) break;
    if (coding === "zstd") {
      body = await decompressWhole(body, {
        maxOutputBytes,
        implementation,
        httpContentCoding: true,
      });
    } else if (coding === "deflate") {
      body = await inflateDeflate(body, maxOutputBytes);
    } else {
      body = await inflateWeb(body, "gzip", maxOutputBytes);
    }
  }
  return body;
}

const KNOWN_CODINGS: ReadonlySet<string> = new Set(["zstd", "gzip", "x-gzip", "deflate"]);

/**
 * How much compressed input `DecompressionStream` gets at a time. It inflates each input
 * chunk whole before the limit can be checked, and deflate expands at most about 1032:1,
 * so a 4 KiB step yields at most about 4 MiB: a bomb stops within one step of the limit
 * instead of inflating its whole body first.
 */
const INFLATE_STEP_BYTES = 4 * 1024;

function* inflateSteps(bytes: Uint8Array): Generator<Uint8Array<ArrayBuffer>> {
  for (let offset = 0; offset < bytes.length; offset += INFLATE_STEP_BYTES) {
    yield bytes.subarray(offset, offset + INFLATE_STEP_BYTES) as Uint8Array<ArrayBuffer>;
  }
}

/**
 * HTTP's `deflate` is zlib-wrapped (RFC 9110 §8.4.1.2), but some senders write raw
 * deflate: zlib when the bytes start with a zlib header, raw deflate otherwise or when
 * that fails (a raw stream can start with bytes that look like a header).
 */
async function inflateDeflate(bytes: Uint8Array, maxOutputBytes: number): Promise<Uint8Array> {
  if (!isZlibHeader(bytes)) return await inflateWeb(bytes, "deflate-raw", maxOutputBytes);
  try {
    return await inflateWeb(bytes, "deflate", maxOutputBytes);
  } catch (error) {
    if (error instanceof CodexWireError && error.message.includes("maxOutputBytes")) throw error;
    return await inflateWeb(bytes, "deflate-raw", maxOutputBytes).catch(() => {
      throw error;
    });
  }
}

/** Whether the bytes start with a zlib header (RFC 1950: deflate method, FCHECK). */
function isZlibHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[0] & 0x0f) === 8 && ((bytes[0] << 8) | bytes[1]) % 31 === 0;
}

async function inflateWeb(
  bytes: Uint8Array,
  format: CompressionFormat,
  maxOutputBytes: number,
): Promise<Uint8Array> {
  const name = format === "gzip" ? "gzip" : "deflate";
  const inflated = ReadableStream.from(inflateSteps(bytes))
    .pipeThrough(new DecompressionStream(format));
  let output: Uint8Array | undefined;
  try {
    output = await readBytesUpTo(inflated, maxOutputBytes);
  } catch (error) {
    throw new CodexWireError(
      `Cannot decompress ${name} body: the data is corrupted or truncated, check the Content-Encoding header`,
      { kind: "compression", cause: error },
    );
  }
  if (output === undefined) {
    throw new CodexWireError(
      `Cannot decompress ${name} body: ${outputTooLargeDetail(maxOutputBytes)}`,
      { kind: "compression" },
    );
  }
  return output;
}
