// decodeContentEncoding: every Content-Encoding the servers accept, lists, letter case,
// limits and the errors.

import assert from "node:assert/strict";
import { deflateRawSync, deflateSync } from "node:zlib";
import { decodeContentEncoding, zstdCompress, zstdDecompress } from "../../lib/compression/mod.ts";
import {
  assertCompressionError,
  assertSameBytes,
  LEVEL_22_JSON,
  makeText,
  readAll,
  runZstd,
  zstdCliDecompress,
} from "./_zstd_helpers.ts";

const BODY = makeText(100_000, 21);

function webCompress(bytes: Uint8Array, format: CompressionFormat): Promise<Uint8Array> {
  return readAll(
    ReadableStream.from([bytes as Uint8Array<ArrayBuffer>]).pipeThrough(
      new CompressionStream(format),
    ),
  );
}

Deno.test("decodeContentEncoding decodes zstd, whatever the letter case", async () => {
  const zstd = await zstdCompress(BODY);
  for (const encoding of ["zstd", "ZSTD", " Zstd "]) {
    assertSameBytes(await decodeContentEncoding(zstd, encoding), BODY);
  }
  for (const implementation of ["wasm", "native"] as const) {
    assertSameBytes(await decodeContentEncoding(zstd, "zstd", { implementation }), BODY);
  }
});

Deno.test("decodeContentEncoding decodes gzip and x-gzip", async () => {
  const gzip = await webCompress(BODY, "gzip");
  assertSameBytes(await decodeContentEncoding(gzip, "gzip"), BODY);
  assertSameBytes(await decodeContentEncoding(gzip, "X-GZIP"), BODY);
});

Deno.test("decodeContentEncoding decodes deflate, zlib-wrapped or raw", async () => {
  assertSameBytes(await decodeContentEncoding(await webCompress(BODY, "deflate"), "deflate"), BODY);
  assertSameBytes(await decodeContentEncoding(deflateSync(BODY), "Deflate"), BODY);
  assertSameBytes(await decodeContentEncoding(deflateRawSync(BODY), "deflate"), BODY);
});

Deno.test("decodeContentEncoding passes identity, null and an empty header through", async () => {
  for (const encoding of [null, "", "identity", "IDENTITY", " , identity"]) {
    assert.equal(await decodeContentEncoding(BODY, encoding), BODY);
  }
});

Deno.test("decodeContentEncoding undoes a list of codings last-applied first", async () => {
  const twice = await zstdCompress(await webCompress(BODY, "gzip"));
  assertSameBytes(await decodeContentEncoding(twice, "gzip, zstd"), BODY);
  assertSameBytes(await decodeContentEncoding(twice, "gzip,identity, zstd"), BODY);
});

Deno.test("decodeContentEncoding returns an empty body as it is", async () => {
  for (const encoding of ["zstd", "gzip", "deflate"]) {
    assert.equal((await decodeContentEncoding(new Uint8Array(0), encoding)).length, 0);
  }
});

Deno.test("decodeContentEncoding rejects an unknown encoding before decoding anything", async () => {
  await assertCompressionError(
    decodeContentEncoding(BODY, "br"),
    'Cannot decode body: unknown Content-Encoding "br", use zstd, gzip, deflate or identity',
  );
  await assertCompressionError(
    decodeContentEncoding(BODY, "gzip, compress"),
    'Cannot decode body: unknown Content-Encoding "compress", use zstd, gzip, deflate or identity',
  );
});

Deno.test("decodeContentEncoding rejects bytes that do not match the encoding", async () => {
  await assertCompressionError(
    decodeContentEncoding(BODY, "gzip"),
    "Cannot decompress gzip body: the data is corrupted or truncated, check the Content-Encoding header",
  );
  const gzip = await webCompress(BODY, "gzip");
  await assertCompressionError(
    decodeContentEncoding(gzip.subarray(0, gzip.length / 2), "gzip"),
    "Cannot decompress gzip body: the data is corrupted or truncated, check the Content-Encoding header",
  );
  await assertCompressionError(
    decodeContentEncoding(BODY, "deflate"),
    "Cannot decompress deflate body: the data is corrupted or truncated, check the Content-Encoding header",
  );
  await assertCompressionError(
    decodeContentEncoding(gzip, "zstd"),
    "Cannot decompress zstd body: the input is not zstd data, check the Content-Encoding header",
  );
});

Deno.test("decodeContentEncoding stops at maxOutputBytes for every encoding", async () => {
  const zeros = new Uint8Array(8 * 1024 * 1024);
  const options = { maxOutputBytes: 1024 * 1024 };
  await assertCompressionError(
    decodeContentEncoding(await webCompress(zeros, "gzip"), "gzip", options),
    "Cannot decompress gzip body: the output exceeds maxOutputBytes (1048576 bytes), raise maxOutputBytes if the body is trusted",
  );
  await assertCompressionError(
    decodeContentEncoding(deflateSync(zeros), "deflate", options),
    "Cannot decompress deflate body: the output exceeds maxOutputBytes (1048576 bytes), raise maxOutputBytes if the body is trusted",
  );
  await assertCompressionError(
    decodeContentEncoding(await zstdCompress(zeros), "zstd", options),
    "Cannot decompress zstd body: the output exceeds maxOutputBytes (1048576 bytes), raise maxOutputBytes if the body is trusted",
  );
});

Deno.test("decodeContentEncoding refuses a zstd frame that needs a window over 8 MiB, as HTTP's zstd coding allows no more; zstdDecompress still takes it", async () => {
  const json = new TextEncoder().encode('{"model":"m","input":"hi"}');
  // From a pipe the CLI keeps the window it is given: 16 MiB, and exactly 8 MiB.
  const wide = await runZstd(["--zstd=wlog=24", "-c"], json);
  const limit = await runZstd(["--zstd=wlog=23", "-c"], json);
  assert.equal(wide[5], 0x70, "the frame header asks for a 2^24-byte window");
  for (const implementation of ["wasm", "native"] as const) {
    await assertCompressionError(
      decodeContentEncoding(wide, "zstd", { implementation }),
      "Cannot decompress zstd body: frame 1 needs a 16777216-byte window, more than the 8388608 bytes (8 MiB) the zstd content coding allows over HTTP, compress it at zstd level 19 or lower, or with a window log of at most 23 (codexwire's zstdCompress and ZstdCompressionStream always do)",
    );
    assertSameBytes(await decodeContentEncoding(limit, "zstd", { implementation }), json);
    assertSameBytes(await zstdDecompress(wide, { implementation }), json);
  }
});

Deno.test("codexwire's own compressor at level 22 writes bodies that decodeContentEncoding takes: the window stays at 8 MiB, and every decoder restores them", async () => {
  // Level 22 runs in a child process, which also checks a 5 MiB body with matches
  // megabytes apart: their memory stays out of this one.
  const dir = await Deno.makeTempDir();
  try {
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_level22_child.ts", import.meta.url).pathname, dir],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    for (const implementation of ["wasm", "native"] as const) {
      for (const kind of ["whole", "stream"]) {
        const compressed = await Deno.readFile(`${dir}/${implementation}-json-${kind}.zst`);
        assert.equal(compressed[5], 0x68, `${implementation} ${kind}: a 2^23-byte window`);
        assertSameBytes(await decodeContentEncoding(compressed, "zstd"), LEVEL_22_JSON);
        assertSameBytes(await zstdCliDecompress(compressed), LEVEL_22_JSON);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
