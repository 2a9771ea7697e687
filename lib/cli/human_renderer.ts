/**
 * {@linkcode HumanRenderer}: the default output of the `responses` command, for people.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import type { RateLimitSnapshot } from "../ratelimits/rate_limit_snapshot.ts";
import { ReasoningHeaderTracker } from "../responses/reasoning_header.ts";
import type { ResponseEvent, TokenUsage } from "../responses/response_event.ts";
import { isSameModel } from "../responses/_same_model.ts";
import type { MessageItem, ResponseItem } from "../schema/response_item.ts";
import { DEFAULT_COLUMNS, type OutputStream, type Palette, StatusLine } from "./output.ts";
import type { ResponseRenderer } from "./response_renderer.ts";
import { formatRateLimit, formatSeconds, formatTokenUsage } from "./usage_summary.ts";
import { responsesUrl } from "../responses/_responses_url.ts";

/** Options of {@linkcode HumanRenderer}. */
export interface HumanRendererOptions {
  /** Where the assistant's text goes. */
  stdout: OutputStream;
  /** Where status, retries, the summary and errors go. */
  stderr: OutputStream;
  /** Colors for stderr (see `colorEnabled`). */
  palette: Palette;
  /** The model that was asked for, to tell when the server used another one. */
  requestedModel: string;
  /** The base URL requests go to, for hints. */
  baseUrl: string;
  /**
   * The current time in milliseconds, for "resets in …".
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/**
 * Shows a response to a person: the assistant's text on stdout; on stderr the current
 * reasoning header and each retry (a status line redrawn in place on a terminal, plain
 * lines otherwise), then token usage, rate limits and the server's model when it differs
 * from the one asked for. Errors are an `error:` line and, when useful, a `hint:` line.
 *
 * The answer appears once. On a terminal the text streams, and a retry erases the
 * abandoned partial text (or, when it has scrolled away, says that it starts over). When
 * stdout is not a terminal the text of each attempt is held back and written when the
 * response ends, so a pipe or a file never holds an abandoned attempt.
 *
 * @example Usage
 * ```ts
 * import { HumanRenderer } from "./human_renderer.ts";
 * import { createPalette } from "./output.ts";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * let err = "";
 * const renderer = new HumanRenderer({
 *   stdout: { isTerminal: false, write: (text) => { out += text; return Promise.resolve(); } },
 *   stderr: { isTerminal: false, write: (text) => { err += text; return Promise.resolve(); } },
 *   palette: createPalette(false),
 *   requestedModel: "gpt-5.2-codex",
 *   baseUrl: "https://api.openai.com/v1",
 * });
 * await renderer.event({ type: "outputTextDelta", delta: "Hello" });
 * await renderer.event({ type: "completed", responseId: "resp-1", tokenUsage: null });
 * await renderer.finish();
 * assert.equal(out, "Hello\n");
 * assert.equal(err, "");
 * ```
 */
export class HumanRenderer implements ResponseRenderer {
  #stdout: OutputStream;
  #stderr: OutputStream;
  #palette: Palette;
  #requestedModel: string;
  #baseUrl: string;
  #now: () => number;
  #status: StatusLine;
  #tracker = new ReasoningHeaderTracker();
  // The state of the current attempt; a retry starts it over.
  #atLineStart = true;
  #wroteText = false;
  // The text of this attempt: held back when stdout is not a terminal, kept for erasing
  // when it is.
  #attemptText = "";
  #newMessage = false;
  #items: ResponseItem[] = [];
  #usage: TokenUsage | null = null;
  // Header events are kept across retries: they describe the account, not the attempt.
  #serverModel: string | undefined;
  #rateLimits = new Map<string, RateLimitSnapshot>();

  /**
   * Creates the renderer.
   *
   * @param options Where to write and what was asked for.
   */
  constructor(options: HumanRendererOptions) {
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    this.#palette = options.palette;
    this.#requestedModel = options.requestedModel;
    this.#baseUrl = options.baseUrl;
    this.#now = options.now ?? Date.now;
    this.#status = new StatusLine(options.stderr);
  }

  /**
   * Shows one event.
   *
   * @param event The event.
   * @returns A promise that settles once it is written.
   */
  async event(event: ResponseEvent): Promise<void> {
    switch (event.type) {
      case "reasoningSummaryDelta":
      case "reasoningSummaryPartAdded":
        if (this.#tracker.update(event)) await this.#showReasoning(this.#tracker.header);
        break;
      case "outputItemAdded":
        if (event.item.type === "reasoning" && this.#tracker.header === undefined) {
          await this.#showReasoning(undefined);
        } else if (event.item.type === "message" && this.#wroteText) {
          this.#newMessage = true;
        }
        break;
      case "outputTextDelta":
        await this.#writeText(event.delta);
        break;
      case "outputItemDone":
        this.#items.push(event.item);
        break;
      case "completed":
        this.#usage = event.tokenUsage;
        break;
      case "serverModel":
        this.#serverModel = event.model;
        break;
      case "modelReroute":
        await this.#endLines();
        await this.#stderr.write(
          `${
            this.#palette.yellow("warning:")
          } this request was routed to ${event.serverModel} instead of ${event.requestedModel} (Codex shows this when an account is flagged for potentially high-risk cyber activity; see https://chatgpt.com/cyber)\n`,
        );
        break;
      case "rateLimits":
        this.#rateLimits.set(event.snapshot.limitId, event.snapshot);
        break;
      case "reconnecting": {
        await this.#status.clear();
        await this.#abandonText();
        const { yellow, dim } = this.#palette;
        const counter = event.layer === "connection"
          ? `reconnecting ${event.attempt} (waiting for network)`
          : `reconnecting ${event.retry}/${event.maxRetries}`;
        const layer = event.layer === "request"
          ? ` ${dim(`(request layer, retry ${event.attempt}/${event.maxAttempts})`)}`
          : event.layer === "stream"
          ? ` ${dim(`(stream layer, retry ${event.attempt}/${event.maxAttempts})`)}`
          : "";
        const line = `${yellow(counter)} in ${
          formatDelay(event.delayMs)
        }${layer}: ${event.error.message}`;
        if (this.#stderr.isTerminal) await this.#status.show(line);
        else await this.#stderr.write(`${line}\n`);
        this.#newMessage = false;
        this.#items = [];
        this.#usage = null;
        this.#tracker = new ReasoningHeaderTracker();
        break;
      }
      case "transportFallback":
        // The response starts over on the other transport: the partial answer goes, too.
        await this.#status.clear();
        await this.#abandonText();
        await this.#stderr.write(`${this.#palette.yellow("warning:")} ${event.message}\n`);
        this.#items = [];
        break;
    }
  }

  /**
   * Ends the text and writes the summary lines.
   *
   * @returns A promise that settles once it is written.
   */
  async finish(): Promise<void> {
    if (!this.#wroteText) {
      // A server that sends whole items without text deltas: show the final text now.
      const text = assistantText(this.#items);
      if (text !== "") await this.#writeText(text);
    }
    await this.#flushHeldText();
    await this.#endLines();
    const { dim } = this.#palette;
    const lines: string[] = [];
    if (this.#usage !== null) lines.push(formatTokenUsage(this.#usage));
    const nowMs = this.#now();
    for (const snapshot of this.#rateLimits.values()) {
      const line = formatRateLimit(snapshot, nowMs);
      if (line !== undefined) lines.push(line);
    }
    if (
      this.#serverModel !== undefined &&
      !isSameModel(this.#serverModel, this.#requestedModel)
    ) {
      lines.push(
        `model: the server used ${this.#serverModel} (${this.#requestedModel} was asked for)`,
      );
    }
    if (lines.length > 0) await this.#stderr.write(lines.map((line) => `${dim(line)}\n`).join(""));
  }

  /**
   * Writes `error: <message>` and a hint line when one helps; an interruption is just
   * `interrupted`.
   *
   * @param error What was thrown.
   * @returns A promise that settles once it is written.
   */
  async fail(error: unknown): Promise<void> {
    // The text so far is the answer's last attempt (an `incomplete` answer, or a failure
    // after which nothing is retried): it is kept.
    await this.#flushHeldText();
    await this.#endLines();
    const { red, dim } = this.#palette;
    if (error instanceof CodexWireError && error.kind === "aborted") {
      await this.#stderr.write(`${dim("interrupted")}\n`);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    let text = `${red("error:")} ${message}\n`;
    const hint = error instanceof CodexWireError
      ? hintFor(error, this.#baseUrl, this.#now())
      : undefined;
    if (hint !== undefined) text += `${dim("hint:")} ${hint}\n`;
    if (error instanceof CodexWireError && error.requestId !== undefined) {
      text += `${dim(`request id: ${error.requestId}`)}\n`;
    }
    await this.#stderr.write(text);
  }

  async #writeText(text: string): Promise<void> {
    await this.#status.clear();
    if (this.#newMessage) {
      this.#newMessage = false;
      text = (this.#atLineStart ? "\n" : "\n\n") + text;
    }
    if (text === "") return;
    this.#attemptText += text;
    this.#wroteText = true;
    this.#atLineStart = text.endsWith("\n");
    if (this.#stdout.isTerminal) await this.#stdout.write(text);
  }

  async #flushHeldText(): Promise<void> {
    if (this.#stdout.isTerminal || this.#attemptText === "") return;
    const text = this.#attemptText;
    this.#attemptText = "";
    await this.#stdout.write(text);
  }

  // A retry starts the answer over: a pipe drops the held-back text; a terminal erases
  // the rows it took, or, when they may have scrolled away, says that it starts over.
  async #abandonText(): Promise<void> {
    const text = this.#attemptText;
    this.#attemptText = "";
    const wrote = this.#wroteText;
    this.#wroteText = false;
    this.#atLineStart = true;
    if (!this.#stdout.isTerminal || !wrote) return;
    const columns = this.#stdout.columns?.() ?? DEFAULT_COLUMNS;
    const rows = text.split("\n")
      .reduce((sum, line) => sum + Math.max(1, Math.ceil([...line].length / columns)), 0);
    if (rows <= MAX_ERASABLE_ROWS) {
      await this.#stdout.write(`${rows > 1 ? `\x1b[${rows - 1}A` : ""}\r\x1b[J`);
    } else {
      await this.#stdout.write(
        `\n${this.#palette.dim("(reconnecting: the answer above is abandoned and starts over)")}\n`,
      );
    }
  }

  async #showReasoning(header: string | undefined): Promise<void> {
    const { dim, bold } = this.#palette;
    if (!this.#stderr.isTerminal) {
      if (header !== undefined) await this.#stderr.write(`thinking: ${header}\n`);
      return;
    }
    // On a shared terminal the status line would land inside the answer's text.
    if (this.#stdout.isTerminal && !this.#atLineStart) return;
    await this.#status.show(
      header === undefined ? dim("thinking…") : `${dim("thinking:")} ${bold(header)}`,
    );
  }

  // Clears the status line and ends a half-written line of text, so that what comes next
  // on either stream starts on a line of its own.
  async #endLines(): Promise<void> {
    await this.#status.clear();
    if (!this.#atLineStart) {
      await this.#stdout.write("\n");
      this.#atLineStart = true;
    }
  }
}

// The rows of abandoned text a retry erases; more may have scrolled off the screen.
const MAX_ERASABLE_ROWS = 20;

function formatDelay(delayMs: number): string {
  if (delayMs < 1000) return `${Math.round(delayMs)} ms`;
  if (delayMs < 60_000) return `${(delayMs / 1000).toFixed(1)} s`;
  return formatSeconds(delayMs / 1000);
}

// A next step for the failures where one is known.
// Where the client sends requests for this base URL (as it was given when it cannot be).
function requestUrl(baseUrl: string): string {
  try {
    return responsesUrl(baseUrl).url;
  } catch {
    return baseUrl;
  }
}

function hintFor(error: CodexWireError, baseUrl: string, nowMs: number): string | undefined {
  switch (error.kind) {
    case "unauthorized":
      return "set OPENAI_API_KEY to a valid API key (or unset both OPENAI_API_KEY and OPENAI_BASE_URL to replay the offline demo)";
    case "network":
      return `check that ${baseUrl} is right (--base-url, OPENAI_BASE_URL) and reachable`;
    case "headersTimeout":
      return "the server took the request but did not answer; try again, or wait longer with --headers-timeout-ms";
    case "idleTimeout":
      return "the server went silent; try again, or wait longer with --idle-timeout-ms";
    case "rateLimited":
      return error.retryAfterMs === undefined
        ? "wait a little and try again"
        : `wait ${formatDelay(error.retryAfterMs)}, as the server asked, and try again`;
    case "usageLimitReached":
      return error.resetsAt === undefined
        ? "wait until your usage limit resets"
        : `your usage limit resets in ${formatSeconds(error.resetsAt - nowMs / 1000)}`;
    case "contextWindowExceeded":
      return "shorten the prompt or the instructions";
    case "quotaExceeded":
    case "usageNotIncluded":
      return "check the plan and billing of this API key";
    case "invalidRequest":
      return "check --model and the reasoning flags (--reasoning-effort off for models without reasoning)";
    case "http":
      // A 404, or a 2xx page that is not an event stream: the URL points elsewhere.
      return error.status === 404 || (error.status !== undefined && error.status < 300)
        ? `check the base URL: requests go to ${requestUrl(baseUrl)}`
        : undefined;
    default:
      return undefined;
  }
}

// The text of the assistant's final-answer messages (all its messages when none has a phase).
function assistantText(items: readonly ResponseItem[]): string {
  const messages = items.filter((item): item is MessageItem =>
    item.type === "message" && (item as MessageItem).role === "assistant"
  );
  const finals = messages.filter((message) => message.phase === "final_answer");
  return (finals.length > 0 ? finals : messages)
    .map((message) =>
      message.content
        .filter((part) => part.type === "output_text" && typeof part.text === "string")
        .map((part) => part.text)
        .join("")
    )
    .join("\n\n");
}
