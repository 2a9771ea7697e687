// A child process for interrupted_capture_test.ts: captures a stream that never ends,
// says "ready" once two chunks went through, then waits to be killed.
import { startMockResponsesServer } from "../../lib/testing/mod.ts";
import { startCaptureProxy } from "../../lib/tape/mod.ts";

const out = Deno.args[0];
const upstream = await startMockResponsesServer({
  responses: [{
    chunks: ['data: {"n":1}\n\n', { data: 'data: {"n":2}\n\n', delayMs: 20 }],
    keepOpen: true,
  }],
});
const proxy = await startCaptureProxy({ upstream: upstream.url, out });
const response = await fetch(`${proxy.baseUrl}/responses`, { method: "POST", body: "{}" });
const reader = response.body!.getReader();
let text = "";
while (!text.includes('"n":2')) text += new TextDecoder().decode((await reader.read()).value);
console.log("ready");
await new Promise(() => {});
