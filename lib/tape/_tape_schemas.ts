// The zod schemas of the tape records, each annotated with the interface it checks, so
// the types and the validation cannot drift apart.

import { z } from "zod";
import {
  type HttpChunkRecord,
  type HttpEndRecord,
  type HttpErrorRecord,
  type HttpRequestRecord,
  type HttpResponseRecord,
  TAPE_FORMAT,
  type TapeData,
  type TapeHeader,
  type TapeHeaderRecord,
  type TapeRecord,
  type WsCloseRecord,
  type WsFrameRecord,
  type WsOpenRecord,
} from "./tape_record.ts";

const data: z.ZodType<TapeData> = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ base64: z.base64() }),
]);

const header: z.ZodType<TapeHeader> = z.tuple([z.string().min(1), z.string()]);
const headers = z.array(header);
const base = { t: z.number().finite().nonnegative(), conn: z.string().min(1) };

export const HEADER_SCHEMA: z.ZodType<TapeHeaderRecord> = z.object({
  type: z.literal("header"),
  format: z.literal(TAPE_FORMAT),
  version: z.number().int().positive(),
  created: z.string(),
  tool: z.string().optional(),
});

const httpRequest: z.ZodType<HttpRequestRecord> = z.object({
  type: z.literal("http.request"),
  ...base,
  method: z.string().min(1),
  url: z.string().min(1),
  headers,
  body: data.optional(),
  encoding: z.string().optional(),
});

const httpResponse: z.ZodType<HttpResponseRecord> = z.object({
  type: z.literal("http.response"),
  ...base,
  status: z.number().int().min(100).max(599),
  headers,
});

const httpChunk: z.ZodType<HttpChunkRecord> = z.object({
  type: z.literal("http.chunk"),
  ...base,
  data,
});

const httpEnd: z.ZodType<HttpEndRecord> = z.object({ type: z.literal("http.end"), ...base });

const httpError: z.ZodType<HttpErrorRecord> = z.object({
  type: z.literal("http.error"),
  ...base,
  message: z.string(),
  by: z.enum(["client", "server"]).optional(),
});

const wsOpen: z.ZodType<WsOpenRecord> = z.object({
  type: z.literal("ws.open"),
  ...base,
  url: z.string().min(1),
  requestHeaders: headers,
  responseHeaders: headers,
  protocols: z.array(z.string()),
  protocol: z.string(),
});

const wsFrame: z.ZodType<WsFrameRecord> = z.object({
  type: z.literal("ws.frame"),
  ...base,
  from: z.enum(["client", "server"]),
  opcode: z.enum(["text", "binary"]),
  data,
});

const wsClose: z.ZodType<WsCloseRecord> = z.object({
  type: z.literal("ws.close"),
  ...base,
  code: z.number().int().min(1000).max(4999),
  reason: z.string(),
  by: z.enum(["client", "server"]),
});

export const RECORD_SCHEMAS: ReadonlyMap<string, z.ZodType<TapeRecord>> = new Map<
  string,
  z.ZodType<TapeRecord>
>([
  ["http.request", httpRequest],
  ["http.response", httpResponse],
  ["http.chunk", httpChunk],
  ["http.end", httpEnd],
  ["http.error", httpError],
  ["ws.open", wsOpen],
  ["ws.frame", wsFrame],
  ["ws.close", wsClose],
]);
