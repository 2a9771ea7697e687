import assert from "node:assert/strict";
import { decodeRequestBody } from "../../lib/testing/_decode_request_body.ts";

const encoder = new TextEncoder();

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("decodeRequestBody passes identity bodies through", async () => {
  const bytes = encoder.encode("{}");
  for (const encoding of [null, "", "identity", " Identity "]) {
    assert.deepEqual(await decodeRequestBody(bytes, encoding), bytes);
  }
});

Deno.test("decodeRequestBody inflates gzip, also inside a list of codings", async () => {
  const bytes = encoder.encode('{"input":"hello"}');
  assert.deepEqual(await decodeRequestBody(await gzip(bytes), "gzip"), bytes);
  assert.deepEqual(await decodeRequestBody(await gzip(bytes), "identity, GZIP"), bytes);
  const twice = await gzip(new Uint8Array(await gzip(bytes)));
  assert.deepEqual(await decodeRequestBody(twice, "gzip, gzip"), bytes);
});

Deno.test("decodeRequestBody rejects unsupported codings and corrupt gzip", async () => {
  await assert.rejects(
    decodeRequestBody(encoder.encode("x"), "zstd"),
    new TypeError(
      'Cannot decode request body: unsupported content-encoding "zstd", expected gzip or identity',
    ),
  );
  await assert.rejects(
    decodeRequestBody(encoder.encode("not gzip"), "gzip"),
    new TypeError("Cannot decode request body: the gzip data is invalid"),
  );
});
