// The zod schemas of the inbound realtime frames each dialect maps. Private: no zod type
// reaches the public API. A frame that fails its schema is dropped, as Codex does.

import { z } from "zod";

const text = z.string();

export const sessionUpdated = z.looseObject({
  session: z.looseObject({ id: z.string(), instructions: z.string().optional() }),
});

export const legacySession = z.looseObject({
  session: z.looseObject({
    id: z.string().optional(),
    backend_prompt: z.string().optional(),
    instructions: z.string().optional(),
  }).optional(),
  session_id: z.string().optional(),
});

export const v2AudioDelta = z.looseObject({
  delta: text,
  sample_rate: z.number().int().positive().optional(),
  channels: z.number().int().positive().optional(),
  num_channels: z.number().int().positive().optional(),
  samples_per_channel: z.number().int().nonnegative().optional(),
  item_id: z.string().optional(),
});

export const v1AudioDelta = z.looseObject({
  delta: text.optional(),
  data: text.optional(),
  sample_rate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  num_channels: z.number().int().positive().optional(),
  samples_per_channel: z.number().int().nonnegative().optional(),
});

export const v3AudioDelta = z.looseObject({ audio: text.optional(), delta: text.optional() });

export const delta = z.looseObject({ delta: text });
export const transcript = z.looseObject({ transcript: text });
export const textDone = z.looseObject({ text });
export const speechStarted = z.looseObject({ item_id: z.string().optional() });
export const itemAdded = z.looseObject({ item: z.unknown().refine((item) => item !== undefined) });

export const itemDone = z.looseObject({
  item: z.looseObject({
    id: z.string().optional(),
    type: z.string().optional(),
    name: z.string().optional(),
    call_id: z.string().optional(),
    arguments: z.string().optional(),
  }),
});

export const response = z.looseObject({
  response: z.looseObject({ id: z.string().optional() }).optional(),
  response_id: z.string().optional(),
});

export const v1Handoff = z.looseObject({
  handoff_id: z.string(),
  item_id: z.string(),
  input_transcript: z.string(),
});

export const v3TranscriptAdded = z.looseObject({
  item: z.looseObject({ text }).optional(),
  delta: text.optional(),
  text: text.optional(),
});

export const v3TurnDone = z.looseObject({
  turn: z.looseObject({ role: z.string(), transcript: text }),
});

export const v3Delegation = z.looseObject({
  item: z.looseObject({
    id: z.string(),
    type: z.string().optional(),
    target: z.string().optional(),
    content: z.array(z.looseObject({ type: z.string().optional(), text: z.string().optional() }))
      .optional(),
  }),
});

export const errorFrame = z.looseObject({
  message: z.unknown().optional(),
  error: z.unknown().optional(),
});
