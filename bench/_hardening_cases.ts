// One memory case per process, for tests/**/ *_memory_test.ts (small sizes) and
// bench/hardening_memory.ts (full sizes). Prints one JSON line: the growth of the
// process's peak RSS (VmHWM) over the measured part, and what the code under test did.
//
//   deno run -A bench/_hardening_cases.ts make DIR GZIP_MIB ZSTD_MIB   # writes the bombs
//   deno run -A bench/_hardening_cases.ts error-body MIB
//   deno run -A bench/_hardening_cases.ts gzip-bomb DIR MAX_OUTPUT_MIB
//   deno run -A bench/_hardening_cases.ts gzip-post DIR MAX_BODY_MIB
//   deno run -A bench/_hardening_cases.ts zstd-bomb DIR STREAMS
//   deno run -A bench/_hardening_cases.ts zstd-slow DIR
//   deno run -A bench/_hardening_cases.ts sse-bytes MIB

import { constants as zlibConstants, createZstdCompress } from "node:zlib";
import { decodeContentEncoding } from "../lib/compression/decode_content_encoding.ts";
import { ZstdDecompressionStream } from "../lib/compression/zstd_decompression_stream.ts";
import { wasmDecoderHeapBytes } from "../lib/compression/_wasm_decoder.ts";
import { CodexWireError } from "../lib/errors/codex_wire_error.ts";
import { ResponsesClient } from "../lib/responses/responses_client.ts";
import { SseDecoder } from "../lib/sse/sse_decoder.ts";
import { startMockResponsesServer } from "../lib/testing/mock_responses_server.ts";

const MIB = 1024 * 1024;

/** The peak resident set of this process so far, in bytes (Linux). */
function peakRss(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const match = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  return match === null ? Deno.memoryUsage().rss : Number(match[1]) * 1024;
}

function zeros(totalBytes: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  const chunk = new Uint8Array(MIB);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

async function make(dir: string, gzipMiB: number, zstdMiB: number): Promise<void> {
  const gzip = new Uint8Array(
    await new Response(zeros(gzipMiB * MIB).pipeThrough(new CompressionStream("gzip"))).bytes(),
  );
  await Deno.writeFile(`${dir}/bomb.gz`, gzip);
  // Streamed, so the frame has no content size and declares a 128 MiB window.
  const encoder = createZstdCompress({ params: { [zlibConstants.ZSTD_c_windowLog]: 27 } });
  const out: Uint8Array[] = [];
  encoder.on("data", (chunk: Uint8Array) => out.push(chunk));
  const ended = new Promise((resolve, reject) => {
    encoder.on("end", resolve);
    encoder.on("error", reject);
  });
  const chunk = new Uint8Array(MIB);
  for (let i = 0; i < zstdMiB; i++) {
    if (!encoder.write(chunk)) await new Promise((resolve) => encoder.once("drain", resolve));
  }
  encoder.end();
  await ended;
  await Deno.writeFile(
    `${dir}/bomb.zst`,
    new Uint8Array(await new Blob(out as Uint8Array<ArrayBuffer>[]).arrayBuffer()),
  );
}

function outcomeOf(error: unknown): string {
  if (error instanceof CodexWireError) return `${error.kind}: ${error.message.slice(0, 120)}`;
  return `unexpected: ${String(error)}`;
}

async function errorBody(mib: number): Promise<Record<string, unknown>> {
  const piece = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  await using server = startServer(() =>
    new Response(
      new ReadableStream({
        pull(controller) {
          if (sent >= mib * MIB) return controller.close();
          sent += piece.length;
          controller.enqueue(piece);
        },
      }),
      { status: 500 },
    )
  );
  const client = new ResponsesClient({
    baseUrl: server.url,
    apiKey: "sk-test",
    retry: { requestMaxRetries: 0, streamMaxRetries: 0 },
  });
  const before = peakRss();
  let outcome = "no error";
  let bodyBytes = 0;
  try {
    await client.stream({ model: "m", input: "x" }).finalResponse();
  } catch (error) {
    outcome = outcomeOf(error);
    bodyBytes = (error as CodexWireError).body?.length ?? 0;
  }
  return { before, after: peakRss(), outcome, bodyBytes, sentMiB: sent / MIB };
}

function startServer(handler: () => Response) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    await request.body?.cancel();
    return handler();
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function gzipBomb(dir: string, maxOutputMiB: number): Promise<Record<string, unknown>> {
  const bomb = await Deno.readFile(`${dir}/bomb.gz`);
  const before = peakRss();
  let outcome = "no error";
  try {
    await decodeContentEncoding(bomb, "gzip", { maxOutputBytes: maxOutputMiB * MIB });
  } catch (error) {
    outcome = outcomeOf(error);
  }
  return { before, after: peakRss(), outcome, inputBytes: bomb.length };
}

async function gzipPost(dir: string, maxBodyMiB: number): Promise<Record<string, unknown>> {
  const bomb = await Deno.readFile(`${dir}/bomb.gz`);
  await using server = await startMockResponsesServer({ maxRequestBodyBytes: maxBodyMiB * MIB });
  const before = peakRss();
  const response = await fetch(`${server.url}/responses`, {
    method: "POST",
    headers: { "content-encoding": "gzip", "content-type": "application/json" },
    body: bomb,
  });
  const text = await response.text();
  return { before, after: peakRss(), outcome: `${response.status} ${text.slice(0, 100)}` };
}

async function zstdBomb(dir: string, streams: number): Promise<Record<string, unknown>> {
  const bomb = await Deno.readFile(`${dir}/bomb.zst`);
  const before = peakRss();
  const outcomes = await Promise.all(Array.from({ length: streams }, async () => {
    let bytes = 0;
    try {
      await ReadableStream.from([bomb]).pipeThrough(new ZstdDecompressionStream()).pipeTo(
        new WritableStream({
          write(chunk) {
            bytes += chunk.length;
          },
        }),
      );
      return `no error after ${bytes} bytes`;
    } catch (error) {
      return outcomeOf(error);
    }
  }));
  const after = peakRss();
  const heapAfterClose = wasmDecoderHeapBytes();
  return { before, after, outcome: outcomes[0], heapAfterClose, inputBytes: bomb.length };
}

async function zstdSlow(dir: string): Promise<Record<string, unknown>> {
  const bomb = await Deno.readFile(`${dir}/bomb.zst`);
  const before = peakRss();
  const stream = ReadableStream.from([bomb]).pipeThrough(new ZstdDecompressionStream());
  const reader = stream.getReader();
  const first = await reader.read();
  // A slow consumer: the decoder must wait rather than fill the queue.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = peakRss();
  await reader.cancel();
  return { before, after, outcome: `first chunk ${first.value?.length} bytes` };
}

function sseBytes(mib: number): Record<string, unknown> {
  const text = `data: ${"x".repeat(mib * MIB)}\n\n`;
  const bytes = new TextEncoder().encode(text);
  const decoder = new SseDecoder();
  const before = peakRss();
  let messages = 0;
  for (let i = 0; i < bytes.length; i++) messages += decoder.push(bytes.subarray(i, i + 1)).length;
  messages += decoder.end().length;
  return { before, after: peakRss(), outcome: `${messages} message(s)` };
}

if (import.meta.main) {
  const [name, ...rest] = Deno.args;
  let result: Record<string, unknown>;
  switch (name) {
    case "make":
      await make(rest[0], Number(rest[1]), Number(rest[2]));
      Deno.exit(0);
      break;
    case "error-body":
      result = await errorBody(Number(rest[0]));
      break;
    case "gzip-bomb":
      result = await gzipBomb(rest[0], Number(rest[1]));
      break;
    case "gzip-post":
      result = await gzipPost(rest[0], Number(rest[1]));
      break;
    case "zstd-bomb":
      result = await zstdBomb(rest[0], Number(rest[1]));
      break;
    case "zstd-slow":
      result = await zstdSlow(rest[0]);
      break;
    case "sse-bytes":
      result = sseBytes(Number(rest[0]));
      break;
    default:
      throw new Error(`unknown case ${name}`);
  }
  const { before, after, ...rest2 } = result as { before: number; after: number };
  console.log(JSON.stringify({
    case: name,
    args: rest,
    peakGrowthMiB: Math.round((after - before) / MIB * 10) / 10,
    peakMiB: Math.round(after / MIB),
    ...rest2,
  }));
}
