/**
 * The capture proxy's added latency per chunk: an upstream sends one SSE chunk at a time
 * (the next only after the client got the previous one), stamping when it wrote it; the
 * client notes when it arrived. Direct and through the proxy, same process, interleaved
 * rounds; the figure is the median through the proxy minus the median direct.
 *
 * Run: `deno run -A bench/capture_latency.ts [--chunks 500] [--rounds 5]`
 *
 * @module
 */

import { median, option } from "./_bench_util.ts";
import { startCaptureProxy } from "../lib/tape/mod.ts";
import { encodeSseEvent } from "../lib/testing/sse_encoding.ts";
import { outputTextDeltaEvent } from "../lib/testing/response_event_builders.ts";

const CHUNKS = Number(option("chunks", "500"));
const ROUNDS = Number(option("rounds", "5"));
const piece = new TextEncoder().encode(encodeSseEvent(outputTextDeltaEvent("a token, ")));

let sentAt = 0;
let received: (() => void) | undefined;
const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
  await request.body?.cancel();
  let sent = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent > 0) await new Promise<void>((resolve) => (received = resolve));
        if (sent++ === CHUNKS) return controller.close();
        sentAt = performance.now();
        controller.enqueue(piece);
      },
    }, { highWaterMark: 0 }),
    { headers: { "content-type": "text/event-stream" } },
  );
});

async function run(url: string): Promise<number[]> {
  const latencies: number[] = [];
  const response = await fetch(url, { method: "POST", body: "{}" });
  for await (const _chunk of response.body!) {
    latencies.push(performance.now() - sentAt);
    received?.();
  }
  return latencies;
}

const out = await Deno.makeTempFile({ suffix: ".jsonl" });
const direct: number[] = [];
const proxied: number[] = [];
{
  await using proxy = await startCaptureProxy({
    upstream: `http://127.0.0.1:${upstream.addr.port}/v1`,
    out,
  });
  const directUrl = `http://127.0.0.1:${upstream.addr.port}/v1/responses`;
  const proxyUrl = `${proxy.baseUrl}/responses`;
  await run(directUrl);
  await run(proxyUrl);
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      direct.push(...await run(directUrl));
      proxied.push(...await run(proxyUrl));
    } else {
      proxied.push(...await run(proxyUrl));
      direct.push(...await run(directUrl));
    }
  }
}
await upstream.shutdown();
const tapeBytes = (await Deno.stat(out)).size;
await Deno.remove(out);
const p = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * q)];
console.log(`${CHUNKS} chunks × ${ROUNDS} interleaved rounds, one chunk in flight at a time`);
console.log(
  `direct: median ${median(direct).toFixed(3)} ms, p90 ${p(direct, 0.9).toFixed(3)} ms`,
);
console.log(
  `through the capture proxy: median ${median(proxied).toFixed(3)} ms, p90 ${
    p(proxied, 0.9).toFixed(3)
  } ms (tape ${(tapeBytes / 1024).toFixed(0)} KiB)`,
);
console.log(
  `added latency per chunk (median): ${(median(proxied) - median(direct)).toFixed(3)} ms`,
);
