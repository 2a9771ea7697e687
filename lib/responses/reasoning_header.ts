/**
 * The reasoning summary's status header, as the Codex TUI shows it.
 *
 * @module
 */

import type { ResponseEvent } from "./response_event.ts";

/**
 * The header of a reasoning summary buffer: the trimmed text between the first `**` and
 * the next `**`. `undefined` when there is no closing `**` yet or the text between is empty.
 *
 * @param text The summary text received so far in the current part.
 * @returns The header, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { reasoningHeader } from "./reasoning_header.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(reasoningHeader("**Planning the fix**\n\nFirst I read"), "Planning the fix");
 * assert.equal(reasoningHeader("**Planning the f"), undefined);
 * assert.equal(reasoningHeader("** **"), undefined);
 * ```
 */
export function reasoningHeader(text: string): string | undefined {
  const open = text.indexOf("**");
  if (open === -1) return undefined;
  const close = text.indexOf("**", open + 2);
  if (close === -1) return undefined;
  const inner = text.slice(open + 2, close).trim();
  return inner === "" ? undefined : inner;
}

/**
 * Follows reasoning summary events and keeps the current status header: each summary
 * part gets its own header; a part whose header is not complete yet keeps the previous one.
 *
 * @example Usage
 * ```ts
 * import { ReasoningHeaderTracker } from "./reasoning_header.ts";
 * import assert from "node:assert/strict";
 *
 * const tracker = new ReasoningHeaderTracker();
 * tracker.update({ type: "reasoningSummaryDelta", delta: "**Reading", summaryIndex: 0 });
 * assert.equal(tracker.header, undefined);
 * tracker.update({ type: "reasoningSummaryDelta", delta: " files**\n", summaryIndex: 0 });
 * assert.equal(tracker.header, "Reading files");
 * tracker.update({ type: "reasoningSummaryPartAdded", summaryIndex: 1 });
 * tracker.update({ type: "reasoningSummaryDelta", delta: "**Fixing", summaryIndex: 1 });
 * assert.equal(tracker.header, "Reading files");
 * ```
 */
export class ReasoningHeaderTracker {
  #buffer = "";
  #header: string | undefined;

  /** The current header, if one was found. */
  get header(): string | undefined {
    return this.#header;
  }

  /**
   * Takes the next event; other event types are ignored.
   *
   * @param event A response event.
   * @returns Whether the header changed.
   */
  update(event: ResponseEvent): boolean {
    if (event.type === "reasoningSummaryPartAdded") {
      this.#buffer = "";
      return false;
    }
    if (event.type !== "reasoningSummaryDelta") return false;
    this.#buffer += event.delta;
    const next = reasoningHeader(this.#buffer);
    if (next === undefined || next === this.#header) return false;
    this.#header = next;
    return true;
  }
}
