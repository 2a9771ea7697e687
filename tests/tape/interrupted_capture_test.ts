import assert from "node:assert/strict";
import { Tape } from "../../lib/tape/mod.ts";
import { within } from "./_tape_helpers.ts";

Deno.test("a capture killed mid-stream leaves a tape readable up to its last line", async () => {
  const out = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_capture_child.ts", import.meta.url).pathname, out],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      const first = await within(reader.read(), "the child to say ready", 30_000);
      assert.equal(first.value?.trim(), "ready");
    } finally {
      child.kill("SIGKILL");
      await reader.cancel();
      await child.status;
    }
    const tape = await Tape.read(out);
    const [exchange] = tape.http;
    assert.equal(exchange.request.method, "POST");
    assert.equal(exchange.response?.status, 200);
    const text = exchange.chunks.map((c) => "text" in c.data ? c.data.text : "").join("");
    assert.equal(text, 'data: {"n":1}\n\ndata: {"n":2}\n\n');
    assert.equal(exchange.end, undefined, "the body never ended");
    assert.equal(exchange.error, undefined);
  } finally {
    await Deno.remove(out);
  }
});
