// A child process for zstd_memory_test.ts: streams 100 MB through ZstdCompressionStream
// on the engine it is given, into a sink that only counts bytes, and prints the growth of
// its RSS as JSON. A process of its own, since RSS is the whole process's: in the one
// shared by `deno test --parallel`, other test files' memory would count as ours.

import { ZstdCompressionStream } from "../../lib/compression/mod.ts";
import { makeText } from "./_zstd_helpers.ts";

const TOTAL_BYTES = 100 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

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

const implementation = Deno.args[0] as "wasm" | "native";
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
console.log(JSON.stringify({ totalBytes: TOTAL_BYTES, compressedBytes, growth: peak - before }));
