// ZstdCompressionStream / ZstdDecompressionStream as web streams: piping, chunk types,
// any chunking, several streams at once, cancellation and errors.

import assert from "node:assert/strict";
import fc from "fast-check";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import {
  zstdCompress,
  ZstdCompressionStream,
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
import { within } from "../_hostile.ts";

const TEXT = makeText(20_000, 9);
const SKIPPABLE = [0x5f, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9];
// Every frame shape in one input: content size and checksum (file), neither (pipe), a
// skippable frame between them.
const MIXED = new Uint8Array([
  ...await zstdCliFromFile(TEXT, 3),
  ...SKIPPABLE,
  ...await zstdCliFromPipe(TEXT, 19),
]);
const MIXED_TEXT = new Uint8Array([...TEXT, ...TEXT]);

function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

for (const implementation of IMPLEMENTATIONS) {
  Deno.test(`ZstdCompressionStream (${implementation}) works in pipeThrough like CompressionStream`, async () => {
    const chunks = [TEXT.subarray(0, 7), TEXT.subarray(7, 10_000), TEXT.subarray(10_000)];
    const compressed = await readAll(
      ReadableStream.from(chunks).pipeThrough(new ZstdCompressionStream({ implementation })),
    );
    assertSameBytes(await zstdCliDecompress(compressed), TEXT);
  });

  Deno.test(`ZstdCompressionStream (${implementation}) takes any BufferSource and copies it`, async () => {
    const stream = new ZstdCompressionStream({ implementation });
    const output = readAll(stream.readable);
    const writer = stream.writable.getWriter();
    const reused = new Uint8Array(4);
    reused.set([1, 2, 3, 4]);
    await writer.write(reused);
    reused.fill(0); // the caller reuses its buffer at once
    await writer.write(new Uint8Array([5, 6]).buffer);
    await writer.write(new DataView(new Uint8Array([7, 8, 9]).buffer, 1, 2));
    await writer.close();
    assert.deepEqual([...await zstdCliDecompress(await output)], [1, 2, 3, 4, 5, 6, 8, 9]);
  });

  Deno.test(`ZstdCompressionStream (${implementation}) errors the stream on a chunk that is not bytes`, async () => {
    const stream = new ZstdCompressionStream({ implementation });
    const output = readAll(stream.readable);
    const writer = stream.writable.getWriter();
    await assert.rejects(writer.write("text" as unknown as Uint8Array), {
      name: "TypeError",
      message:
        "Cannot compress with zstd: chunks must be an ArrayBuffer or an ArrayBufferView, received string",
    });
    await assert.rejects(output, TypeError);
  });

  Deno.test(`ZstdDecompressionStream (${implementation}) gives the same bytes for any chunking`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { maxLength: 40 }),
        async (cuts) => {
          const output = await readAll(
            ReadableStream.from(split(MIXED, cuts))
              .pipeThrough(new ZstdDecompressionStream({ implementation })),
          );
          assertSameBytes(output, MIXED_TEXT);
        },
      ),
      { seed: 20250101, numRuns: 40 },
    );
  });

  Deno.test(`ZstdDecompressionStream (${implementation}) decodes input fed one byte at a time`, async () => {
    const bytes = Array.from(MIXED, (byte) => new Uint8Array([byte]));
    const output = await readAll(
      ReadableStream.from(bytes).pipeThrough(new ZstdDecompressionStream({ implementation })),
    );
    assertSameBytes(output, MIXED_TEXT);
  });

  Deno.test(`ZstdDecompressionStream (${implementation}) fails pipeTo with the CodexWireError`, async () => {
    const sink = new WritableStream<Uint8Array>();
    await assert.rejects(
      ReadableStream.from([MIXED.subarray(0, 100)])
        .pipeThrough(new ZstdDecompressionStream({ implementation }))
        .pipeTo(sink),
      (error: unknown) => error instanceof CodexWireError && error.kind === "compression",
    );
  });

  Deno.test(`ZstdDecompressionStream (${implementation}) aborted while its reader waits ends at once`, async () => {
    // 1 MiB of output: decoding stops after its first chunk until the reader wants more.
    const zeros = await zstdCompress(new Uint8Array(1024 * 1024), { implementation });
    const decompress = new ZstdDecompressionStream({ implementation });
    const writer = decompress.writable.getWriter();
    const reader = decompress.readable.getReader();
    const writing = writer.write(zeros);
    writing.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reason = new Error("client went away");
    await within(2_000, writer.abort(reason), "abort()");
    await assert.rejects(within(2_000, writing, "the pending write"), (error) => error === reason);
    // As a TransformStream does: the reader learns of the abort, it gets no more bytes.
    await assert.rejects(within(2_000, reader.read(), "read()"), (error) => error === reason);
  });

  Deno.test(`zstd streams (${implementation}) release their engine when cancelled`, async () => {
    for (let round = 0; round < 3; round++) {
      const decompress = new ZstdDecompressionStream({ implementation });
      const writer = decompress.writable.getWriter();
      const reader = decompress.readable.getReader();
      void writer.write(MIXED.subarray(0, 500)).catch(() => {});
      await reader.cancel(new Error("not needed"));
      await writer.closed.catch(() => {});

      const compress = new ZstdCompressionStream({ implementation });
      const compressWriter = compress.writable.getWriter();
      void compressWriter.write(TEXT).catch(() => {});
      await compressWriter.abort(new Error("client went away"));
      await compress.readable.getReader().closed.catch(() => {});
    }
    // The pool hands out clean contexts afterwards.
    const output = await readAll(
      ReadableStream.from([MIXED]).pipeThrough(new ZstdDecompressionStream({ implementation })),
    );
    assertSameBytes(output, MIXED_TEXT);
  });
}

Deno.test("ZstdDecompressionStream keeps concurrent streams apart", async () => {
  const other = makeText(50_000, 77);
  const first = await zstdCompress(TEXT, { implementation: "wasm" });
  const second = await zstdCliFromPipe(other, 1);
  const a = new ZstdDecompressionStream({ implementation: "wasm" });
  const b = new ZstdDecompressionStream({ implementation: "wasm" });
  const outA = readAll(a.readable);
  const outB = readAll(b.readable);
  const writerA = a.writable.getWriter();
  const writerB = b.writable.getWriter();
  for (let i = 0; i < Math.max(first.length, second.length); i += 512) {
    if (i < first.length) await writerA.write(first.subarray(i, i + 512));
    if (i < second.length) await writerB.write(second.subarray(i, i + 512));
  }
  await Promise.all([writerA.close(), writerB.close()]);
  assertSameBytes(await outA, TEXT);
  assertSameBytes(await outB, other);
});

Deno.test("ZstdCompressionStream on the default engine gives zstd that the CLI decodes", async () => {
  const compressed = await readAll(
    ReadableStream.from([TEXT]).pipeThrough(new ZstdCompressionStream()),
  );
  assertSameBytes(await zstdCliDecompress(compressed), TEXT);
});
