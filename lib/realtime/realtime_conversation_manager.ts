/**
 * {@linkcode RealtimeConversationManager}: Codex's realtime conversation on top of a
 * {@linkcode RealtimeConnection}: start/replace/close semantics, bounded audio and text
 * queues, the v2 control loop (one active response, barge-in truncation, `remain_silent`),
 * and handoff outputs in each dialect's shape.
 *
 * @module
 */

import { readEnv } from "./_env.ts";
import { CodexWireError, type CodexWireErrorKind } from "../errors/codex_wire_error.ts";
import {
  base64ByteLength,
  checkPcm16Length,
  encodeBase64,
  pcm16DurationMs,
} from "../audio/pcm16.ts";
import {
  connectRealtime,
  type ConnectRealtimeOptions,
  type RealtimeConnection,
} from "./realtime_connection.ts";
import {
  audioAppendMessage,
  BACKEND_TEXT_PREFIX,
  delegationContextMessages,
  FINAL_HANDOFF_PREFIX,
  functionCallOutputMessage,
  HANDOFF_FINISHED_ACKNOWLEDGEMENT,
  handoffAppendMessage,
  type RealtimeAudioFormat,
  type RealtimeClientMessage,
  realtimeSessionMessage,
  type RealtimeSessionOptions,
  type RealtimeTextRole,
  sessionContextMessage,
  STANDALONE_HANDOFF_ID,
  STEER_ACKNOWLEDGEMENT,
  textItemMessage,
  truncateMessage,
} from "./realtime_client_messages.ts";
import type { RealtimeDialect } from "./realtime_dialect.ts";
import type { RealtimeEvent } from "./realtime_event.ts";

/** How many microphone frames may wait to be sent; more are dropped and counted. */
export const AUDIO_QUEUE_CAPACITY = 256;
/** How many text items may wait to be sent; `insertText` waits for room beyond that. */
export const TEXT_QUEUE_CAPACITY = 64;
/** The message of input given while no conversation runs. */
export const NOT_RUNNING_MESSAGE = "conversation is not running";
/** The message of a start without an API key. */
export const API_KEY_REQUIRED_MESSAGE = "realtime conversation requires API key auth";
/** How a v2 server refuses a second `response.create`; it is deferred, not fatal. */
export const ACTIVE_RESPONSE_ERROR_PREFIX =
  "Conversation already has an active response in progress:";
/** The prompt of a start that gives none. */
export const DEFAULT_REALTIME_PROMPT =
  "You are Codex, a coding agent, in a realtime voice conversation. Respond conversationally and concisely. Hand requests for real work to the background agent.";

/** Options of {@linkcode RealtimeConversationManager.start}. */
export interface RealtimeConversationStartOptions
  extends Omit<ConnectRealtimeOptions, "session" | "signal" | "sessionId"> {
  /**
   * The prompt: a string as it is, `null` for empty instructions, left out for
   * {@linkcode DEFAULT_REALTIME_PROMPT}.
   */
  prompt?: string | null;
  /** Startup context appended to the prompt after a blank line. */
  startupContext?: string;
  /** Send `startupContext` (when given). @default {true} */
  includeStartupContext?: boolean;
  /** The voice (checked against the dialect's list). */
  voice?: string;
  /** `text` for text replies (v2 only). @default {"audio"} */
  outputModality?: "audio" | "text";
  /** `transcription` for a v2 transcription session. */
  mode?: "conversational" | "transcription";
  /** The conversation id of a `codex-session-create` session. */
  conversationId?: string;
  /** v3: items the session starts with. */
  initialItems?: RealtimeSessionOptions["initialItems"];
  /** The realtime session id sent as `x-session-id`. @default {a random UUID} */
  sessionId?: string;
}

/** Why a conversation ended. */
export type RealtimeClosedReason = "requested" | "transportClosed" | "error";

/**
 * An event of the manager, discriminated by `type`.
 *
 * - `started`: the conversation is connected (`realtimeSessionId` is the id asked for, not
 *   the server's, which arrives in `sessionUpdated`).
 * - `realtime`: every {@linkcode RealtimeEvent} of the running conversation, as `payload`.
 * - `closed`: the conversation ended, at most once per conversation (a replaced
 *   conversation emits none).
 * - `error`: input the manager cannot take, such as audio while nothing runs.
 */
export type RealtimeConversationEvent =
  | { type: "started"; realtimeSessionId: string; dialect: RealtimeDialect }
  | { type: "realtime"; payload: RealtimeEvent }
  | { type: "closed"; reason: RealtimeClosedReason }
  | { type: "error"; kind: CodexWireErrorKind; message: string };

/** Counters of the current (or last) conversation. */
export interface RealtimeConversationStats {
  /** Microphone frames sent. */
  audioFramesSent: number;
  /** Microphone frames dropped because the audio queue was full. */
  audioFramesDropped: number;
  /** Milliseconds of microphone audio sent (24 kHz mono PCM16). */
  audioInMs: number;
  /** Milliseconds of assistant audio received. */
  audioOutMs: number;
}

/** Options of {@linkcode RealtimeConversationManager.insertText}. */
export interface InsertTextOptions {
  /** Who speaks. @default {"user"} */
  role?: RealtimeTextRole;
  /** v2: ask for a reply (`response.create`) after the item. @default {false} */
  respond?: boolean;
}

/** Options of {@linkcode RealtimeConversationManager.sendToolOutput}. */
export interface SendToolOutputOptions {
  /** A progress update rather than the final output. @default {false} */
  progress?: boolean;
}

/**
 * Runs one realtime conversation at a time. Starting again replaces the running
 * conversation (which emits no `closed`); a failed start (no API key, a bad voice, a server
 * that cannot be reached) emits only a `realtime` error event. Audio and text given while
 * nothing runs produce an `error` event "conversation is not running". The audio queue
 * holds 256 frames and drops (and counts) frames when full; the text queue holds 64 and
 * makes `insertText` wait. A server `error` ends the conversation.
 *
 * @example A text round trip against the mock server
 * ```ts
 * import { RealtimeConversationManager } from "./realtime_conversation_manager.ts";
 * import { startRealtimeMockServer } from "../testing/realtime_mock_server.ts";
 * import assert from "node:assert/strict";
 *
 * await using server = await startRealtimeMockServer({
 *   scripts: [{
 *     steps: [
 *       { waitFor: "conversation.item.create" },
 *       { send: { type: "response.output_text.delta", delta: "Hi!" } },
 *     ],
 *   }],
 * });
 * await using manager = new RealtimeConversationManager();
 * await manager.start({ baseUrl: server.url, apiKey: "sk-test", sessionId: "s-1" });
 * assert.deepEqual(await manager.next(), { type: "started", realtimeSessionId: "s-1", dialect: "v2" });
 * await manager.insertText("hello");
 * assert.deepEqual(await manager.next(), {
 *   type: "realtime",
 *   payload: { type: "outputTranscriptDelta", delta: "Hi!" },
 * });
 * await manager.close();
 * assert.deepEqual(await manager.next(), { type: "closed", reason: "requested" });
 * ```
 */
export class RealtimeConversationManager
  implements AsyncIterable<RealtimeConversationEvent>, AsyncDisposable {
  #current: Conversation | undefined;
  #generation = 0;
  #events: RealtimeConversationEvent[] = [];
  #waiters: ((event: RealtimeConversationEvent | undefined) => void)[] = [];
  #disposed = false;
  #lastStats: RealtimeConversationStats = emptyStats();
  #lastError: CodexWireError | undefined;

  /** Whether a conversation is running. */
  get running(): boolean {
    return this.#current !== undefined;
  }

  /** The dialect of the running conversation. */
  get dialect(): RealtimeDialect | undefined {
    return this.#current?.dialect;
  }

  /** Microphone frames waiting to be sent (at most {@linkcode AUDIO_QUEUE_CAPACITY}). */
  get audioQueueLength(): number {
    return this.#current?.audioQueueLength ?? 0;
  }

  /**
   * The error that failed the last start, or ended the last conversation (kind `stream` for
   * a server error, a broken socket or a binary frame); `undefined` after a clean start.
   */
  get lastError(): CodexWireError | undefined {
    return this.#lastError;
  }

  /**
   * Counters of the running conversation (or of the last one).
   *
   * @returns A snapshot.
   */
  stats(): RealtimeConversationStats {
    return { ...(this.#current?.stats ?? this.#lastStats) };
  }

  /**
   * Starts a conversation, replacing any running one.
   *
   * @param options Where to connect, the key, dialect, prompt, voice and session id.
   * @returns `true` once started; `false` when the start failed (a `realtime` error event
   * says why) or was overtaken by another start or a close.
   */
  async start(options: RealtimeConversationStartOptions = {}): Promise<boolean> {
    const dialect = options.dialect ?? "v2";
    const apiKey = options.apiKey ?? readEnv("OPENAI_API_KEY");
    const sessionId = options.sessionId ?? crypto.randomUUID();
    const instructions = options.prompt === undefined
      ? DEFAULT_REALTIME_PROMPT
      : options.prompt ?? "";
    const session: RealtimeSessionOptions = { instructions };
    if (options.startupContext !== undefined && options.includeStartupContext !== false) {
      session.startupContext = options.startupContext;
    }
    if (options.voice !== undefined) session.voice = options.voice;
    if (options.outputModality !== undefined) session.outputModality = options.outputModality;
    if (options.mode !== undefined) session.mode = options.mode;
    if (options.conversationId !== undefined) session.conversationId = options.conversationId;
    if (options.initialItems !== undefined) session.initialItems = options.initialItems;
    try {
      if (apiKey === undefined) {
        throw new CodexWireError(API_KEY_REQUIRED_MESSAGE, { kind: "usage" });
      }
      realtimeSessionMessage(dialect, session);
    } catch (error) {
      this.#lastError = asWireError(error, "usage");
      this.#emit({ type: "realtime", payload: { type: "error", message: messageOf(error) } });
      return false;
    }

    // Counted only now: a start refused in preflight replaces nothing, not even a start that
    // is still connecting.
    const generation = ++this.#generation;
    const previous = this.#current;
    this.#current = undefined;
    if (previous !== undefined) await previous.stop();

    let connection: RealtimeConnection;
    try {
      const { prompt: _p, startupContext: _s, includeStartupContext: _i, voice: _v, ...rest } =
        options;
      connection = await connectRealtime({ ...rest, apiKey, dialect, session, sessionId });
    } catch (error) {
      if (generation === this.#generation) {
        this.#lastError = asWireError(error, "network");
        this.#emit({ type: "realtime", payload: { type: "error", message: messageOf(error) } });
      }
      return false;
    }
    if (generation !== this.#generation || this.#disposed) {
      await connection.close();
      return false;
    }
    const conversation = new Conversation(connection, {
      emit: (event) => {
        if (this.#current !== conversation) return;
        if (event.type === "realtime" && event.payload.type === "error") {
          this.#lastError = new CodexWireError(event.payload.message, { kind: "stream" });
        }
        this.#emit(event);
      },
      ended: (reason) => {
        if (this.#current !== conversation) return;
        this.#current = undefined;
        this.#lastStats = { ...conversation.stats };
        this.#emit({ type: "closed", reason });
      },
    });
    this.#current = conversation;
    this.#lastError = undefined;
    this.#emit({ type: "started", realtimeSessionId: sessionId, dialect });
    conversation.run();
    return true;
  }

  /**
   * Queues one microphone frame (PCM16 LE mono 24 kHz, or its base64). When 256 frames are
   * already waiting the frame is dropped and counted in `stats().audioFramesDropped`.
   *
   * @param frame The frame.
   * @param format The legacy dialect's format fields.
   * @throws {CodexWireError} With kind `audio` for an odd number of bytes (also when given as base64).
   */
  insertAudio(frame: Uint8Array | string, format: RealtimeAudioFormat = {}): void {
    const conversation = this.#current;
    if (conversation === undefined) {
      this.#notRunning();
      return;
    }
    checkPcm16Length(typeof frame === "string" ? base64ByteLength(frame) : frame.byteLength);
    const audio = typeof frame === "string" ? frame : encodeBase64(frame);
    conversation.queueAudio(audioAppendMessage(conversation.dialect, audio, format), audio);
  }

  /**
   * Queues a text item (v2 prefixes user text with `[USER] `), waiting while 64 items are
   * already queued.
   *
   * @param text The text.
   * @param options The role, and whether to ask for a reply.
   */
  async insertText(text: string, options: InsertTextOptions = {}): Promise<void> {
    const conversation = this.#current;
    if (conversation === undefined) {
      this.#notRunning();
      return;
    }
    await conversation.queueText(textItemMessage(conversation.dialect, text, options.role));
    if (options.respond === true) conversation.requestResponse();
  }

  /**
   * Has the assistant say something: v1 and the legacy dialect send it as a handoff output
   * with id `codex`, v2 as a user item followed by `response.create`, v3 as speakable
   * context.
   *
   * @param text What to say.
   */
  async speak(text: string): Promise<void> {
    const conversation = this.#current;
    if (conversation === undefined) {
      this.#notRunning();
      return;
    }
    await conversation.speak(text);
  }

  /**
   * Answers a tool call or a background-agent handoff. For the active handoff: v2 sends
   * progress as a `[BACKEND] ` user item and the final output as that item plus the
   * "Background agent finished" `function_call_output` and a `response.create`; v1 sends
   * `conversation.handoff.append` (the final output prefixed `"Agent Final Message":`);
   * v3 sends `delegation.context.append` pieces (commentary for progress, speakable for the
   * final output). Any other v2 call gets its `function_call_output` and a response.
   *
   * @param callId The call or handoff id; `undefined` for standalone v1 output (id `codex`).
   * @param output The output text.
   * @param options Whether it is progress.
   */
  async sendToolOutput(
    callId: string | undefined,
    output: string,
    options: SendToolOutputOptions = {},
  ): Promise<void> {
    const conversation = this.#current;
    if (conversation === undefined) {
      this.#notRunning();
      return;
    }
    await conversation.sendToolOutput(callId, output, options.progress === true);
  }

  /**
   * Closes the running conversation and emits `closed` with reason `requested` (always,
   * even when nothing was running).
   */
  async close(): Promise<void> {
    this.#generation++;
    const conversation = this.#current;
    this.#current = undefined;
    if (conversation !== undefined) {
      await conversation.stop();
      this.#lastStats = { ...conversation.stats };
    }
    this.#emit({ type: "closed", reason: "requested" });
  }

  /**
   * The next event, or `undefined` once the manager is disposed and every event was read.
   *
   * @returns The event.
   */
  next(): Promise<RealtimeConversationEvent | undefined> {
    const event = this.#events.shift();
    if (event !== undefined) return Promise.resolve(event);
    if (this.#disposed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Iterates the events until the manager is disposed.
   *
   * @returns The iterator.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<RealtimeConversationEvent> {
    while (true) {
      const event = await this.next();
      if (event === undefined) return;
      yield event;
    }
  }

  /** Closes a running conversation (emitting `closed`) and ends the event stream. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    if (this.#current !== undefined) await this.close();
    this.#generation++;
    this.#disposed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  #notRunning(): void {
    this.#emit({ type: "error", kind: "usage", message: NOT_RUNNING_MESSAGE });
  }

  #emit(event: RealtimeConversationEvent): void {
    if (this.#disposed) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(event);
    else this.#events.push(event);
  }
}

interface ConversationHooks {
  emit(event: RealtimeConversationEvent): void;
  ended(reason: RealtimeClosedReason): void;
}

interface Outbound {
  message: RealtimeClientMessage;
  text: boolean;
}

// One running conversation: a reader loop (server events, the v2 control loop) and a writer
// loop (ordered control and text messages first, then audio), so sending never waits on
// reading and reading never waits on sending.
class Conversation {
  readonly dialect: RealtimeDialect;
  readonly stats: RealtimeConversationStats = emptyStats();
  #connection: RealtimeConnection;
  #hooks: ConversationHooks;
  #active = true;
  #ordered: Outbound[] = [];
  #pendingText = 0;
  #textRoom: (() => void)[] = [];
  #audio: { message: RealtimeClientMessage; audio: string }[] = [];
  #audioHead = 0;
  #wake: (() => void) | undefined;
  #loops: Promise<unknown> | undefined;
  #errorSeen = false;
  // v2 control loop state.
  #responseActive = false;
  #responsePending = false;
  #playing: { itemId: string; audioEndMs: number } | undefined;
  #activeHandoff: string | undefined;

  constructor(connection: RealtimeConnection, hooks: ConversationHooks) {
    this.#connection = connection;
    this.dialect = connection.dialect;
    this.#hooks = hooks;
  }

  get audioQueueLength(): number {
    return this.#audio.length - this.#audioHead;
  }

  run(): void {
    this.#loops = Promise.all([this.#readLoop(), this.#writeLoop()]);
  }

  async stop(): Promise<void> {
    this.#active = false;
    this.#wakeWriter();
    for (const waiter of this.#textRoom.splice(0)) waiter();
    await this.#connection.close();
    await this.#loops;
  }

  queueAudio(message: RealtimeClientMessage, audio: string): void {
    if (!this.#active) return;
    if (this.#audio.length - this.#audioHead >= AUDIO_QUEUE_CAPACITY) {
      this.stats.audioFramesDropped++;
      return;
    }
    this.#audio.push({ message, audio });
    this.#wakeWriter();
  }

  async queueText(message: RealtimeClientMessage): Promise<void> {
    while (this.#active && this.#pendingText >= TEXT_QUEUE_CAPACITY) {
      await new Promise<void>((resolve) => this.#textRoom.push(resolve));
    }
    if (!this.#active) return;
    this.#pendingText++;
    this.#ordered.push({ message, text: true });
    this.#wakeWriter();
  }

  requestResponse(): void {
    if (this.dialect !== "v2") return;
    if (this.#responseActive) {
      this.#responsePending = true;
      return;
    }
    this.#control({ type: "response.create" });
  }

  async speak(text: string): Promise<void> {
    switch (this.dialect) {
      case "v1":
      case "codex-session-create":
        this.#control(handoffAppendMessage(STANDALONE_HANDOFF_ID, text));
        return;
      case "v2":
        await this.queueText(textItemMessage("v2", text, "user"));
        this.requestResponse();
        return;
      case "v3":
        this.#control(sessionContextMessage(text, "speakable"));
        return;
    }
  }

  sendToolOutput(callId: string | undefined, output: string, progress: boolean): Promise<void> {
    switch (this.dialect) {
      case "v2": {
        if (callId !== undefined && callId === this.#activeHandoff) {
          if (output !== "") this.#control(backendItem(output));
          if (!progress) {
            this.#control(functionCallOutputMessage(callId, HANDOFF_FINISHED_ACKNOWLEDGEMENT));
            this.requestResponse();
            this.#activeHandoff = undefined;
          }
        } else if (progress) {
          // Progress for a handoff that is no longer active is dropped, as Codex does.
        } else if (callId !== undefined) {
          this.#control(functionCallOutputMessage(callId, output));
          this.requestResponse();
        }
        break;
      }
      case "v1":
      case "codex-session-create": {
        const handoffId = callId ?? this.#activeHandoff ?? STANDALONE_HANDOFF_ID;
        this.#control(
          handoffAppendMessage(handoffId, progress ? output : `${FINAL_HANDOFF_PREFIX}${output}`),
        );
        if (!progress && handoffId === this.#activeHandoff) this.#activeHandoff = undefined;
        break;
      }
      case "v3": {
        const id = callId ?? this.#activeHandoff;
        const channel = progress ? "commentary" : "speakable";
        if (id === undefined) this.#control(sessionContextMessage(output, channel));
        else {for (const message of delegationContextMessages(id, output, channel)) {
            this.#control(message);
          }}
        if (!progress && id === this.#activeHandoff) this.#activeHandoff = undefined;
        break;
      }
    }
    return Promise.resolve();
  }

  #control(message: RealtimeClientMessage): void {
    if (!this.#active) return;
    this.#ordered.push({ message, text: false });
    this.#wakeWriter();
  }

  #wakeWriter(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #writeLoop(): Promise<void> {
    while (this.#active) {
      const ordered = this.#ordered.shift();
      let message: RealtimeClientMessage | undefined = ordered?.message;
      let audio: string | undefined;
      if (ordered?.text === true) {
        this.#pendingText--;
        this.#textRoom.shift()?.();
      }
      if (message === undefined && this.#audioHead < this.#audio.length) {
        const next = this.#audio[this.#audioHead++];
        message = next.message;
        audio = next.audio;
        if (this.#audioHead === this.#audio.length) {
          this.#audio = [];
          this.#audioHead = 0;
        }
      }
      if (message === undefined) {
        await new Promise<void>((resolve) => this.#wake = resolve);
        continue;
      }
      try {
        await this.#connection.send(message);
      } catch (error) {
        // A send on a socket the server closed: the reader reports the close.
        if (!this.#active || this.#connection.closed) return;
        this.#errorSeen = true;
        this.#hooks.emit({
          type: "realtime",
          payload: { type: "error", message: messageOf(error) },
        });
        this.#finish();
        return;
      }
      if (audio !== undefined) {
        this.stats.audioFramesSent++;
        this.stats.audioInMs += pcm16DurationMs(base64ByteLength(audio));
      }
    }
  }

  async #readLoop(): Promise<void> {
    while (true) {
      const event = await this.#connection.next();
      if (event === undefined || !this.#active) break;
      if (!this.#handle(event)) continue;
      this.#hooks.emit({ type: "realtime", payload: event });
      if (event.type === "error") {
        this.#errorSeen = true;
        break;
      }
    }
    this.#finish();
  }

  #finish(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#wakeWriter();
    for (const waiter of this.#textRoom.splice(0)) waiter();
    const reason: RealtimeClosedReason = this.#errorSeen ? "error" : "transportClosed";
    void this.#connection.close().finally(() => this.#hooks.ended(reason));
  }

  // The per-event side effects; returns false for an event that is not forwarded.
  #handle(event: RealtimeEvent): boolean {
    const v2 = this.dialect === "v2";
    switch (event.type) {
      case "audioOut": {
        const ms = event.samplesPerChannel !== undefined
          ? event.samplesPerChannel * 1000 / event.sampleRate
          : pcm16DurationMs(byteLengthOf(event.data), event.sampleRate, event.numChannels);
        this.stats.audioOutMs += ms;
        if (v2 && event.itemId !== undefined) {
          if (this.#playing?.itemId !== event.itemId) {
            this.#playing = { itemId: event.itemId, audioEndMs: 0 };
          }
          this.#playing.audioEndMs += ms;
        }
        return true;
      }
      case "inputAudioSpeechStarted": {
        const playing = this.#playing;
        if (
          v2 && playing !== undefined &&
          (event.itemId === undefined || event.itemId === playing.itemId)
        ) {
          this.#control(truncateMessage(playing.itemId, playing.audioEndMs));
          this.#playing = undefined;
        }
        return true;
      }
      case "responseCreated":
        if (v2) this.#responseActive = true;
        return true;
      case "responseCancelled":
      case "responseDone":
        if (v2) {
          this.#playing = undefined;
          this.#responseActive = false;
          if (this.#responsePending) {
            this.#responsePending = false;
            this.requestResponse();
          }
        }
        return true;
      case "handoffRequested":
        if (v2 && this.#activeHandoff !== undefined) {
          this.#control(functionCallOutputMessage(event.handoffId, STEER_ACKNOWLEDGEMENT));
          this.requestResponse();
        } else {
          this.#activeHandoff = event.handoffId;
        }
        return true;
      case "noopRequested":
        if (v2) this.#control(functionCallOutputMessage(event.callId, ""));
        return true;
      case "error":
        if (v2 && event.message.startsWith(ACTIVE_RESPONSE_ERROR_PREFIX)) {
          this.#responsePending = true;
          return false;
        }
        return true;
      default:
        return true;
    }
  }
}

function backendItem(text: string): RealtimeClientMessage {
  return {
    type: "conversation.item.create",
    item: {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: `${BACKEND_TEXT_PREFIX}${text}` }],
    },
  };
}

// The length of inbound audio for the stats; a malformed length counts as nothing.
function byteLengthOf(base64: string): number {
  try {
    return base64ByteLength(base64);
  } catch {
    return 0;
  }
}

function emptyStats(): RealtimeConversationStats {
  return { audioFramesSent: 0, audioFramesDropped: 0, audioInMs: 0, audioOutMs: 0 };
}

function asWireError(error: unknown, kind: CodexWireErrorKind): CodexWireError {
  if (error instanceof CodexWireError) return error;
  return new CodexWireError(messageOf(error), { kind, cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
