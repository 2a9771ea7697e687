/**
 * Byte helpers of the compression module.
 *
 * @module
 */

/**
 * A `Uint8Array` view of a chunk written to a stream, as `CompressionStream` accepts
 * them: any `ArrayBufferView` or an `ArrayBuffer`.
 *
 * @param chunk What was written.
 * @param what The stream's action, for the error text (`"compress"` or `"decompress"`).
 * @returns A view of the same bytes (no copy).
 * @throws {TypeError} If the chunk is not a `BufferSource`.
 */
export function toBytes(chunk: unknown, what: string): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(
    `Cannot ${what} with zstd: chunks must be an ArrayBuffer or an ArrayBufferView, received ${typeof chunk}`,
  );
}

/**
 * Joins chunks into one array, copying each byte once.
 *
 * @param chunks The parts, in order.
 * @returns A new array with all their bytes.
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
