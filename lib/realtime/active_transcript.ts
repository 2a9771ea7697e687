/**
 * {@linkcode ActiveTranscript}: what was said since the last handoff, built from the
 * transcript events (the server does not send it).
 *
 * @module
 */

import type { RealtimeTranscriptEntry } from "./realtime_event.ts";

/** The most text the active transcript keeps: its last 8 KiB, counted in UTF-8 bytes. */
export const ACTIVE_TRANSCRIPT_LIMIT = 8 * 1024;

/**
 * The active transcript of a realtime connection. Deltas extend the last entry when it has
 * the same role (unless a new entry was started: by speech start on the user side, by a new
 * response on the assistant side, and on both sides after each handoff); a done event
 * replaces that entry's text. A handoff takes every entry since the previous one, adding
 * the handoff's own input as a user entry if it is not there yet. Only the last 8 KiB of
 * text is kept.
 *
 * @example Usage
 * ```ts
 * import { ActiveTranscript } from "./active_transcript.ts";
 * import assert from "node:assert/strict";
 *
 * const transcript = new ActiveTranscript();
 * transcript.add("assistant", "assistant context", false);
 * transcript.add("user", "delegated query", false);
 * transcript.add("assistant", "assist confirm", false);
 * assert.deepEqual(transcript.takeForHandoff("ignored").map((entry) => entry.role), [
 *   "assistant", "user", "assistant", "user",
 * ]);
 * ```
 */
export class ActiveTranscript {
  #entries: RealtimeTranscriptEntry[] = [];
  #newUser = false;
  #newAssistant = false;

  /**
   * Adds a delta (appended) or a done text (replacing the in-progress entry).
   *
   * @param role Who spoke.
   * @param text The delta or the whole text.
   * @param done Whether `text` is the whole text of the entry.
   */
  add(role: "user" | "assistant", text: string, done: boolean): void {
    const startNew = role === "user" ? this.#newUser : this.#newAssistant;
    const last = this.#entries.at(-1);
    if (last !== undefined && last.role === role && !startNew) {
      last.text = done ? text : last.text + text;
    } else {
      this.#entries.push({ role, text });
    }
    if (role === "user") this.#newUser = false;
    else this.#newAssistant = false;
    this.#cap();
  }

  /** Starts a new user entry at the next user text (the user began speaking). */
  startUserEntry(): void {
    this.#newUser = true;
  }

  /** Starts a new assistant entry at the next assistant text (a response began). */
  startAssistantEntry(): void {
    this.#newAssistant = true;
  }

  /**
   * Takes the entries since the previous handoff.
   *
   * @param inputTranscript The handoff's input, added as a user entry when missing.
   * @returns The entries.
   */
  takeForHandoff(inputTranscript: string): RealtimeTranscriptEntry[] {
    if (
      inputTranscript !== "" &&
      !this.#entries.some((entry) => entry.role === "user" && entry.text === inputTranscript)
    ) {
      this.#entries.push({ role: "user", text: inputTranscript });
      this.#cap();
    }
    const taken = this.#entries;
    this.#entries = [];
    this.#newUser = true;
    this.#newAssistant = true;
    return taken;
  }

  #cap(): void {
    const sizes = this.#entries.map((entry) => utf8Length(entry.text));
    let total = sizes.reduce((sum, size) => sum + size, 0);
    while (total > ACTIVE_TRANSCRIPT_LIMIT && this.#entries.length > 0) {
      const excess = total - ACTIVE_TRANSCRIPT_LIMIT;
      if (sizes[0] <= excess) {
        this.#entries.shift();
        total -= sizes.shift() ?? 0;
      } else {
        const first = this.#entries[0];
        first.text = dropUtf8Prefix(first.text, excess);
        const size = utf8Length(first.text);
        total -= sizes[0] - size;
        sizes[0] = size;
      }
    }
  }
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

function utf8Length(text: string): number {
  return ENCODER.encode(text).byteLength;
}

// Drops at least `bytes` UTF-8 bytes from the front, moving on to the next whole character.
function dropUtf8Prefix(text: string, bytes: number): string {
  const encoded = ENCODER.encode(text);
  let start = bytes;
  while (start < encoded.length && (encoded[start] & 0xc0) === 0x80) start++;
  return DECODER.decode(encoded.subarray(start));
}
