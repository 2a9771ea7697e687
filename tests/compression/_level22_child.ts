// A child process for decode_content_encoding_test.ts: compresses at level 22 on both
// engines and writes the frames to the directory it is given. Level 22 grows the encoders'
// memory by hundreds of MiB (the WASM instance keeps it), which would show in the RSS of
// the memory tests sharing the test process; here it stays in a process of its own.

import { zstdCompress, ZstdCompressionStream } from "../../lib/compression/mod.ts";
import { LEVEL_22_JSON, longMatchBody } from "./_zstd_helpers.ts";

const dir = Deno.args[0];
const long = longMatchBody();
for (const implementation of ["wasm", "native"] as const) {
  const options = { level: 22, implementation };
  await Deno.writeFile(
    `${dir}/${implementation}-json-whole.zst`,
    await zstdCompress(LEVEL_22_JSON, options),
  );
  const streamed = ReadableStream.from([LEVEL_22_JSON]).pipeThrough(
    new ZstdCompressionStream(options),
  );
  await Deno.writeFile(`${dir}/${implementation}-json-stream.zst`, streamed);
  await Deno.writeFile(
    `${dir}/${implementation}-long-whole.zst`,
    await zstdCompress(long, options),
  );
}
