/**
 * {@linkcode ActiveTranscript}: what was said since the last handoff, built from the
 * transcript events (the server does not send it).
 *
 * @module
 */

import type { RealtimeTranscriptEntry } from "./realtime_event.ts";

/** The most text the active transcript keeps: its last 8 KiB of characters. */
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
    let total = 0;
    for (const entry of this.#entries) total += entry.text.length;
    while (total > ACTIVE_TRANSCRIPT_LIMIT && this.#entries.length > 0) {
      const first = this.#entries[0];
      const excess = total - ACTIVE_TRANSCRIPT_LIMIT;
      if (first.text.length <= excess) {
        this.#entries.shift();
        total -= first.text.length;
      } else {
        first.text = first.text.slice(excess);
        total -= excess;
      }
    }
  }
}
