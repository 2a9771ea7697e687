// zstd interop with the reference CLI, both ways, on both engines; round trips.

import assert from "node:assert/strict";
import {
  zstdCompress,
  ZstdCompressionStream,
  zstdDecompress,
  ZstdDecompressionStream,
} from "../../lib/compression/mod.ts";
import {
  assertSameBytes,
  IMPLEMENTATIONS,
  makeText,
  readAll,
  zstdCliDecompress,
  zstdCliFromFile,
  zstdCliFromPipe,
} from "./_zstd_helpers.ts";

const TEXT = makeText(300_000, 7);
const LARGE = makeText(5 * 1024 * 1024, 11);

for (const implementation of IMPLEMENTATIONS) {
  Deno.test(`zstdCompress (${implementation}) output decodes with zstd -d at levels 1, 3 and 19`, async () => {
    for (const level of [1, 3, 19]) {
      const compressed = await zstdCompress(TEXT, { level, implementation });
      assertSameBytes(await zstdCliDecompress(compressed), TEXT);
    }
  });

  Deno.test(`ZstdCompressionStream (${implementation}) output decodes with zstd -d, across WASM frame blocks`, async () => {
    const chunks = Array.from(
      { length: Math.ceil(LARGE.length / 65536) },
      (_, i) => LARGE.subarray(i * 65536, (i + 1) * 65536),
    );
    const compressed = await readAll(
      ReadableStream.from(chunks).pipeThrough(new ZstdCompressionStream({ implementation })),
    );
    assertSameBytes(await zstdCliDecompress(compressed), LARGE);
  });

  Deno.test(`zstd CLI output decodes with ours (${implementation}): file and pipe, levels 1, 3, 19`, async () => {
    for (const level of [1, 3, 19]) {
      for (
        const compressed of [await zstdCliFromFile(TEXT, level), await zstdCliFromPipe(TEXT, level)]
      ) {
        assertSameBytes(await zstdDecompress(compressed, { implementation }), TEXT);
        const streamed = await readAll(
          ReadableStream.from([compressed.subarray(0, 1000), compressed.subarray(1000)])
            .pipeThrough(new ZstdDecompressionStream({ implementation })),
        );
        assertSameBytes(streamed, TEXT);
      }
    }
  });

  Deno.test(`zstd CLI multi-frame input (two .zst files concatenated) decodes with ours (${implementation})`, async () => {
    const first = TEXT.subarray(0, 100_000);
    const second = TEXT.subarray(100_000);
    const joined = new Uint8Array([
      ...await zstdCliFromFile(first, 3),
      ...await zstdCliFromPipe(second, 19),
    ]);
    assertSameBytes(await zstdDecompress(joined, { implementation }), TEXT);
    const streamed = await readAll(
      ReadableStream.from([joined]).pipeThrough(new ZstdDecompressionStream({ implementation })),
    );
    assertSameBytes(streamed, TEXT);
  });

  Deno.test(`zstd round trips empty input, 1 byte and 5 MB (${implementation})`, async () => {
    for (const input of [new Uint8Array(0), new Uint8Array([42]), LARGE]) {
      const compressed = await zstdCompress(input, { implementation });
      assertSameBytes(await zstdDecompress(compressed, { implementation }), input);
      assertSameBytes(await zstdCliDecompress(compressed), input);
      const streamed = await readAll(
        ReadableStream.from(input.length === 0 ? [] : [input])
          .pipeThrough(new ZstdCompressionStream({ implementation }))
          .pipeThrough(new ZstdDecompressionStream({ implementation })),
      );
      assertSameBytes(streamed, input);
    }
  });
}

Deno.test("zstd output of each engine decodes with the other", async () => {
  const wasm = await zstdCompress(TEXT, { implementation: "wasm" });
  const native = await zstdCompress(TEXT, { implementation: "native" });
  assertSameBytes(await zstdDecompress(wasm, { implementation: "native" }), TEXT);
  assertSameBytes(await zstdDecompress(native, { implementation: "wasm" }), TEXT);
});

Deno.test("zstdCompress (wasm) writes the same size as zstd -3 for a body up to 4 MiB", async () => {
  const ours = await zstdCompress(TEXT, { level: 3, implementation: "wasm" });
  const cli = await zstdCliFromFile(TEXT, 3);
  // The CLI adds a 4-byte checksum; within 1% either way.
  assert(Math.abs(ours.length - cli.length) / cli.length < 0.01, `${ours.length} vs ${cli.length}`);
});

Deno.test("zstdCompress takes the level as a number and defaults to 3", async () => {
  const byNumber = await zstdCompress(TEXT, 19);
  const byDefault = await zstdCompress(TEXT, { implementation: "wasm" });
  const level3 = await zstdCompress(TEXT, { level: 3, implementation: "wasm" });
  assert.deepEqual(byDefault, level3);
  assertSameBytes(await zstdDecompress(byNumber), TEXT);
});
