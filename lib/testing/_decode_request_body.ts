/**
 * The one place where the mock servers decode request bodies by `Content-Encoding`.
 *
 * TODO: swap the body for `decodeContentEncoding` of
 * `lib/compression/decode_content_encoding.ts` (identity, gzip and zstd) once it lands.
 *
 * @module
 */

/**
 * Decodes a request body by its `Content-Encoding` header: identity and gzip. A list
 * such as `"gzip, identity"` is undone last-applied first.
 *
 * @param bytes The body as received.
 * @param encoding The `Content-Encoding` header value, or `null` when absent.
 * @returns The decoded body.
 * @throws {TypeError} If an encoding is not supported or the bytes do not decode.
 */
export async function decodeRequestBody(
  bytes: Uint8Array,
  encoding: string | null,
): Promise<Uint8Array> {
  const codings = (encoding ?? "").split(",").map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  let body = bytes;
  for (const coding of codings.reverse()) {
    if (coding !== "gzip" && coding !== "x-gzip") {
      throw new TypeError(
        `Cannot decode request body: unsupported content-encoding "${coding}", expected gzip or identity`,
      );
    }
    body = await gunzip(body);
  }
  return body;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new TypeError("Cannot decode request body: the gzip data is invalid", { cause: error });
  }
}
