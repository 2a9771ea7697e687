// SSE throughput under `deno bench`: the same ~200 000-event Responses stream read by the
// baseline reader (TextDecoder + lines + JSON.parse), by codexwire's `ResponsesClient`
// (validated `ResponseEvent`s) and by the openai SDK's `Stream`. One group per chunk size.
//
//   deno bench -A bench/sse_throughput_bench.ts
//
// For ratios on a noisy machine prefer `deno run -A bench/sse_compare.ts` (interleaved).

import { buildSseCorpus, chunkBytes } from "./_sse_corpus.ts";
import { SSE_CONTENDERS } from "./_sse_contenders.ts";

const corpus = buildSseCorpus();
// Each iteration reads ~49 MB; a fixed count keeps the run to a minute or so.
const ITERATIONS = { n: 10, warmup: 3 };

for (const size of [64 * 1024, 16 * 1024]) {
  const chunks = chunkBytes(corpus.bytes, size);
  const group = `sse ${size / 1024} KiB chunks`;
  for (const [name, read] of Object.entries(SSE_CONTENDERS)) {
    Deno.bench({
      name,
      group,
      baseline: name === "baseline",
      ...ITERATIONS,
      async fn() {
        const events = await read(chunks);
        if (events < corpus.events) throw new Error(`${name} saw only ${events} events`);
      },
    });
  }
}
