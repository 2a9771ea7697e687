/**
 * The outbound (client to server) messages of every realtime dialect: the session message,
 * audio, text, tool and handoff outputs, `response.create`, barge-in truncation and v3's
 * context and close messages.
 *
 * @module
 */

import { CodexWireError } from "../errors/codex_wire_error.ts";
import { type RealtimeDialect, resolveRealtimeVoice } from "./realtime_dialect.ts";

/** A client message: a JSON object tagged by `type`. */
export interface RealtimeClientMessage {
  /** The wire type, such as `input_audio_buffer.append`. */
  type: string;
  /** The message's other fields. */
  [field: string]: unknown;
}

/** Who a text item speaks as. */
export type RealtimeTextRole = "user" | "developer" | "assistant";

/** A v3 context channel: spoken aloud, or background commentary. */
export type RealtimeChannel = "speakable" | "commentary";

/** The session a connection asks for in its first message. */
export interface RealtimeSessionOptions {
  /**
   * The backend prompt (instructions). With a non-empty `startupContext` the two are joined
   * by a blank line.
   */
  instructions?: string;
  /** Startup context appended to the instructions after a blank line. */
  startupContext?: string;
  /** The voice; checked against the dialect's list (default `marin` for v2, `cove` for v1 and v3). */
  voice?: string;
  /** `text` asks for text replies instead of audio (v2 only). @default {"audio"} */
  outputModality?: "audio" | "text";
  /** `transcription` opens a v2 transcription session (v1 treats it as conversational). */
  mode?: "conversational" | "transcription";
  /** The input transcription model of a v2 session. @default {"gpt-4o-mini-transcribe"} */
  transcriptionModel?: string;
  /** `codex-session-create` only: the conversation id sent with `session.create`. */
  conversationId?: string;
  /** v3 only: the model named in the session. */
  model?: string;
  /** v3 only: items the session starts with. */
  initialItems?: readonly { role: RealtimeTextRole; text: string }[];
  /** v3 only: the filler the model says while a delegation runs. */
  delegationAckFiller?: string;
}

/** The input transcription model Codex asks for on v2. */
export const DEFAULT_TRANSCRIPTION_MODEL = "gpt-4o-mini-transcribe";
/** The output of a v2 tool call that steers a background agent already running. */
export const STEER_ACKNOWLEDGEMENT = "This was sent to steer the previous background agent task.";
/** The v2 completion output of a background-agent handoff. */
export const HANDOFF_FINISHED_ACKNOWLEDGEMENT =
  "Background agent finished. Use the preceding [BACKEND] messages as the result.";
/** The v1 prefix of a final handoff output. */
export const FINAL_HANDOFF_PREFIX = '"Agent Final Message":\n\n';
/** The handoff id of v1 output sent while no handoff is active. */
export const STANDALONE_HANDOFF_ID = "codex";
/** The largest piece of a v3 `delegation.context.append`, in UTF-8 bytes. */
export const DELEGATION_CHUNK_BYTES = 500;

const BACKGROUND_AGENT_TOOL = {
  type: "function",
  name: "background_agent",
  description:
    "Send the user's request, in their own words, to the background Codex agent. This is the default action. If the agent is already busy, the call steers its running task; use it as well to queue follow-up work.",
  parameters: {
    type: "object",
    properties: {
      prompt: { type: "string", description: "The user's request, in their own words." },
    },
    required: ["prompt"],
    additionalProperties: false,
  },
};

const REMAIN_SILENT_TOOL = {
  type: "function",
  name: "remain_silent",
  description:
    "Call this when saying nothing is the best answer, for example after hidden control messages or background updates.",
  parameters: { type: "object", properties: {}, additionalProperties: false },
};

/**
 * The final instructions of a session: the prompt and the startup context joined by a blank
 * line, either of them possibly empty.
 *
 * @param instructions The prompt.
 * @param startupContext The startup context.
 * @returns The instructions to send.
 *
 * @example Usage
 * ```ts
 * import { joinInstructions } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(joinInstructions("Be brief", "ctx"), "Be brief\n\nctx");
 * assert.equal(joinInstructions("Be brief", ""), "Be brief");
 * ```
 */
export function joinInstructions(instructions = "", startupContext = ""): string {
  if (instructions === "") return startupContext;
  if (startupContext === "") return instructions;
  return `${instructions}\n\n${startupContext}`;
}

/**
 * The first message of a connection: `session.update` for v1, v2 and v3, `session.create`
 * for `codex-session-create`.
 *
 * @param dialect The dialect.
 * @param session The session options.
 * @returns The message.
 * @throws {CodexWireError} With kind `usage` for a voice outside the dialect's list, text
 * output outside v2, or initial items outside v3.
 *
 * @example Usage
 * ```ts
 * import { realtimeSessionMessage } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * const message = realtimeSessionMessage("v1", { instructions: "Be brief" });
 * assert.deepEqual(message, {
 *   type: "session.update",
 *   session: {
 *     type: "quicksilver",
 *     instructions: "Be brief",
 *     audio: { input: { format: { type: "audio/pcm", rate: 24000 } }, output: { voice: "cove" } },
 *   },
 * });
 * ```
 */
export function realtimeSessionMessage(
  dialect: RealtimeDialect,
  session: RealtimeSessionOptions = {},
): RealtimeClientMessage {
  const instructions = joinInstructions(session.instructions, session.startupContext);
  if (session.outputModality === "text" && dialect !== "v2") {
    throw new CodexWireError(
      `Text realtime output modality requires realtime v2: use dialect v2, or audio output with ${dialect}`,
      { kind: "usage" },
    );
  }
  if (session.initialItems !== undefined && dialect !== "v3") {
    throw new CodexWireError(
      `Initial items are only sent by realtime v3: leave them out with ${dialect}`,
      { kind: "usage" },
    );
  }
  const voice = resolveRealtimeVoice(dialect, session.voice);
  const pcm = { type: "audio/pcm", rate: 24000 };
  switch (dialect) {
    case "codex-session-create": {
      const body: Record<string, unknown> = { backend_prompt: instructions };
      if (session.conversationId !== undefined) body.conversation_id = session.conversationId;
      return { type: "session.create", session: body };
    }
    case "v1":
      return {
        type: "session.update",
        session: {
          type: "quicksilver",
          instructions,
          audio: { input: { format: pcm }, output: { voice } },
        },
      };
    case "v3": {
      const body: Record<string, unknown> = {
        instructions,
        audio: { output: { voice } },
        delegation: session.delegationAckFiller === undefined
          ? { type: "client" }
          : { type: "client", ack_filler: session.delegationAckFiller },
      };
      if (session.model !== undefined) body.model = session.model;
      if (session.initialItems !== undefined) {
        body.initial_items = session.initialItems.map((item) => ({
          type: "message",
          role: item.role,
          content: [{
            type: item.role === "assistant" ? "output_text" : "input_text",
            text: item.text,
          }],
        }));
      }
      return { type: "session.update", session: body };
    }
    case "v2": {
      const transcription = { model: session.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL };
      if (session.mode === "transcription") {
        return {
          type: "session.update",
          session: { type: "transcription", audio: { input: { format: pcm, transcription } } },
        };
      }
      return {
        type: "session.update",
        session: {
          type: "realtime",
          instructions,
          output_modalities: [session.outputModality ?? "audio"],
          audio: {
            input: {
              format: pcm,
              noise_reduction: { type: "near_field" },
              transcription,
              turn_detection: {
                type: "server_vad",
                interrupt_response: true,
                create_response: true,
                silence_duration_ms: 500,
              },
            },
            output: { format: pcm, voice },
          },
          tools: [BACKGROUND_AGENT_TOOL, REMAIN_SILENT_TOOL],
          tool_choice: "auto",
        },
      };
    }
  }
}

/** The format of a legacy (`codex-session-create`) audio frame. */
export interface RealtimeAudioFormat {
  /** Samples per second. @default {24000} */
  sampleRate?: number;
  /** Interleaved channels. @default {1} */
  numChannels?: number;
  /** Samples per channel, when known. */
  samplesPerChannel?: number;
}

/**
 * The message that carries one microphone frame: `input_audio_buffer.append` (v1, v2),
 * `input_audio.append` (v3) or the legacy `response.input_audio.delta` with its format.
 *
 * @param dialect The dialect.
 * @param audio The base64 PCM16 frame.
 * @param format The legacy format fields.
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { audioAppendMessage } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(audioAppendMessage("v2", "AAA="), { type: "input_audio_buffer.append", audio: "AAA=" });
 * assert.deepEqual(audioAppendMessage("v3", "AAA="), { type: "input_audio.append", audio: "AAA=" });
 * ```
 */
export function audioAppendMessage(
  dialect: RealtimeDialect,
  audio: string,
  format: RealtimeAudioFormat = {},
): RealtimeClientMessage {
  if (dialect === "v3") return { type: "input_audio.append", audio };
  if (dialect !== "codex-session-create") return { type: "input_audio_buffer.append", audio };
  const message: RealtimeClientMessage = {
    type: "response.input_audio.delta",
    delta: audio,
    sample_rate: format.sampleRate ?? 24000,
    num_channels: format.numChannels ?? 1,
  };
  if (format.samplesPerChannel !== undefined) {
    message.samples_per_channel = format.samplesPerChannel;
  }
  return message;
}

/** The `[USER] ` prefix v2 puts on user text. */
export const USER_TEXT_PREFIX = "[USER] ";
/** The `[BACKEND] ` prefix of v2 handoff progress. */
export const BACKEND_TEXT_PREFIX = "[BACKEND] ";

/**
 * The message that adds a text item: `conversation.item.create` with an `input_text` part
 * (`output_text` for the assistant role; `text` in the legacy dialect), or
 * `session.context.append` on v3. v2 prefixes user text with `[USER] ` unless it already
 * starts with it.
 *
 * @param dialect The dialect.
 * @param text The text.
 * @param role Who speaks. @default {"user"}
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { textItemMessage } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(textItemMessage("v2", "hi"), {
 *   type: "conversation.item.create",
 *   item: { type: "message", role: "user", content: [{ type: "input_text", text: "[USER] hi" }] },
 * });
 * ```
 */
export function textItemMessage(
  dialect: RealtimeDialect,
  text: string,
  role: RealtimeTextRole = "user",
): RealtimeClientMessage {
  if (dialect === "v3") {
    return {
      type: "session.context.append",
      content: [{ type: role === "assistant" ? "output_text" : "input_text", text }],
    };
  }
  const partType = dialect === "codex-session-create"
    ? "text"
    : role === "assistant"
    ? "output_text"
    : "input_text";
  const body = dialect === "v2" && role === "user" && !text.startsWith(USER_TEXT_PREFIX)
    ? `${USER_TEXT_PREFIX}${text}`
    : text;
  return {
    type: "conversation.item.create",
    item: { type: "message", role, content: [{ type: partType, text: body }] },
  };
}

/**
 * A v2 `function_call_output` item answering a tool call.
 *
 * @param callId The call's id.
 * @param output The output text (may be empty).
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { functionCallOutputMessage } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(functionCallOutputMessage("call_1", ""), {
 *   type: "conversation.item.create",
 *   item: { type: "function_call_output", call_id: "call_1", output: "" },
 * });
 * ```
 */
export function functionCallOutputMessage(callId: string, output: string): RealtimeClientMessage {
  return {
    type: "conversation.item.create",
    item: { type: "function_call_output", call_id: callId, output },
  };
}

/**
 * A v1 (and legacy) `conversation.handoff.append`.
 *
 * @param handoffId The handoff's id (`codex` when none is active).
 * @param outputText The text, already prefixed when it is a final answer.
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { handoffAppendMessage } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(handoffAppendMessage("h_1", "done"), {
 *   type: "conversation.handoff.append",
 *   handoff_id: "h_1",
 *   output_text: "done",
 * });
 * ```
 */
export function handoffAppendMessage(handoffId: string, outputText: string): RealtimeClientMessage {
  return { type: "conversation.handoff.append", handoff_id: handoffId, output_text: outputText };
}

/**
 * v3 `delegation.context.append` messages for a delegation's output, cut into pieces of at
 * most 500 UTF-8 bytes (never inside a character).
 *
 * @param delegationItemId The delegation item's id.
 * @param text The output text.
 * @param channel The channel, when set.
 * @returns One message per piece (one with empty text when `text` is empty).
 *
 * @example Usage
 * ```ts
 * import { delegationContextMessages } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * const messages = delegationContextMessages("d_1", "x".repeat(1200), "speakable");
 * assert.equal(messages.length, 3);
 * assert.deepEqual(messages[0].content, [{ type: "input_text", text: "x".repeat(500) }]);
 * ```
 */
export function delegationContextMessages(
  delegationItemId: string,
  text: string,
  channel?: RealtimeChannel,
): RealtimeClientMessage[] {
  return chunkUtf8(text, DELEGATION_CHUNK_BYTES).map((piece) => {
    const message: RealtimeClientMessage = {
      type: "delegation.context.append",
      delegation_item_id: delegationItemId,
      content: [{ type: "input_text", text: piece }],
    };
    if (channel !== undefined) message.channel = channel;
    return message;
  });
}

/**
 * A v3 `session.context.append`.
 *
 * @param text The text.
 * @param channel The channel, when set.
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { sessionContextMessage } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(sessionContextMessage("hi", "speakable"), {
 *   type: "session.context.append",
 *   channel: "speakable",
 *   content: [{ type: "input_text", text: "hi" }],
 * });
 * ```
 */
export function sessionContextMessage(
  text: string,
  channel?: RealtimeChannel,
): RealtimeClientMessage {
  const message: RealtimeClientMessage = { type: "session.context.append" };
  if (channel !== undefined) message.channel = channel;
  message.content = [{ type: "input_text", text }];
  return message;
}

/**
 * The v2 barge-in message: cut the playing assistant item at what was heard.
 *
 * @param itemId The assistant item.
 * @param audioEndMs How much of its audio was played, in whole milliseconds.
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { truncateMessage } from "./realtime_client_messages.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(truncateMessage("item_1", 40), {
 *   type: "conversation.item.truncate",
 *   item_id: "item_1",
 *   content_index: 0,
 *   audio_end_ms: 40,
 * });
 * ```
 */
export function truncateMessage(itemId: string, audioEndMs: number): RealtimeClientMessage {
  return {
    type: "conversation.item.truncate",
    item_id: itemId,
    content_index: 0,
    audio_end_ms: Math.round(audioEndMs),
  };
}

const ENCODER = new TextEncoder();

function chunkUtf8(text: string, maxBytes: number): string[] {
  if (ENCODER.encode(text).byteLength <= maxBytes) return [text];
  const pieces: string[] = [];
  let piece = "";
  let pieceBytes = 0;
  for (const character of text) {
    const size = ENCODER.encode(character).byteLength;
    if (pieceBytes + size > maxBytes) {
      pieces.push(piece);
      piece = "";
      pieceBytes = 0;
    }
    piece += character;
    pieceBytes += size;
  }
  if (piece !== "") pieces.push(piece);
  return pieces;
}
