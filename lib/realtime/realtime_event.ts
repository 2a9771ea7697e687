/**
 * {@linkcode RealtimeEvent}: the normalised events of a realtime connection, the same in
 * every dialect.
 *
 * @module
 */

/** One entry of the active transcript: what was said since the previous handoff. */
export interface RealtimeTranscriptEntry {
  /** Who spoke. */
  role: "user" | "assistant";
  /** What was said. */
  text: string;
}

/** A chunk of audio from the server. */
export interface RealtimeAudioFrame {
  /** Base64 PCM16 little-endian samples. */
  data: string;
  /** Samples per second (24,000 unless the server says otherwise). */
  sampleRate: number;
  /** Interleaved channels (1 unless the server says otherwise). */
  numChannels: number;
  /** Samples per channel, when the server says. */
  samplesPerChannel?: number;
  /** The assistant item the audio belongs to, when the server says. */
  itemId?: string;
}

/**
 * A normalised realtime event, discriminated by `type`.
 *
 * - `sessionCreated`: a legacy (`codex-session-create`) server created the session.
 * - `sessionUpdated`: the server accepted the session configuration.
 * - `inputAudioSpeechStarted`: the user started speaking (the barge-in signal).
 * - `inputTranscriptDelta` / `inputTranscriptDone`: what the user said.
 * - `outputTranscriptDelta` / `outputTranscriptDone`: what the assistant says (text output
 *   or the transcript of its audio).
 * - `audioOut`: assistant audio.
 * - `responseCreated` / `responseCancelled` / `responseDone`: the response lifecycle.
 * - `conversationItemAdded`: an item joined the conversation (raw JSON item).
 * - `conversationItemDone`: an item finished (`item` holds the raw item when there was one,
 *   for example a function call other than the two Codex tools).
 * - `handoffRequested`: the model hands work to the background agent; answer with the
 *   tool output for `handoffId`.
 * - `noopRequested`: the model chose to stay silent (`remain_silent`).
 * - `error`: the server reported an error, or the connection failed; it ends a
 *   conversation.
 */
export type RealtimeEvent =
  | { type: "sessionCreated"; realtimeSessionId: string }
  | { type: "sessionUpdated"; realtimeSessionId: string; instructions?: string }
  | { type: "inputAudioSpeechStarted"; itemId?: string }
  | { type: "inputTranscriptDelta"; delta: string }
  | { type: "inputTranscriptDone"; text: string }
  | { type: "outputTranscriptDelta"; delta: string }
  | { type: "outputTranscriptDone"; text: string }
  | ({ type: "audioOut" } & RealtimeAudioFrame)
  | { type: "responseCreated"; responseId?: string }
  | { type: "responseCancelled"; responseId?: string }
  | { type: "responseDone"; responseId?: string }
  | { type: "conversationItemAdded"; item: unknown }
  | { type: "conversationItemDone"; itemId: string; item?: unknown }
  | {
    type: "handoffRequested";
    handoffId: string;
    itemId: string;
    inputTranscript: string;
    activeTranscript: RealtimeTranscriptEntry[];
  }
  | { type: "noopRequested"; callId: string; itemId: string }
  | { type: "error"; message: string };

/** The `type` tags of {@linkcode RealtimeEvent}. */
export type RealtimeEventType = RealtimeEvent["type"];

/** A raw server frame as it arrived (after JSON parsing): its `type` and every field. */
export interface RealtimeWireEvent {
  /** The wire type, such as `response.output_audio.delta`. */
  type: string;
  /** Every other field, untouched. */
  [field: string]: unknown;
}

/** The server event types of the public GA Realtime API. */
export type RealtimeGaServerEventType =
  | "error"
  | "session.created"
  | "session.updated"
  | "conversation.item.added"
  | "conversation.item.done"
  | "conversation.item.retrieved"
  | "conversation.item.truncated"
  | "conversation.item.deleted"
  | "conversation.item.input_audio_transcription.delta"
  | "conversation.item.input_audio_transcription.completed"
  | "conversation.item.input_audio_transcription.segment"
  | "conversation.item.input_audio_transcription.failed"
  | "input_audio_buffer.committed"
  | "input_audio_buffer.cleared"
  | "input_audio_buffer.speech_started"
  | "input_audio_buffer.speech_stopped"
  | "input_audio_buffer.timeout_triggered"
  | "input_audio_buffer.dtmf_event_received"
  | "output_audio_buffer.started"
  | "output_audio_buffer.stopped"
  | "output_audio_buffer.cleared"
  | "response.created"
  | "response.done"
  | "response.output_item.added"
  | "response.output_item.done"
  | "response.content_part.added"
  | "response.content_part.done"
  | "response.output_text.delta"
  | "response.output_text.done"
  | "response.output_audio.delta"
  | "response.output_audio.done"
  | "response.output_audio_transcript.delta"
  | "response.output_audio_transcript.done"
  | "response.function_call_arguments.delta"
  | "response.function_call_arguments.done"
  | "response.mcp_call_arguments.delta"
  | "response.mcp_call_arguments.done"
  | "response.mcp_call.in_progress"
  | "response.mcp_call.completed"
  | "response.mcp_call.failed"
  | "mcp_list_tools.in_progress"
  | "mcp_list_tools.completed"
  | "mcp_list_tools.failed"
  | "rate_limits.updated";

/** Every GA server event type, for checks and tooling. */
export const REALTIME_GA_SERVER_EVENT_TYPES: readonly RealtimeGaServerEventType[] = [
  "error",
  "session.created",
  "session.updated",
  "conversation.item.added",
  "conversation.item.done",
  "conversation.item.retrieved",
  "conversation.item.truncated",
  "conversation.item.deleted",
  "conversation.item.input_audio_transcription.delta",
  "conversation.item.input_audio_transcription.completed",
  "conversation.item.input_audio_transcription.segment",
  "conversation.item.input_audio_transcription.failed",
  "input_audio_buffer.committed",
  "input_audio_buffer.cleared",
  "input_audio_buffer.speech_started",
  "input_audio_buffer.speech_stopped",
  "input_audio_buffer.timeout_triggered",
  "input_audio_buffer.dtmf_event_received",
  "output_audio_buffer.started",
  "output_audio_buffer.stopped",
  "output_audio_buffer.cleared",
  "response.created",
  "response.done",
  "response.output_item.added",
  "response.output_item.done",
  "response.content_part.added",
  "response.content_part.done",
  "response.output_text.delta",
  "response.output_text.done",
  "response.output_audio.delta",
  "response.output_audio.done",
  "response.output_audio_transcript.delta",
  "response.output_audio_transcript.done",
  "response.function_call_arguments.delta",
  "response.function_call_arguments.done",
  "response.mcp_call_arguments.delta",
  "response.mcp_call_arguments.done",
  "response.mcp_call.in_progress",
  "response.mcp_call.completed",
  "response.mcp_call.failed",
  "mcp_list_tools.in_progress",
  "mcp_list_tools.completed",
  "mcp_list_tools.failed",
  "rate_limits.updated",
];
