// deno bench bench/zstd_bench.ts
//
// zstd level 3 on a ~2.5 MB Responses request body: the WASM engine beside the native
// `node:zlib` engine, for whole buffers and through the streams. See zstd_compare.ts for
// the sizes beside `zstd -3`.

import {
  zstdCompress,
  ZstdCompressionStream,
  zstdDecompress,
  ZstdDecompressionStream,
} from "../lib/compression/mod.ts";
import { makeRequestBody } from "./zstd_corpus.ts";

const body = makeRequestBody();
const compressed = await zstdCompress(body, { level: 3, implementation: "native" });
// Load both engines before timing.
await zstdCompress(body, { level: 3, implementation: "wasm" });
await zstdDecompress(compressed, { implementation: "wasm" });

/** 64 KiB chunks, as a request body arrives from a stream. */
function chunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 65536) out.push(bytes.subarray(i, i + 65536));
  return out;
}
const bodyChunks = chunks(body);
const compressedChunks = chunks(compressed);

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  for await (const _ of stream) {
    // count nothing: throughput only
  }
}

for (const implementation of ["wasm", "native"] as const) {
  Deno.bench({
    name: `zstdCompress level 3, 2.5 MB (${implementation})`,
    group: "compress",
    baseline: implementation === "native",
    n: 30,
    async fn(): Promise<void> {
      await zstdCompress(body, { level: 3, implementation });
    },
  });
  Deno.bench({
    name: `ZstdCompressionStream level 3, 2.5 MB in 64 KiB chunks (${implementation})`,
    group: "compress stream",
    baseline: implementation === "native",
    n: 30,
    async fn(): Promise<void> {
      await drain(
        ReadableStream.from(bodyChunks).pipeThrough(new ZstdCompressionStream({ implementation })),
      );
    },
  });
  Deno.bench({
    name: `zstdDecompress 2.5 MB (${implementation})`,
    group: "decompress",
    baseline: implementation === "native",
    n: 30,
    async fn(): Promise<void> {
      await zstdDecompress(compressed, { implementation });
    },
  });
}

Deno.bench({
  name: "ZstdDecompressionStream 2.5 MB in 64 KiB chunks (wasm)",
  group: "decompress stream",
  n: 30,
  async fn(): Promise<void> {
    await drain(
      ReadableStream.from(compressedChunks).pipeThrough(
        new ZstdDecompressionStream({ implementation: "wasm" }),
      ),
    );
  },
});
