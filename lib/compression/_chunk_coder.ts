/**
 * The shape every engine behind the streams has.
 *
 * @module
 */

/**
 * A push-based coder: input goes in with `push`, output leaves through the `onChunk`
 * callback it was created with, as soon as it exists.
 */
export interface ChunkCoder {
  /** Feeds the next input bytes; settles once they were consumed. */
  push(chunk: Uint8Array): void | Promise<void>;
  /** Ends the input and delivers the rest of the output. */
  finish(): void | Promise<void>;
  /** Frees the engine's state; safe to call more than once, and after `finish`. */
  close(): void;
}
