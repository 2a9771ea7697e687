/**
 * {@linkcode ResponseStream}: the events of one response, consumed once.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import type { RateLimitSnapshot } from "../ratelimits/rate_limit_snapshot.ts";
import type { MessageItem, ResponseItem } from "../schema/response_item.ts";
import type { ResponseEvent, TokenUsage } from "./response_event.ts";
import { streamClosedError } from "./sse_turn.ts";
import type { BatchedEvents } from "./_event_batches.ts";

/** What {@linkcode ResponseStream.finalResponse} gathers from a stream. */
export interface FinalResponse {
  /** The response id. */
  responseId: string;
  /**
   * The assistant's text: the `output_text` of its `final_answer` messages (of all its
   * messages when none has a phase; the streamed deltas when there were no items).
   */
  text: string;
  /** Every output item, in order. */
  items: ResponseItem[];
  /** Token usage, or `null`. */
  tokenUsage: TokenUsage | null;
  /** Whether the turn ends here, when the server said. */
  endTurn?: boolean;
  /** The last model the server reported, if any. */
  serverModel?: string;
  /** The last snapshot of each rate-limit family, by id. */
  rateLimits: Record<string, RateLimitSnapshot>;
}

/** Options of the {@linkcode ResponseStream} constructor. */
export interface ResponseStreamOptions {
  /**
   * Stops the work behind the source at once (aborts its request). Called when the
   * iteration is left early, even while a `next()` is still waiting, so leaving never
   * waits for data or a timeout.
   */
  cancel?: () => void;
  /**
   * Sends steering input to the response being streamed (WebSocket only); returns
   * `undefined` when the response cannot be steered now.
   */
  steer?: (input: string | readonly ResponseItem[]) => Promise<void> | undefined;
}

/**
 * An `AsyncIterable` of {@linkcode ResponseEvent}s for one response. Iterate it once:
 * leaving the loop early (`break`, `return`, a throw) cancels the request and releases
 * the connection. Errors arrive as a thrown {@linkcode CodexWireError}; nothing follows one.
 *
 * @example Reading the text as it streams
 * ```ts ignore
 * for await (const event of client.stream({ model: "gpt-5", input: "hi" })) {
 *   if (event.type === "outputTextDelta") console.log(event.delta);
 * }
 * ```
 */
export class ResponseStream implements AsyncIterable<ResponseEvent> {
  #source: AsyncIterator<ResponseEvent, void, undefined>;
  #cancel: (() => void) | undefined;
  #steer: ((input: string | readonly ResponseItem[]) => Promise<void> | undefined) | undefined;
  #cancelled = false;
  #consumed = false;

  /**
   * Wraps a source of events. Library code creates streams; users get them from
   * `ResponsesSession.stream()`.
   *
   * @param source The events.
   * @param options How to stop the source's work at once.
   */
  constructor(
    source: AsyncIterator<ResponseEvent, void, undefined>,
    options: ResponseStreamOptions = {},
  ) {
    this.#source = source;
    this.#cancel = options.cancel;
    this.#steer = options.steer;
  }

  /**
   * Steers the response while it streams (WebSocket only): sends `response.steer` with
   * new input the model takes into account now. The server answers with a
   * `steerAccepted`, `steerPending` or `steerFailed` event; an accepted steer may end the
   * response with a `steered` event, after which the server's next response follows in
   * this same stream.
   *
   * @param input A user message, or input items.
   * @returns A promise that settles when the steer was sent.
   * @throws {CodexWireError} `usage` over HTTP, before the response started or after it completed.
   */
  steer(input: string | readonly ResponseItem[]): Promise<void> {
    return this.#steer?.(input) ?? Promise.reject(
      new CodexWireError(
        "Cannot steer this response: steering needs a WebSocket response that has started and not completed",
        { kind: "usage" },
      ),
    );
  }

  /**
   * Starts the iteration.
   *
   * @returns The iterator.
   * @throws {CodexWireError} `usage` when the stream was already consumed.
   */
  [Symbol.asyncIterator](): AsyncIterator<ResponseEvent, void, undefined> {
    const source = this.#start();
    if (this.#cancel === undefined) return source;
    // A generator queues `return()` behind a pending `next()`; cancelling first makes that
    // `next()` settle at once, as done, rather than after data or the idle timeout.
    return {
      next: () => this.#settled(source.next()),
      return: () => this.#leave(source),
      throw: (error?: unknown) => source.throw?.(error) ?? Promise.reject(error),
    };
  }

  /**
   * The events in the groups they arrived in: each group holds what one read of the
   * connection carried, in order, so a reader pays one `await` per group rather than
   * one per event. Meant for programs that read many streams at once; the events are the
   * same as iterating the stream itself, and the same rules hold: consume it once (either
   * way), and leaving early cancels the request.
   *
   * @returns The groups of events, none of them empty.
   * @throws {CodexWireError} `usage` when the stream was already consumed.
   *
   * @example Counting text deltas a group at a time
   * ```ts ignore
   * let deltas = 0;
   * for await (const events of client.stream({ model: "gpt-5", input: "hi" }).batches()) {
   *   for (const event of events) if (event.type === "outputTextDelta") deltas++;
   * }
   * ```
   */
  batches(): AsyncIterable<readonly ResponseEvent[], void, undefined> {
    const source = this.#start();
    const batched = source as Partial<BatchedEvents>;
    const nextBatch = batched.nextBatch === undefined
      ? async (): Promise<IteratorResult<readonly ResponseEvent[], void>> => {
        const result = await source.next();
        return result.done === true ? result : { done: false, value: [result.value] };
      }
      : () => batched.nextBatch!();
    const iterator: AsyncIterator<readonly ResponseEvent[], void, undefined> = {
      next: () => this.#settled(nextBatch()),
      return: () => this.#leave(source),
      throw: async (error?: unknown) => {
        const result = await (source.throw?.(error) ?? Promise.reject(error));
        return result.done === true ? result : { done: false, value: [result.value] };
      },
    };
    let started = false;
    return {
      [Symbol.asyncIterator]: () => {
        // The groups are handed out once, as the stream's events are.
        if (started) throw consumedTwiceError();
        started = true;
        return iterator;
      },
    };
  }

  #start(): AsyncIterator<ResponseEvent, void, undefined> {
    if (this.#consumed) throw consumedTwiceError();
    this.#consumed = true;
    return this.#source;
  }

  // A pull that ends as done, not in an error, once the iteration was left.
  async #settled<T>(pull: Promise<IteratorResult<T, void>>): Promise<IteratorResult<T, void>> {
    try {
      return await pull;
    } catch (error) {
      if (this.#cancelled) return { done: true, value: undefined };
      throw error;
    }
  }

  async #leave(
    source: AsyncIterator<ResponseEvent, void, undefined>,
  ): Promise<IteratorResult<never, void>> {
    this.#cancelled = true;
    this.#cancel?.();
    const result = await source.return?.(undefined);
    return { done: true, value: result?.done === true ? result.value : undefined };
  }

  /**
   * Consumes the stream and gathers the response. Events of an attempt that was retried
   * (or of a response cut short by steering) are dropped, so the result describes the
   * response that completed.
   *
   * @returns The response's id, text, items, usage and rate limits.
   * @throws {CodexWireError} When the stream fails; an `incomplete` error carries the
   * answer so far as `partialText`.
   */
  async finalResponse(): Promise<FinalResponse> {
    let items: ResponseItem[] = [];
    let deltas: string[] = [];
    let serverModel: string | undefined;
    const rateLimits: Record<string, RateLimitSnapshot> = {};
    try {
      for await (const events of this.batches()) {
        for (const event of events) {
          switch (event.type) {
            // A new attempt, a switch to HTTP, or the server's own successor of a steered
            // response: what came before is void.
            case "reconnecting":
            case "transportFallback":
            case "steered":
              items = [];
              deltas = [];
              break;
            case "outputTextDelta":
              deltas.push(event.delta);
              break;
            case "outputItemDone":
              items.push(event.item);
              break;
            case "serverModel":
              serverModel = event.model;
              break;
            case "rateLimits":
              rateLimits[event.snapshot.limitId] = event.snapshot;
              break;
            case "completed":
              return {
                responseId: event.responseId,
                text: assistantText(items) ?? deltas.join(""),
                items,
                tokenUsage: event.tokenUsage,
                ...(event.endTurn === undefined ? {} : { endTurn: event.endTurn }),
                ...(serverModel === undefined ? {} : { serverModel }),
                rateLimits,
              };
          }
        }
      }
    } catch (error) {
      if (!(error instanceof CodexWireError) || error.kind !== "incomplete") throw error;
      // An incomplete response keeps the answer so far.
      throw new CodexWireError(error.message, {
        kind: "incomplete",
        ...(error.code === undefined ? {} : { code: error.code }),
        partialText: assistantText(items) ?? deltas.join(""),
        cause: error,
      });
    }
    throw streamClosedError();
  }

  /**
   * Consumes the stream and returns the assistant's text.
   *
   * @returns The text of the final assistant messages.
   * @throws {CodexWireError} When the stream fails.
   */
  async finalText(): Promise<string> {
    return (await this.finalResponse()).text;
  }
}

function consumedTwiceError(): CodexWireError {
  return new CodexWireError(
    "Cannot iterate a ResponseStream twice: keep the events you need from the first pass, or call finalResponse() instead",
    { kind: "usage" },
  );
}

// The text of the assistant's final-answer messages (all its messages when no phase is
// given), or undefined when there were none (a server that streams deltas without items).
function assistantText(items: readonly ResponseItem[]): string | undefined {
  const messages = items.filter((item): item is MessageItem =>
    item.type === "message" && (item as MessageItem).role === "assistant"
  );
  if (messages.length === 0) return undefined;
  const finals = messages.filter((message) => message.phase === "final_answer");
  return (finals.length > 0 ? finals : messages)
    .flatMap((message) => message.content)
    .filter((part) => part.type === "output_text" && typeof part.text === "string")
    .map((part) => part.text)
    .join("");
}
