import assert from "node:assert/strict";
import { ResponsesClient } from "../../lib/responses/mod.ts";
import { withReplay } from "../../lib/tape/mod.ts";

const HELLO_TAPE = new URL("../../fixtures/tapes/hello.jsonl", import.meta.url);

Deno.test(
  "withReplay runs a test against the bundled demo tape and closes the server after it",
  withReplay(HELLO_TAPE, async (server) => {
    const client = new ResponsesClient({ baseUrl: server.baseUrl, apiKey: "sk-any" });
    const stream = client.stream({ model: "gpt-5.2-codex", input: "Say hello" });
    const text = await stream.finalText();
    assert.ok(text.length > 0);
    assert.equal(server.unmatched, 0);
  }),
);

Deno.test("withReplay closes the server when the test body throws", async () => {
  let url = "";
  const test = withReplay(HELLO_TAPE, (server) => {
    url = server.url;
    throw new Error("the test failed");
  });
  await assert.rejects(test({} as Deno.TestContext), /the test failed/);
  await assert.rejects(fetch(url), TypeError);
});
