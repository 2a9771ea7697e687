// zstd decompression of bad input: the error class, kind and exact text, on both engines,
// for the whole-buffer function and the stream; and RangeError for bad arguments.

import assert from "node:assert/strict";
import {
  zstdCompress,
  ZstdCompressionStream,
  zstdDecompress,
  type ZstdDecompressionOptions,
  ZstdDecompressionStream,
} from "../../lib/compression/mod.ts";
import {
  assertCompressionError,
  IMPLEMENTATIONS,
  makeText,
  readAll,
  zstdCliFromFile,
  zstdCliFromPipe,
} from "./_zstd_helpers.ts";

const PREFIX = "Cannot decompress zstd body: ";
const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const TEXT = makeText(200_000, 5);
const VALID = await zstdCliFromFile(TEXT, 3);

/** Runs the input through `zstdDecompress` and through the stream, in 1000-byte chunks. */
async function assertBothFail(
  input: Uint8Array,
  detail: string,
  options: ZstdDecompressionOptions,
): Promise<void> {
  await assertCompressionError(zstdDecompress(input, options), PREFIX + detail);
  const chunks = [];
  for (let i = 0; i < input.length; i += 1000) chunks.push(input.subarray(i, i + 1000));
  await assertCompressionError(
    readAll(ReadableStream.from(chunks).pipeThrough(new ZstdDecompressionStream(options))),
    PREFIX + detail,
  );
}

/** A frame header with a 1 KiB window (no content size), then `rest`. */
function frame(...rest: number[]): Uint8Array {
  return new Uint8Array([...MAGIC, 0x00, 0x00, ...rest]);
}

for (const implementation of IMPLEMENTATIONS) {
  const options = { implementation };

  Deno.test(`zstd (${implementation}) rejects input that ends in the middle of a frame`, async () => {
    for (const cut of [2, 5, 6, 12, 1000, VALID.length / 2, VALID.length - 1]) {
      await assertBothFail(
        VALID.subarray(0, Math.floor(cut)),
        "the input ends in the middle of a frame",
        options,
      );
    }
  });

  Deno.test(`zstd (${implementation}) rejects bytes that are not zstd`, async () => {
    await assertBothFail(
      new TextEncoder().encode('{"model":"gpt-5","input":[]}'),
      "the input is not zstd data, check the Content-Encoding header",
      options,
    );
    const gzip = await readAll(
      ReadableStream.from([TEXT]).pipeThrough(new CompressionStream("gzip")),
    );
    await assertBothFail(
      gzip,
      "the input is not zstd data, check the Content-Encoding header",
      options,
    );
  });

  Deno.test(`zstd (${implementation}) rejects garbage after the last frame`, async () => {
    const input = new Uint8Array([...VALID, ...new TextEncoder().encode("garbage")]);
    await assertBothFail(input, "the bytes after frame 1 are not a zstd frame", options);
  });

  Deno.test(`zstd (${implementation}) rejects empty input as zstd -d does`, async () => {
    await assertBothFail(
      new Uint8Array(0),
      "the input is empty, expected at least one zstd frame",
      options,
    );
  });

  Deno.test(`zstd (${implementation}) fails fast on a frame that claims a huge content size`, async () => {
    // Frame_Content_Size_flag 3 (8 bytes) = 2^40, 1 KiB window, then one empty block.
    const bomb = new Uint8Array([...MAGIC, 0xc0, 0x00, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    await assertBothFail(
      bomb,
      "frame 1 declares 1099511627776 bytes of content, more than maxOutputBytes (268435456 bytes), raise maxOutputBytes if the body is trusted",
      options,
    );
    // A real one: 64 MiB of zeros from a file (content size in the header) is 2 KiB.
    const zeros = await zstdCliFromFile(new Uint8Array(64 * 1024 * 1024), 19);
    assert(zeros.length < 4096);
    await assertBothFail(
      zeros,
      "frame 1 declares 67108864 bytes of content, more than maxOutputBytes (1048576 bytes), raise maxOutputBytes if the body is trusted",
      { ...options, maxOutputBytes: 1024 * 1024 },
    );
  });

  Deno.test(`zstd (${implementation}) stops a zip bomb without a content size at maxOutputBytes`, async () => {
    const zeros = await zstdCliFromPipe(new Uint8Array(64 * 1024 * 1024), 19);
    // What it costs in memory is measured in a process of its own (bomb_memory_test.ts).
    await assertBothFail(
      zeros,
      "the output exceeds maxOutputBytes (1048576 bytes), raise maxOutputBytes if the body is trusted",
      { ...options, maxOutputBytes: 1024 * 1024 },
    );
    // Exactly at the limit is fine.
    const exact = await zstdCliFromPipe(new Uint8Array(1024 * 1024), 3);
    assert.equal(
      (await zstdDecompress(exact, { ...options, maxOutputBytes: 1024 * 1024 })).length,
      1024 * 1024,
    );
  });

  Deno.test(`zstd (${implementation}) rejects a window over the 128 MiB limit`, async () => {
    // Window_Descriptor 0x90: 2^(10 + 18) = 256 MiB.
    await assertBothFail(
      new Uint8Array([...MAGIC, 0x00, 0x90, 0x01, 0x00, 0x00]),
      "frame 1 needs a 268435456-byte window, more than the decoder's limit of 134217728 bytes",
      options,
    );
  });

  Deno.test(`zstd (${implementation}) rejects a reserved header bit and a reserved block type`, async () => {
    await assertBothFail(
      new Uint8Array([...MAGIC, 0x08, 0x00, 0x01, 0x00, 0x00]),
      "the header of frame 1 is invalid",
      options,
    );
    // Block_Type 3 (reserved), last block, size 0.
    await assertBothFail(
      frame(0x07, 0x00, 0x00),
      "the data is corrupted (frame 1 has an invalid block header)",
      options,
    );
  });

  Deno.test(`zstd (${implementation}) rejects a corrupted compressed block`, async () => {
    // A last, compressed block of 10 bytes of 0xff: no valid literals section.
    await assertBothFail(
      frame(85, 0, 0, ...new Array(10).fill(0xff)),
      "the data is corrupted",
      options,
    );
  });

  Deno.test(`zstd (${implementation}) rejects a wrong content checksum`, async () => {
    const input = VALID.slice();
    input[input.length - 1] ^= 0xff;
    await assertBothFail(
      input,
      "the content checksum does not match, the data is corrupted",
      options,
    );
  });

  Deno.test(`zstd (${implementation}) rejects frames that need a dictionary`, async () => {
    // Dictionary_ID_flag 1: one byte, ID 7.
    await assertBothFail(
      new Uint8Array([...MAGIC, 0x01, 0x00, 0x07, 0x01, 0x00, 0x00]),
      "frame 1 was compressed with dictionary 7, which is not supported, compress it without one",
      options,
    );
  });

  Deno.test(`zstd (${implementation}) skips skippable frames`, async () => {
    const skippable = [0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3];
    const input = new Uint8Array([...skippable, ...VALID, ...skippable]);
    assert.deepEqual(await zstdDecompress(input, options), TEXT);
  });
}

Deno.test("zstd rejects bad arguments with RangeError", async () => {
  for (const level of [0, 23, 2.5, Number.NaN]) {
    assert.throws(() => new ZstdCompressionStream({ level }), {
      name: "RangeError",
      message:
        `Cannot compress with zstd: level must be an integer from 1 to 22, received ${level}`,
    });
    await assert.rejects(zstdCompress(TEXT, level), RangeError);
  }
  for (const maxOutputBytes of [0, -1, 1.5, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new ZstdDecompressionStream({ maxOutputBytes }), {
      name: "RangeError",
      message:
        `Cannot decompress with zstd: maxOutputBytes must be a positive integer, received ${maxOutputBytes}`,
    });
    await assert.rejects(zstdDecompress(VALID, { maxOutputBytes }), RangeError);
  }
  assert.throws(
    // @ts-expect-error: not an implementation
    () => new ZstdDecompressionStream({ implementation: "fast" }),
    {
      name: "RangeError",
      message:
        'Cannot use zstd: implementation must be "auto", "wasm" or "native", received "fast"',
    },
  );
});
