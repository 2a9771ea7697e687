// Streaming keeps memory bounded: 100 MB through ZstdCompressionStream into a sink that
// only counts bytes, on both engines.

import assert from "node:assert/strict";
import { ZstdCompressionStream } from "../../lib/compression/mod.ts";
import { IMPLEMENTATIONS, makeText } from "./_zstd_helpers.ts";

const TOTAL_BYTES = 100 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/**
 * RSS growth allowed while 100 MB flow. Measured: about 15 MiB (WASM: one 4 MiB block,
 * its copy in WASM memory and the encoder's tables) and 10 MiB (native); a compressor
 * that buffered the body would grow by 100 MiB or more.
 */
const MAX_RSS_GROWTH = 48 * 1024 * 1024;

/**
 * Generates `TOTAL_BYTES` in chunks that are views, at varying offsets, of one generated
 * 1 MiB text. Views rather than fresh arrays: V8 collects `ArrayBuffer` memory in steps
 * of about 64 MiB, which would show in RSS as growth that is not ours.
 */
function generatedBody(): ReadableStream<Uint8Array> {
  const text = makeText(1024 * 1024, 3);
  let sent = 0;
  return new ReadableStream({
    pull(controller): void {
      if (sent >= TOTAL_BYTES) return controller.close();
      const offset = (sent / CHUNK_BYTES * 7919) % (text.length - CHUNK_BYTES);
      sent += CHUNK_BYTES;
      controller.enqueue(text.subarray(offset, offset + CHUNK_BYTES));
    },
  });
}

for (const implementation of IMPLEMENTATIONS) {
  Deno.test(`ZstdCompressionStream (${implementation}) compresses 100 MB in bounded memory`, async () => {
    // Load the engine and let its buffers reach their working size first.
    await ReadableStream.from([makeText(5 * 1024 * 1024, 4)])
      .pipeThrough(new ZstdCompressionStream({ implementation }))
      .pipeTo(new WritableStream());

    const before = Deno.memoryUsage().rss;
    let peak = before;
    let compressedBytes = 0;
    let writes = 0;
    await generatedBody()
      .pipeThrough(new ZstdCompressionStream({ implementation }))
      .pipeTo(
        new WritableStream({
          write(chunk): void {
            compressedBytes += chunk.length;
            if (++writes % 4 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
          },
        }),
      );
    peak = Math.max(peak, Deno.memoryUsage().rss);

    assert(compressedBytes > 0 && compressedBytes < TOTAL_BYTES / 10);
    const growth = peak - before;
    assert(
      growth < MAX_RSS_GROWTH,
      `RSS grew by ${(growth / 1024 / 1024).toFixed(1)} MiB while 100 MB streamed`,
    );
  });
}
