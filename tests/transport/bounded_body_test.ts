import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { readBoundedText, readBytesUpTo } from "../../lib/transport/bounded_body.ts";

function stalling(first: string): { response: Response; cancelled: Promise<void> } {
  let cancelled!: () => void;
  const done = new Promise<void>((resolve) => cancelled = resolve);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
    cancel() {
      cancelled();
    },
  });
  return { response: new Response(body), cancelled: done };
}

Deno.test("readBoundedText returns a short body whole", async () => {
  assert.deepEqual(await readBoundedText(new Response("héllo"), { idleTimeoutMs: 1000 }), {
    text: "héllo",
  });
  assert.deepEqual(await readBoundedText(new Response(null), { idleTimeoutMs: 1000 }), {
    text: "",
  });
});

Deno.test("readBoundedText keeps the prefix of a body over maxBytes and cancels the rest", async () => {
  assert.deepEqual(
    await readBoundedText(new Response("abcdef"), { maxBytes: 6, idleTimeoutMs: 1000 }),
    { text: "abcdef" },
  );
  assert.deepEqual(
    await readBoundedText(new Response("abcdefg"), { maxBytes: 6, idleTimeoutMs: 1000 }),
    { text: "abcdef", stopped: "tooLarge" },
  );
});

Deno.test("readBoundedText stops a stalled body after the idle timeout and cancels it", async () => {
  const { response, cancelled } = stalling("partial");
  assert.deepEqual(await readBoundedText(response, { idleTimeoutMs: 20 }), {
    text: "partial",
    stopped: "stalled",
  });
  await cancelled;
});

Deno.test("readBoundedText rejects with aborted when its signal fires", async () => {
  const { response, cancelled } = stalling("partial");
  const controller = new AbortController();
  const reading = readBoundedText(response, { idleTimeoutMs: Infinity, signal: controller.signal });
  controller.abort();
  await assert.rejects(reading, (error: unknown) => {
    assert(error instanceof CodexWireError);
    assert.equal(error.kind, "aborted");
    return true;
  });
  await cancelled;
});

Deno.test("readBytesUpTo reads up to its bound and refuses more", async () => {
  assert.deepEqual(
    await readBytesUpTo(new Response("abc").body, 3),
    new TextEncoder().encode("abc"),
  );
  assert.equal(await readBytesUpTo(new Response("abcd").body, 3), undefined);
  assert.deepEqual(await readBytesUpTo(null, 3), new Uint8Array(0));
});
