/**
 * The encoder behind `ZstdCompressionStream` and `zstdCompress`: the native `node:zlib`
 * stream or the WASM frame encoder.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { concatBytes } from "./_bytes.ts";
import type { ChunkCoder } from "./_chunk_coder.ts";
import { zstdEncodeError } from "./_errors.ts";
import { NativeStreamDriver, type NativeZlib, resolveNativeZlib } from "./_native_zstd.ts";
import { HTTP_MAX_WINDOW_LOG } from "./_options.ts";
import {
  capFrameWindow,
  loadWasmCompress,
  WASM_FRAME_INPUT_BYTES,
  WasmFrameEncoder,
} from "./_wasm_encoder.ts";
import type { ZstdImplementation } from "./zstd_implementation.ts";

/** What {@linkcode createZstdEncoder} needs. */
export interface ZstdEncoderOptions {
  /** The compression level, 1 to 22. */
  level: number;
  /** Which engine. */
  implementation: ZstdImplementation;
  /** Receives each output chunk. */
  onChunk: (chunk: Uint8Array) => void;
}

/**
 * Creates an encoder, loading its engine on first use.
 *
 * @param options The level, the engine and the output callback.
 * @returns The encoder.
 */
export async function createZstdEncoder(options: ZstdEncoderOptions): Promise<ChunkCoder> {
  const zlib = await resolveNativeZlib(options.implementation);
  if (zlib === undefined) {
    return new WasmFrameEncoder(await loadWasmCompress(), options);
  }
  const driver = new NativeStreamDriver(
    zlib.createZstdCompress({
      params: nativeParams(zlib, options.level),
    }),
    { onData: options.onChunk, mapError: nativeEncodeError },
  );
  return {
    push: (chunk) => driver.write(chunk),
    async finish(): Promise<void> {
      try {
        await driver.end();
      } finally {
        driver.destroy();
      }
    },
    close: () => driver.destroy(),
  };
}

/**
 * Compresses a whole buffer: `zstdCompressSync` on the native engine (one frame), frames
 * of {@linkcode WASM_FRAME_INPUT_BYTES} straight from the caller's bytes on WASM. No
 * stream machinery and no copy of the input.
 *
 * @param bytes The input.
 * @param options The level and the engine.
 * @returns The zstd frames.
 */
export async function compressWhole(
  bytes: Uint8Array,
  options: { level: number; implementation: ZstdImplementation },
): Promise<Uint8Array> {
  const zlib = await resolveNativeZlib(options.implementation);
  if (zlib !== undefined) {
    try {
      const output = zlib.zstdCompressSync(bytes, {
        params: nativeParams(zlib, options.level),
      });
      return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
    } catch (error) {
      throw nativeEncodeError(error);
    }
  }
  const compress = await loadWasmCompress();
  const frames: Uint8Array[] = [];
  let offset = 0;
  do {
    const block = bytes.subarray(offset, offset + WASM_FRAME_INPUT_BYTES);
    try {
      frames.push(capFrameWindow(compress(block, options.level)));
    } catch (error) {
      throw zstdEncodeError("the WASM zstd encoder failed", error);
    }
    offset += block.length;
  } while (offset < bytes.length);
  return frames.length === 1 ? frames[0] : concatBytes(frames);
}

/**
 * The native encoder's parameters: the level, and for levels 20 to 22 a window log held
 * to {@linkcode HTTP_MAX_WINDOW_LOG} (their own 25 to 27 make frames an HTTP server may
 * refuse).
 */
function nativeParams(zlib: NativeZlib, level: number): Record<number, number> {
  const params: Record<number, number> = { [zlib.constants.ZSTD_c_compressionLevel]: level };
  if (level > 19) params[zlib.constants.ZSTD_c_windowLog] = HTTP_MAX_WINDOW_LOG;
  return params;
}

function nativeEncodeError(error: unknown): unknown {
  if (error instanceof CodexWireError) return error;
  return zstdEncodeError("the native zstd encoder failed", error);
}
