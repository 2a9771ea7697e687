import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { encodeWavHeader, readWav, WAV_UNKNOWN_SIZE, WavWriter } from "../../lib/audio/wav.ts";

function chunks(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    parts.push(bytes.slice(offset, offset + size));
  }
  return ReadableStream.from(parts);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function fmtChunk(formatTag: number, channels: number, rate: number, bits: number): Uint8Array {
  const chunk = new Uint8Array(24);
  const view = new DataView(chunk.buffer);
  chunk.set([0x66, 0x6d, 0x74, 0x20]);
  view.setUint32(4, 16, true);
  view.setUint16(8, formatTag, true);
  view.setUint16(10, channels, true);
  view.setUint32(12, rate, true);
  view.setUint32(16, rate * channels * bits / 8, true);
  view.setUint16(20, channels * bits / 8, true);
  view.setUint16(22, bits, true);
  return chunk;
}

function riff(...chunksIn: Uint8Array[]): Uint8Array {
  const head = new Uint8Array(12);
  head.set([0x52, 0x49, 0x46, 0x46]);
  new DataView(head.buffer).setUint32(4, 4 + chunksIn.reduce((s, c) => s + c.length, 0), true);
  head.set([0x57, 0x41, 0x56, 0x45], 8);
  return concat(head, ...chunksIn);
}

function dataChunk(bytes: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  head.set([0x64, 0x61, 0x74, 0x61]);
  new DataView(head.buffer).setUint32(4, bytes.length, true);
  return concat(head, bytes);
}

const isAudioError = (pattern: RegExp) => (error: unknown) =>
  error instanceof CodexWireError && error.kind === "audio" && pattern.test(error.message);

Deno.test("readWav streams the data of a file split into 1-byte chunks, skipping other chunks", async () => {
  const samples = new Uint8Array(100).map((_, index) => index);
  const list = concat(new Uint8Array([0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0]));
  const wav = await readWav(
    chunks(riff(fmtChunk(1, 2, 48_000, 16), list, dataChunk(samples), new Uint8Array(9)), 1),
  );
  assert.deepEqual({ rate: wav.sampleRate, channels: wav.numChannels, bytes: wav.dataBytes }, {
    rate: 48_000,
    channels: 2,
    bytes: 100,
  });
  // Bytes after the data chunk are not data.
  assert.deepEqual(new Uint8Array(await new Response(wav.data).arrayBuffer()), samples);
});

Deno.test("readWav with the unknown-size marker reads to the end", async () => {
  const body = new Uint8Array(50).fill(7);
  const wav = await readWav(
    chunks(concat(encodeWavHeader({ sampleRate: 24_000, numChannels: 1 }), body), 13),
  );
  assert.equal(wav.dataBytes, undefined);
  assert.deepEqual(new Uint8Array(await new Response(wav.data).arrayBuffer()), body);
});

Deno.test("readWav refuses files that are not PCM16 WAV with an audio error", async () => {
  await assert.rejects(
    readWav(chunks(riff(fmtChunk(3, 1, 24_000, 32), dataChunk(new Uint8Array(8))), 64)),
    isAudioError(/not PCM16/),
  );
  await assert.rejects(
    readWav(chunks(riff(fmtChunk(1, 1, 24_000, 8), dataChunk(new Uint8Array(8))), 64)),
    isAudioError(/not PCM16/),
  );
  await assert.rejects(
    readWav(chunks(new TextEncoder().encode("OggS not a wav file"), 64)),
    isAudioError(/RIFF\/WAVE/),
  );
  await assert.rejects(
    readWav(chunks(new Uint8Array(4), 64)),
    isAudioError(/shorter than its header/),
  );
  await assert.rejects(
    readWav(chunks(riff(fmtChunk(1, 1, 24_000, 16)), 64)),
    isAudioError(/ends before its data chunk/),
  );
  await assert.rejects(
    readWav(chunks(riff(dataChunk(new Uint8Array(2))), 64)),
    isAudioError(/before fmt/),
  );
});

Deno.test("readWav does not buffer a chunk that claims more than the header limit", async () => {
  // A "LIST" chunk claiming 64 MiB, followed by an endless stream: reading it whole would
  // never end (or fill memory); it is refused at once.
  const head = riff(fmtChunk(1, 1, 24_000, 16));
  const list = new Uint8Array(8);
  list.set([0x4c, 0x49, 0x53, 0x54]);
  new DataView(list.buffer).setUint32(4, 64 << 20, true);
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(concat(head, list));
    },
    pull(controller) {
      pulled++;
      if (pulled > 1_000) controller.error(new Error("read far past the header limit"));
      else controller.enqueue(new Uint8Array(64 * 1024));
    },
  });
  await assert.rejects(readWav(endless), isAudioError(/no data chunk in the first MiB/));
});

Deno.test("WavWriter patches the sizes on a file", async () => {
  const path = await Deno.makeTempFile({ suffix: ".wav" });
  try {
    {
      using file = await Deno.open(path, { write: true });
      const writer = new WavWriter(file, { sampleRate: 24_000, numChannels: 1 });
      await writer.write(new Uint8Array([1, 2, 3]));
      await writer.write(new Uint8Array([4, 5, 6]));
      await writer.close();
      assert.equal(writer.dataBytes, 6);
    }
    const bytes = await Deno.readFile(path);
    const view = new DataView(bytes.buffer);
    assert.equal(bytes.length, 50);
    assert.equal(view.getUint32(4, true), 42);
    assert.equal(view.getUint32(40, true), 6);
    assert.deepEqual(bytes.subarray(44), new Uint8Array([1, 2, 3, 4, 5, 6]));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("WavWriter on a pipe keeps the unknown-size marker, and readWav reads it back", async () => {
  const written: Uint8Array[] = [];
  const pipe = {
    write(bytes: Uint8Array): Promise<number> {
      written.push(bytes.slice());
      return Promise.resolve(bytes.length);
    },
  };
  const writer = new WavWriter(pipe, { sampleRate: 24_000, numChannels: 1 });
  await writer.write(new Uint8Array(960).fill(1));
  await writer.close();
  const bytes = concat(...written);
  assert.equal(new DataView(bytes.buffer).getUint32(40, true), WAV_UNKNOWN_SIZE);
  const wav = await readWav(ReadableStream.from([bytes]));
  assert.equal(wav.dataBytes, undefined);
  assert.equal((await new Response(wav.data).arrayBuffer()).byteLength, 960);
});
