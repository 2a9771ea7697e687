/**
 * {@linkcode RealtimeEventParser}: inbound text frames of any dialect to
 * {@linkcode RealtimeEvent}s, with the active transcript filled in.
 *
 * @module
 */

import type { z } from "zod";
import * as schema from "./_realtime_schemas.ts";
import { ActiveTranscript } from "./active_transcript.ts";
import type { RealtimeDialect } from "./realtime_dialect.ts";
import type { RealtimeEvent, RealtimeWireEvent } from "./realtime_event.ts";

/** What one inbound frame gave. */
export interface ParsedRealtimeFrame {
  /** The frame as JSON, when it was a JSON object with a string `type`. */
  wire?: RealtimeWireEvent;
  /** The normalised event, when the frame maps to one. */
  event?: RealtimeEvent;
  /**
   * Why the frame was dropped: `notJson`, `noType`, `unknownType` (a type the dialect does
   * not map) or `missingFields` (a known type without the fields it needs).
   */
  dropped?: "notJson" | "noType" | "unknownType" | "missingFields";
}

/** The message of a `handoffRequested` whose arguments give no usable input. */
const INPUT_KEYS = ["input_transcript", "input", "text", "prompt", "query"] as const;

/**
 * Maps inbound frames to events, tolerantly: non-JSON, frames without a string `type`,
 * unknown types and known types missing a required field are dropped (and the reason is
 * reported), and parsing goes on with the next frame.
 *
 * @example Usage
 * ```ts
 * import { RealtimeEventParser } from "./realtime_event_parser.ts";
 * import assert from "node:assert/strict";
 *
 * const parser = new RealtimeEventParser("v2");
 * assert.deepEqual(
 *   parser.parse('{"type":"session.updated","session":{"id":"sess_1","instructions":"hi"}}').event,
 *   { type: "sessionUpdated", realtimeSessionId: "sess_1", instructions: "hi" },
 * );
 * assert.equal(parser.parse("not json").dropped, "notJson");
 * assert.equal(parser.parse('{"type":"response.created"}').event?.type, "responseCreated");
 * ```
 */
export class RealtimeEventParser {
  #dialect: RealtimeDialect;
  #transcript = new ActiveTranscript();
  #legacySessionId: string | undefined;

  /**
   * Creates a parser for a dialect.
   *
   * @param dialect The dialect whose mapping applies.
   */
  constructor(dialect: RealtimeDialect) {
    this.#dialect = dialect;
  }

  /**
   * Parses one text frame.
   *
   * @param text The frame's text.
   * @returns The wire event, the normalised event, or why the frame was dropped.
   */
  parse(text: string): ParsedRealtimeFrame {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { dropped: "notJson" };
    }
    // A plain check instead of a schema: this runs for every frame, audio included.
    if (
      json === null || typeof json !== "object" || Array.isArray(json) ||
      typeof (json as { type?: unknown }).type !== "string"
    ) {
      return { dropped: "noType" };
    }
    const wire = json as RealtimeWireEvent;
    const result = this.#map(wire);
    if (result === "unknown") return { wire, dropped: "unknownType" };
    if (result === undefined) return { wire, dropped: "missingFields" };
    this.#track(result);
    return { wire, event: result };
  }

  #map(wire: RealtimeWireEvent): RealtimeEvent | undefined | "unknown" {
    if (wire.type === "error") return errorEvent(wire);
    switch (this.#dialect) {
      case "v2":
        return this.#mapV2(wire);
      case "v1":
        return this.#mapV1(wire);
      case "v3":
        return this.#mapV3(wire);
      case "codex-session-create":
        return this.#mapLegacy(wire);
    }
  }

  #mapV2(wire: RealtimeWireEvent): RealtimeEvent | undefined | "unknown" {
    switch (wire.type) {
      case "session.updated":
        return sessionUpdated(wire);
      case "response.output_audio.delta":
      case "response.audio.delta":
        return v2AudioFast(wire) ?? parse(schema.v2AudioDelta, wire, (frame) => {
          const event: RealtimeEvent = {
            type: "audioOut",
            data: frame.delta,
            sampleRate: frame.sample_rate ?? 24000,
            numChannels: frame.channels ?? frame.num_channels ?? 1,
          };
          if (frame.samples_per_channel !== undefined) {
            event.samplesPerChannel = frame.samples_per_channel;
          }
          if (frame.item_id !== undefined) event.itemId = frame.item_id;
          return event;
        });
      case "conversation.item.input_audio_transcription.delta":
        return inputTranscriptDelta(wire);
      case "conversation.item.input_audio_transcription.completed":
        return inputTranscriptDone(wire);
      case "response.output_text.delta":
      case "response.output_audio_transcript.delta":
        return outputTranscriptDelta(wire);
      case "response.output_text.done":
        return parse(
          schema.textDone,
          wire,
          (f) => ({ type: "outputTranscriptDone", text: f.text }),
        );
      case "response.output_audio_transcript.done":
        return outputTranscriptDone(wire);
      case "input_audio_buffer.speech_started":
        return speechStarted(wire);
      case "conversation.item.added":
      case "conversation.item.created":
        return itemAdded(wire);
      case "conversation.item.done":
        return parse(schema.itemDone, wire, (f) => this.#v2ItemDone(f.item));
      case "response.created":
        return responseEvent("responseCreated", wire);
      case "response.cancelled":
        return responseEvent("responseCancelled", wire);
      case "response.done":
        return responseEvent("responseDone", wire);
      default:
        return "unknown";
    }
  }

  #v2ItemDone(item: z.infer<typeof schema.itemDone>["item"]): RealtimeEvent | undefined {
    if (item.type === "function_call" && item.name === "background_agent") {
      const handoffId = item.call_id ?? item.id;
      if (handoffId === undefined) return undefined;
      return {
        type: "handoffRequested",
        handoffId,
        itemId: item.id ?? handoffId,
        inputTranscript: handoffInput(item.arguments ?? ""),
        activeTranscript: [],
      };
    }
    if (item.type === "function_call" && item.name === "remain_silent") {
      const callId = item.call_id ?? item.id;
      if (callId === undefined) return undefined;
      return { type: "noopRequested", callId, itemId: item.id ?? callId };
    }
    if (item.id === undefined) return undefined;
    return { type: "conversationItemDone", itemId: item.id, item };
  }

  #mapV1(wire: RealtimeWireEvent): RealtimeEvent | undefined | "unknown" {
    switch (wire.type) {
      case "session.updated":
        return sessionUpdated(wire);
      case "conversation.output_audio.delta":
        return parse(schema.v1AudioDelta, wire, (frame) => {
          const data = frame.delta ?? frame.data;
          const numChannels = frame.channels ?? frame.num_channels;
          if (data === undefined || numChannels === undefined) return undefined;
          const event: RealtimeEvent = {
            type: "audioOut",
            data,
            sampleRate: frame.sample_rate,
            numChannels,
          };
          if (frame.samples_per_channel !== undefined) {
            event.samplesPerChannel = frame.samples_per_channel;
          }
          return event;
        });
      case "conversation.input_transcript.delta":
      case "conversation.item.input_audio_transcription.delta":
        return inputTranscriptDelta(wire);
      case "conversation.item.input_audio_transcription.completed":
      case "conversation.input_transcript.turn_marked":
        return inputTranscriptDone(wire);
      case "conversation.output_transcript.delta":
      case "response.output_text.delta":
      case "response.output_audio_transcript.delta":
        return outputTranscriptDelta(wire);
      case "response.output_audio_transcript.done":
        return outputTranscriptDone(wire);
      case "conversation.item.added":
        return itemAdded(wire);
      case "conversation.item.done":
        return parse(
          schema.itemDone,
          wire,
          (f) =>
            f.item.id === undefined
              ? undefined
              : { type: "conversationItemDone", itemId: f.item.id, item: f.item },
        );
      case "conversation.handoff.requested":
        return parse(schema.v1Handoff, wire, (f) => ({
          type: "handoffRequested",
          handoffId: f.handoff_id,
          itemId: f.item_id,
          inputTranscript: f.input_transcript,
          activeTranscript: [],
        }));
      default:
        return "unknown";
    }
  }

  #mapV3(wire: RealtimeWireEvent): RealtimeEvent | undefined | "unknown" {
    switch (wire.type) {
      case "session.started":
      case "session.updated":
        return sessionUpdated(wire);
      case "output_audio.delta":
        return parse(schema.v3AudioDelta, wire, (frame) => {
          const data = frame.audio ?? frame.delta;
          if (data === undefined) return undefined;
          return { type: "audioOut", data, sampleRate: 24000, numChannels: 1 };
        });
      case "input_transcript.added":
      case "output_transcript.added":
        return parse(schema.v3TranscriptAdded, wire, (f) => {
          const delta = f.item?.text ?? f.delta ?? f.text;
          if (delta === undefined) return undefined;
          return wire.type === "input_transcript.added"
            ? { type: "inputTranscriptDelta", delta }
            : { type: "outputTranscriptDelta", delta };
        });
      case "turn.done":
        return parse(schema.v3TurnDone, wire, (f) => {
          if (f.turn.role === "user") {
            return { type: "inputTranscriptDone", text: f.turn.transcript };
          }
          if (f.turn.role === "assistant") {
            return { type: "outputTranscriptDone", text: f.turn.transcript };
          }
          return undefined;
        });
      case "delegation.created":
        return parse(schema.v3Delegation, wire, (f) => {
          if (f.item.type !== undefined && f.item.type !== "delegation") return undefined;
          if (f.item.target !== undefined && f.item.target !== "client") return undefined;
          const input = (f.item.content ?? [])
            .map((part) => part.text ?? "")
            .join("")
            .trim();
          return {
            type: "handoffRequested",
            handoffId: f.item.id,
            itemId: f.item.id,
            inputTranscript: input,
            activeTranscript: [],
          };
        });
      default:
        return "unknown";
    }
  }

  #mapLegacy(wire: RealtimeWireEvent): RealtimeEvent | undefined | "unknown" {
    switch (wire.type) {
      case "session.created":
        return parse(schema.legacySession, wire, (f) => {
          const id = f.session?.id ?? f.session_id;
          if (id === undefined) return undefined;
          this.#legacySessionId = id;
          return { type: "sessionCreated", realtimeSessionId: id };
        });
      case "session.updated":
        return parse(schema.legacySession, wire, (f) => {
          const id = f.session?.id ?? f.session_id ?? this.#legacySessionId;
          if (id === undefined) return undefined;
          const instructions = f.session?.backend_prompt ?? f.session?.instructions;
          return instructions === undefined
            ? { type: "sessionUpdated", realtimeSessionId: id }
            : { type: "sessionUpdated", realtimeSessionId: id, instructions };
        });
      case "response.output_audio.delta":
        return parse(schema.v1AudioDelta.partial({ sample_rate: true }), wire, (frame) => {
          const data = frame.delta ?? frame.data;
          if (data === undefined) return undefined;
          const event: RealtimeEvent = {
            type: "audioOut",
            data,
            sampleRate: frame.sample_rate ?? 24000,
            numChannels: frame.num_channels ?? frame.channels ?? 1,
          };
          if (frame.samples_per_channel !== undefined) {
            event.samplesPerChannel = frame.samples_per_channel;
          }
          return event;
        });
      default:
        // Servers of that era answered with today's names for everything else.
        return this.#mapV2(wire);
    }
  }

  #track(event: RealtimeEvent): void {
    const transcript = this.#transcript;
    switch (event.type) {
      case "inputAudioSpeechStarted":
        transcript.startUserEntry();
        break;
      case "responseCreated":
        transcript.startAssistantEntry();
        break;
      case "inputTranscriptDelta":
        transcript.add("user", event.delta, false);
        break;
      case "inputTranscriptDone":
        transcript.add("user", event.text, true);
        break;
      case "outputTranscriptDelta":
        transcript.add("assistant", event.delta, false);
        break;
      case "outputTranscriptDone":
        transcript.add("assistant", event.text, true);
        break;
      case "handoffRequested":
        event.activeTranscript = transcript.takeForHandoff(event.inputTranscript);
        break;
    }
  }
}

function parse<T, R>(
  frameSchema: z.ZodType<T>,
  wire: RealtimeWireEvent,
  map: (frame: T) => R | undefined,
): R | undefined {
  const result = frameSchema.safeParse(wire);
  return result.success ? map(result.data) : undefined;
}

// The hot path of a conversation: an audio delta with only `delta` and `item_id` (what the
// GA API sends) is mapped without a schema pass; anything else takes the schema path.
function v2AudioFast(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  const { delta, item_id: itemId } = wire;
  if (
    typeof delta !== "string" || wire.sample_rate !== undefined || wire.channels !== undefined ||
    wire.num_channels !== undefined || wire.samples_per_channel !== undefined
  ) {
    return undefined;
  }
  if (itemId === undefined) {
    return { type: "audioOut", data: delta, sampleRate: 24000, numChannels: 1 };
  }
  if (typeof itemId !== "string") return undefined;
  return { type: "audioOut", data: delta, sampleRate: 24000, numChannels: 1, itemId };
}

function inputTranscriptDelta(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(schema.delta, wire, (f) => ({ type: "inputTranscriptDelta", delta: f.delta }));
}

function inputTranscriptDone(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(
    schema.transcript,
    wire,
    (f) => ({ type: "inputTranscriptDone", text: f.transcript }),
  );
}

function outputTranscriptDelta(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(schema.delta, wire, (f) => ({ type: "outputTranscriptDelta", delta: f.delta }));
}

function outputTranscriptDone(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(
    schema.transcript,
    wire,
    (f) => ({ type: "outputTranscriptDone", text: f.transcript }),
  );
}

function itemAdded(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(schema.itemAdded, wire, (f) => ({ type: "conversationItemAdded", item: f.item }));
}

function sessionUpdated(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(
    schema.sessionUpdated,
    wire,
    (f) =>
      f.session.instructions === undefined
        ? { type: "sessionUpdated", realtimeSessionId: f.session.id }
        : {
          type: "sessionUpdated",
          realtimeSessionId: f.session.id,
          instructions: f.session.instructions,
        },
  );
}

function speechStarted(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(
    schema.speechStarted,
    wire,
    (f) =>
      f.item_id === undefined
        ? { type: "inputAudioSpeechStarted" }
        : { type: "inputAudioSpeechStarted", itemId: f.item_id },
  );
}

function responseEvent(
  type: "responseCreated" | "responseCancelled" | "responseDone",
  wire: RealtimeWireEvent,
): RealtimeEvent | undefined {
  return parse(schema.response, wire, (f) => {
    const responseId = f.response?.id ?? f.response_id;
    return responseId === undefined ? { type } : { type, responseId };
  });
}

function errorEvent(wire: RealtimeWireEvent): RealtimeEvent | undefined {
  return parse(schema.errorFrame, wire, (f) => {
    if (typeof f.message === "string") return { type: "error", message: f.message };
    const nested = f.error as { message?: unknown } | undefined;
    if (nested !== null && typeof nested === "object" && typeof nested.message === "string") {
      return { type: "error", message: nested.message };
    }
    if (f.error === undefined) return undefined;
    return { type: "error", message: JSON.stringify(f.error) };
  });
}

function handoffInput(argumentsText: string): string {
  try {
    const args = JSON.parse(argumentsText);
    if (args !== null && typeof args === "object") {
      for (const key of INPUT_KEYS) {
        const value = (args as Record<string, unknown>)[key];
        if (typeof value === "string" && value.trim() !== "") return value.trim();
      }
    }
  } catch {
    // Not JSON: the raw arguments are the input.
  }
  return argumentsText;
}
