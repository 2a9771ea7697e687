/**
 * zstd request-body compression, with a way back for servers and proxies that
 * cannot read it.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { CodexWireError } from "../errors/codex_wire_error.ts";

/**
 * How request bodies are compressed: `none`; `zstd` always (level 3); `auto` only for
 * bodies of at least `compressionThresholdBytes`.
 */
export type RequestCompression = "none" | "zstd" | "auto";

/** A request body ready to send, and the content headers that describe it. */
export interface EncodedBody {
  /** The bytes or text to send. */
  body: Uint8Array<ArrayBuffer> | string;
  /** `content-type`, and `content-encoding` when compressed. */
  headers: Record<string, string>;
}

/** Options of {@linkcode RequestBodyEncoder}. */
export interface RequestBodyEncoderOptions {
  /** The compression mode. @default {"none"} */
  compression?: RequestCompression;
  /** The smallest body `auto` compresses, in bytes. @default 8192 */
  thresholdBytes?: number;
}

const logger = getLogger(["codexwire", "compression"]);
const JSON_CONTENT_TYPE = "application/json";
const ZSTD_LEVEL = 3;

/**
 * Serialises request bodies and compresses them with zstd when asked. After a server
 * refuses a zstd body (415, or a 400 that names the encoding), {@linkcode refuse} turns
 * compression off for good, so later requests of the client go out plain.
 *
 * @example Usage
 * ```ts
 * import { RequestBodyEncoder } from "./request_compression.ts";
 * import assert from "node:assert/strict";
 *
 * const encoder = new RequestBodyEncoder({ compression: "zstd" });
 * const encoded = await encoder.encode('{"model":"gpt-5"}', {});
 * assert.equal(encoded.headers["content-encoding"], "zstd");
 * assert.equal(encoder.refuse(), true);
 * const plain = await encoder.encode('{"model":"gpt-5"}', {});
 * assert.equal(plain.body, '{"model":"gpt-5"}');
 * ```
 */
export class RequestBodyEncoder {
  #compression: RequestCompression;
  #thresholdBytes: number;
  #refused = false;

  /**
   * Creates an encoder.
   *
   * @param options The mode and threshold.
   * @throws {RangeError} When the threshold is negative.
   */
  constructor(options: RequestBodyEncoderOptions = {}) {
    this.#compression = options.compression ?? "none";
    this.#thresholdBytes = options.thresholdBytes ?? 8192;
    if (!(this.#thresholdBytes >= 0)) {
      throw new RangeError(
        `Cannot create RequestBodyEncoder: thresholdBytes must be >= 0, got ${this.#thresholdBytes}`,
      );
    }
    if (!["none", "zstd", "auto"].includes(this.#compression)) {
      throw new RangeError(
        `Cannot create RequestBodyEncoder: compression must be "none", "zstd" or "auto", got "${this.#compression}"`,
      );
    }
  }

  /** Whether a server refused zstd, so bodies now go out plain. */
  get refused(): boolean {
    return this.#refused;
  }

  /**
   * Whether a body of this many bytes would be compressed now.
   *
   * @param bytes The body size.
   * @returns `true` when it would be.
   */
  compresses(bytes: number): boolean {
    if (this.#refused || this.#compression === "none") return false;
    return this.#compression === "zstd" || bytes >= this.#thresholdBytes;
  }

  /**
   * Encodes one body.
   *
   * @param json The serialised JSON body.
   * @param headers The request's other headers (lower-case names), to check for a caller's
   * `Content-Encoding`.
   * @returns The body and its content headers.
   * @throws {CodexWireError} `usage` when compression applies but the caller already set
   * `Content-Encoding`; `compression` when zstd fails.
   */
  async encode(json: string, headers: Readonly<Record<string, string>>): Promise<EncodedBody> {
    // A body that goes out plain is sent as the string: it is never UTF-8-encoded here.
    if (!this.#compressesText(json)) {
      return { body: json, headers: { "content-type": JSON_CONTENT_TYPE } };
    }
    if (Object.hasOwn(headers, "content-encoding")) {
      throw new CodexWireError(
        'request compression was requested but content-encoding is already set; remove the Content-Encoding header or use compression: "none"',
        { kind: "usage" },
      );
    }
    // Loaded on first use, so clients that never compress never load the WASM.
    const { zstdCompress } = await import("../compression/zstd_compress.ts");
    const plain = new TextEncoder().encode(json);
    const started = performance.now();
    const body = await zstdCompress(plain, ZSTD_LEVEL);
    logger.info("Compressed request body with zstd", {
      pre_compression_bytes: plain.length,
      post_compression_bytes: body.length,
      compression_duration_ms: performance.now() - started,
    });
    return {
      body,
      headers: { "content-type": JSON_CONTENT_TYPE, "content-encoding": "zstd" },
    };
  }

  // `compresses` for a body given as text. Its UTF-8 size is at least its length and at
  // most three bytes per UTF-16 unit, so the bytes are counted only near the threshold.
  #compressesText(json: string): boolean {
    if (this.#refused || this.#compression === "none") return false;
    if (this.#compression === "zstd" || json.length >= this.#thresholdBytes) return true;
    return json.length * 3 >= this.#thresholdBytes &&
      this.compresses(new TextEncoder().encode(json).length);
  }

  /**
   * Turns compression off for the rest of this encoder's life, after a refusal.
   *
   * @returns `true` when compression was on (so the request is worth sending again).
   */
  refuse(): boolean {
    if (this.#refused || this.#compression === "none") return false;
    this.#refused = true;
    logger.warn(
      "The server refused a zstd request body; sending uncompressed bodies from now on",
    );
    return true;
  }
}

/**
 * Whether an error answer refuses the request's `Content-Encoding`: a 415, or a 400 whose
 * body names the encoding (as proxies that cannot read zstd answer).
 *
 * @param status The HTTP status.
 * @param body The answer's body text.
 * @returns `true` for a refusal.
 *
 * @example Usage
 * ```ts
 * import { refusesContentEncoding } from "./request_compression.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(refusesContentEncoding(415, ""), true);
 * assert.equal(refusesContentEncoding(400, "Unsupported Content-Encoding: zstd"), true);
 * assert.equal(refusesContentEncoding(400, "model not found"), false);
 * ```
 */
export function refusesContentEncoding(status: number, body: string): boolean {
  if (status === 415) return true;
  return status === 400 && /content[-_ ]encoding|zstd/i.test(body);
}
