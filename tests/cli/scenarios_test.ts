import assert from "node:assert/strict";
import {
  listScenarios,
  loadScenario,
  type Scenario,
  scenarioToMockResponses,
} from "../../lib/cli/scenarios.ts";
import type { GatedMockChunk } from "../../lib/testing/mock_responses_server.ts";

Deno.test("every bundled scenario loads, and its paced replay stays under 1.5 s", async () => {
  const names = await listScenarios();
  assert.deepEqual(names, ["hello", "reconnect"]);
  for (const name of names) {
    const scenario = await loadScenario(name);
    assert.ok(scenario !== undefined, name);
    assert.equal(scenario.name, name);
    const totalDelayMs = scenarioToMockResponses(scenario)
      .flatMap((response) => response.chunks ?? [])
      .reduce((sum, chunk) => sum + ((chunk as GatedMockChunk).delayMs ?? 0), 0);
    assert.ok(totalDelayMs > 0 && totalDelayMs <= 1500, `${name} takes ${totalDelayMs} ms`);
  }
});

Deno.test("the hello scenario ends its only answer with a completed response", async () => {
  const scenario = await loadScenario("hello");
  assert.equal(scenario?.responses.length, 1);
  const events = scenario.responses[0].events ?? [];
  assert.equal(events.at(-1)?.type, "response.completed");
  assert.ok(events.some((event) => event.type === "response.reasoning_summary_part.added"));
  assert.ok(scenario.responses[0].headers?.["openai-model"]);
  assert.ok(scenario.responses[0].headers?.["x-codex-primary-used-percent"]);
});

Deno.test("scenarioToMockResponses paces events, fills in {{now+N}} and keeps error bodies whole", () => {
  const scenario: Scenario = {
    name: "test",
    description: "Two answers.",
    responses: [
      { status: 503, body: '{"error":{}}', headers: { "retry-after-ms": "10" } },
      {
        headers: { "x-codex-primary-reset-at": "{{now+60}}" },
        events: [{ type: "response.created", response: { id: "r" } }, {
          type: "response.output_text.delta",
          delta: "é",
        }],
        chunkSize: 7,
      },
    ],
  };
  const before = Math.floor(Date.now() / 1000);
  const [error, ok] = scenarioToMockResponses(scenario, { totalMs: 1000, maxPieceDelayMs: 5 });
  assert.deepEqual(error, {
    status: 503,
    body: '{"error":{}}',
    headers: { "retry-after-ms": "10" },
  });
  const resetAt = Number((ok.headers as Record<string, string>)["x-codex-primary-reset-at"]);
  assert.ok(resetAt >= before + 60 && resetAt <= before + 61);
  const chunks = ok.chunks as GatedMockChunk[];
  assert.deepEqual(chunks.map((chunk) => chunk.delayMs), [0, ...chunks.slice(1).map(() => 5)]);
  assert.ok(chunks.every((chunk) => (chunk.data as Uint8Array).byteLength <= 7));
});

Deno.test("loadScenario rejects a broken file with a message that names the field", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const dirUrl = new URL(`file://${dir}/`);
    const files: [string, string, string][] = [
      ["not-json", "{", 'Cannot load scenario "not-json": '],
      ["no-responses", JSON.stringify({ name: "x", description: "", responses: [] }), "responses"],
      [
        "no-type",
        JSON.stringify({ name: "x", description: "", responses: [{ events: [{ delta: "a" }] }] }),
        "responses.0.events.0.type",
      ],
      [
        "both",
        JSON.stringify({ name: "x", description: "", responses: [{ events: [], body: "" }] }),
        "responses.0 has both events and body",
      ],
    ];
    for (const [name, text, expected] of files) {
      await t.step(name, async () => {
        await Deno.writeTextFile(`${dir}/${name}.json`, text);
        await assert.rejects(() => loadScenario(name, dirUrl), (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.ok(error.message.includes(expected), error.message);
          return true;
        });
      });
    }
    assert.equal(await loadScenario("missing", dirUrl), undefined);
    assert.deepEqual(await listScenarios(dirUrl), ["both", "no-responses", "no-type", "not-json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
