// Side by side, on a ~2.5 MB Responses request body at level 3: the WASM engine's
// throughput beside the native `node:zlib` engine in the same process (target: at least
// 0.6x), and the compressed size beside `zstd -3` on the same bytes (target: within 1%).
//
//   deno run -A bench/zstd_compare.ts [--runs 15]
//
// Prints a table and the two ratios. Needs the `zstd` CLI on PATH.

import { parseArgs } from "node:util";
import { zstdCompress, zstdDecompress } from "../lib/compression/mod.ts";
import { makeRequestBody } from "./zstd_corpus.ts";
import { median } from "./_bench_util.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
const runs = Number(values.runs);
const LEVEL = 3;

async function timeMedian(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm up: load the engine, reach steady state
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

async function zstdCli(bytes: Uint8Array): Promise<Uint8Array> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeFile(path, bytes);
    const output = await new Deno.Command("zstd", { args: [`-${LEVEL}`, "-q", "-c", path] })
      .output();
    if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
    return output.stdout;
  } finally {
    await Deno.remove(path);
  }
}

const body = makeRequestBody();
const megabytes = body.length / 1e6;
const cli = await zstdCli(body);

interface Row {
  engine: string;
  size: number;
  compressMs: number;
  decompressMs: number;
}
const rows: Row[] = [];
for (const implementation of ["wasm", "native"] as const) {
  const compressed = await zstdCompress(body, { level: LEVEL, implementation });
  rows.push({
    engine: implementation,
    size: compressed.length,
    compressMs: await timeMedian(() => zstdCompress(body, { level: LEVEL, implementation })),
    decompressMs: await timeMedian(() => zstdDecompress(compressed, { implementation })),
  });
}
const [wasm, native] = rows;

const pad = (text: string | number, width: number): string => String(text).padStart(width);
console.log(
  `body: ${body.length} bytes (Responses request JSON), level ${LEVEL}, median of ${runs} runs`,
);
console.log(
  `${"engine".padEnd(8)}${pad("bytes", 10)}${pad("vs zstd -3", 12)}${pad("compress MB/s", 15)}${
    pad("decompress MB/s", 17)
  }`,
);
for (const row of rows) {
  console.log(
    `${row.engine.padEnd(8)}${pad(row.size, 10)}${
      pad(`${((row.size / cli.length - 1) * 100).toFixed(2)}%`, 12)
    }${pad((megabytes / (row.compressMs / 1000)).toFixed(1), 15)}${
      pad((megabytes / (row.decompressMs / 1000)).toFixed(1), 17)
    }`,
  );
}
console.log(`${"zstd -3".padEnd(8)}${pad(cli.length, 10)}${pad("0.00%", 12)}`);
console.log(
  `wasm/native compress throughput: ${
    (native.compressMs / wasm.compressMs).toFixed(2)
  }x (target >= 0.6x)`,
);
console.log(
  `wasm size vs zstd -3: ${((wasm.size / cli.length - 1) * 100).toFixed(2)}% (target within 1%)`,
);
