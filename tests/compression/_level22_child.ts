// A child process for decode_content_encoding_test.ts: compresses at level 22 on both
// engines. Level 22 grows the encoders' memory by hundreds of MiB (the WASM instance keeps
// it), and the long body's checks allocate tens of MiB more: in the test process shared by
// `deno test --parallel`, that would show in the RSS the memory tests measure.
//
// Writes the small JSON body's frames to the directory it is given, for the parent to
// check; checks the long body's frames itself and exits 1 with the reason if one fails.

import assert from "node:assert/strict";
import {
  decodeContentEncoding,
  zstdCompress,
  ZstdCompressionStream,
  zstdDecompress,
} from "../../lib/compression/mod.ts";
import {
  assertSameBytes,
  LEVEL_22_JSON,
  longMatchBody,
  zstdCliDecompress,
} from "./_zstd_helpers.ts";

const dir = Deno.args[0];
const long = longMatchBody();
for (const implementation of ["wasm", "native"] as const) {
  const options = { level: 22, implementation };
  await Deno.writeFile(
    `${dir}/${implementation}-json-whole.zst`,
    await zstdCompress(LEVEL_22_JSON, options),
  );
  await Deno.writeFile(
    `${dir}/${implementation}-json-stream.zst`,
    ReadableStream.from([LEVEL_22_JSON]).pipeThrough(new ZstdCompressionStream(options)),
  );
  const compressed = await zstdCompress(long, options);
  // Noise is incompressible: 5 MiB shrink to about 2 only through matches reaching back
  // megabytes (WASM starts a fresh frame after 4 MiB: one more 1 MiB of noise).
  assert(compressed.length < 2.5 * 1024 * 1024, `${implementation} found the long matches`);
  assertSameBytes(await decodeContentEncoding(compressed, "zstd"), long);
  assertSameBytes(await zstdDecompress(compressed, { implementation: "native" }), long);
  assertSameBytes(await zstdCliDecompress(compressed), long);
}
