// The server-model reroute warning (spec §5, upstream R10): one `modelReroute` per turn
// (`ResponsesSession`) when the served model differs from the requested one ignoring ASCII
// case, from the answer's headers or mid-stream; named after Codex's
// `safety_check_downgrade.rs` scenarios.

import assert from "node:assert/strict";
import type { ResponseEvent } from "../../lib/responses/response_event.ts";
import { completedEvent, createdEvent, startMockResponsesServer } from "../../testing.ts";
import { collect, testClient } from "../_helpers.ts";

const REQUESTED = "gpt-5.3-codex";
const SERVED = "gpt-5.2";

function reroutes(events: readonly ResponseEvent[]): ResponseEvent[] {
  return events.filter((event) => event.type === "modelReroute");
}

Deno.test("openai_model_header_mismatch_emits_warning_event_and_warning_item: a modelReroute right after the header's serverModel", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: { "openai-model": SERVED },
      events: [createdEvent("r"), completedEvent("r")],
    }],
  });
  const { events, error } = await collect(
    testClient(server.url).stream({ model: REQUESTED, input: "x" }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(events.slice(0, 2), [
    { type: "serverModel", model: SERVED },
    { type: "modelReroute", requestedModel: REQUESTED, serverModel: SERVED },
  ]);
  assert.equal(reroutes(events).length, 1);
});

Deno.test("response_model_field_mismatch_emits_warning_when_header_matches_requested: the reroute comes from the stream", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: { "openai-model": REQUESTED },
      events: [
        { type: "response.created", response: { id: "r", headers: { "OpenAI-Model": SERVED } } },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(
    testClient(server.url).stream({ model: REQUESTED, input: "x" }),
  );
  const types = events.map((event) => event.type).filter((type) => type !== "rateLimits");
  assert.deepEqual(types, ["serverModel", "serverModel", "modelReroute", "created", "completed"]);
  assert.deepEqual(reroutes(events), [
    { type: "modelReroute", requestedModel: REQUESTED, serverModel: SERVED },
  ]);
});

Deno.test("openai_model_header_mismatch_only_emits_one_warning_per_turn: once per session, again in the next one", async () => {
  const rerouted = {
    headers: { "openai-model": SERVED },
    events: [
      { type: "response.created", response: { id: "r", headers: { "openai-model": "gpt-5.1" } } },
      completedEvent("r"),
    ],
  };
  await using server = await startMockResponsesServer({
    responses: [rerouted, rerouted, rerouted],
  });
  const client = testClient(server.url);
  const turn = client.session();
  const first = await collect(turn.stream({ model: REQUESTED, input: "x" }));
  const followUp = await collect(turn.stream({ model: REQUESTED, input: "y" }));
  const nextTurn = await collect(client.session().stream({ model: REQUESTED, input: "z" }));
  assert.deepEqual(reroutes(first.events), [
    { type: "modelReroute", requestedModel: REQUESTED, serverModel: SERVED },
  ]);
  assert.deepEqual(reroutes(followUp.events), []);
  assert.equal(reroutes(nextTurn.events).length, 1);
});

Deno.test("openai_model_header_casing_only_mismatch_does_not_warn", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: { "openai-model": "GPT-5.3-Codex" },
      events: [
        {
          type: "response.created",
          response: { id: "r", headers: { "openai-model": "gpt-5.3-CODEX" } },
        },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(
    testClient(server.url).stream({ model: REQUESTED, input: "x" }),
  );
  assert.equal(events.filter((event) => event.type === "serverModel").length, 2);
  assert.deepEqual(reroutes(events), []);
});

Deno.test("model_verification_emits_structured_event_without_reroute_or_warning", async () => {
  await using server = await startMockResponsesServer({
    responses: [{
      headers: { "openai-model": REQUESTED },
      events: [
        {
          type: "response.metadata",
          metadata: { openai_verification_recommendation: ["trusted_access_for_cyber"] },
        },
        completedEvent("r"),
      ],
    }],
  });
  const { events } = await collect(
    testClient(server.url).stream({ model: REQUESTED, input: "x" }),
  );
  assert.deepEqual(reroutes(events), []);
  assert.deepEqual(events.filter((event) => event.type === "modelVerifications"), [
    { type: "modelVerifications", verifications: ["trusted_access_for_cyber"] },
  ]);
});
