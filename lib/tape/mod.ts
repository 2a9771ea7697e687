/**
 * Tapes: record HTTP and WebSocket traffic to a JSONL file (secrets kept out), read it
 * back, serve it again from a replay server, and record any client through a proxy.
 * Re-exported by the package's `./testing` entry.
 *
 * @module
 */

export * from "./tape_record.ts";
export { Tape } from "./tape.ts";
export type { HttpInteraction, TapeInteraction, TapeParseOptions, WsInteraction } from "./tape.ts";
export { TapeWriter, type TapeWriterOptions } from "./tape_writer.ts";
export { TapeRecorder, type TapeRecorderOptions, type WsOpenInfo } from "./tape_recorder.ts";
export {
  API_KEY_SUBPROTOCOL_PREFIX,
  DEFAULT_SECRET_ENV,
  MIN_SECRET_LENGTH,
  type RedactionOptions,
  SECRET_HEADERS,
  SECRET_QUERY_PARAMS,
} from "./redaction.ts";
export { type Chunking, parseChunking } from "./pacing.ts";
export { parseFault, type ReplayFault } from "./replay_fault.ts";
export { normalizeRequestBody } from "./normalize_request_body.ts";
export { type ReplayServer, type ReplayServerOptions, startReplayServer } from "./replay_server.ts";
export { type CaptureProxy, type CaptureProxyOptions, startCaptureProxy } from "./capture_proxy.ts";
export {
  type ConnectionReport,
  type DriftReport,
  inspectTape,
  type TapeReport,
} from "./inspect_tape.ts";
export { recordingFetch } from "./recording_fetch.ts";
export { withReplay } from "./with_replay.ts";
export type {
  PlanType,
  RateLimitCredits,
  RateLimitSnapshot,
  RateLimitWindow,
} from "../ratelimits/rate_limit_snapshot.ts";
export {
  type RecordedWebSocket,
  recordWebSocket,
  type RecordWebSocketOptions,
} from "./recording_web_socket.ts";
