// Shared helpers of the compression tests: the zstd CLI, deterministic text, assertions.

import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";

/** Both engines; every behaviour test runs on each. */
export const IMPLEMENTATIONS = ["wasm", "native"] as const;

const encoder = new TextEncoder();

/**
 * Runs the `zstd` CLI with `input` on stdin and returns its stdout; fails on a non-zero
 * exit with its stderr.
 */
export async function runZstd(args: readonly string[], input?: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command("zstd", {
    args: ["-q", ...args],
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const feed = (async () => {
    if (input === undefined) return;
    const writer = child.stdin.getWriter();
    await writer.write(input);
    await writer.close();
  })();
  const [, output] = await Promise.all([feed, child.output()]);
  if (!output.success) {
    throw new Error(`zstd ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return output.stdout;
}

/** Compresses `input` with the CLI from a file (the frame records the content size). */
export async function zstdCliFromFile(input: Uint8Array, level: number): Promise<Uint8Array> {
  const path = await Deno.makeTempFile({ suffix: ".bin" });
  try {
    await Deno.writeFile(path, input);
    return await runZstd([`-${level}`, "-c", path]);
  } finally {
    await Deno.remove(path);
  }
}

/** Compresses `input` with the CLI from a pipe (`cat f | zstd`: no content size). */
export function zstdCliFromPipe(input: Uint8Array, level: number): Promise<Uint8Array> {
  return runZstd([`-${level}`, "-c"], input);
}

/** Decompresses with the CLI (`zstd -d`), reading a pipe. */
export function zstdCliDecompress(input: Uint8Array): Promise<Uint8Array> {
  return runZstd(["-d", "-c"], input);
}

/**
 * Deterministic, varied text of `size` bytes: JSON-ish lines of words drawn from a
 * generated vocabulary, so that it compresses like a real request body (about 3–4×).
 */
export function makeText(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const syllables = ["ka", "lo", "mi", "ten", "ser", "va", "ri", "on", "de", "pa", "tro", "nex"];
  const words = Array.from({ length: 2000 }, () => {
    let word = "";
    for (let i = 1 + Math.floor(random() * 4); i > 0; i--) {
      word += syllables[Math.floor(random() * syllables.length)];
    }
    return word;
  });
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const count = 5 + Math.floor(random() * 40);
    const line: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = random();
      line.push(words[Math.floor(words.length * r * r)]);
    }
    const text = `{"id":${Math.floor(random() * 1e9)},"text":"${line.join(" ")}"}\n`;
    parts.push(text);
    length += text.length;
  }
  return encoder.encode(parts.join("")).slice(0, size);
}

/** Reads a stream to its end and joins its chunks. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return await new Response(stream as ReadableStream<Uint8Array<ArrayBuffer>>).bytes();
}

/** Asserts that `promise` rejects with a compression `CodexWireError` with this message. */
export async function assertCompressionError(
  promise: Promise<unknown>,
  message: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert(error instanceof CodexWireError, `expected a CodexWireError, got ${error}`);
    assert.equal(error.kind, "compression");
    assert.equal(error.message, message);
    return true;
  });
}

/** Byte-for-byte equality with a short failure message (no multi-megabyte diffs). */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.length, expected.length, "lengths differ");
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) assert.fail(`bytes differ at offset ${i}`);
  }
}

/** The small JSON body that `_level22_child.ts` compresses at level 22. */
export const LEVEL_22_JSON: Uint8Array<ArrayBuffer> = encoder.encode(
  '{"model":"m","input":"hi"}',
);

/**
 * 1 MiB of noise repeated five times (5 MiB): the encoder's matches reach back 1 to 4 MiB,
 * the whole of a WASM frame's input, so a frame decodes only if its declared window is
 * really enough.
 */
export function longMatchBody(): Uint8Array<ArrayBuffer> {
  const noise = new Uint8Array(1024 * 1024);
  let seed = 7;
  for (let i = 0; i < noise.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    noise[i] = seed >>> 24;
  }
  const body = new Uint8Array(5 * noise.length);
  for (let i = 0; i < 5; i++) body.set(noise, i * noise.length);
  return body;
}
