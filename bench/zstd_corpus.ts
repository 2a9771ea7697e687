// A deterministic, realistic Responses request body of about 2.5 MB for the zstd
// benchmarks: a long `input` of messages, function calls and their outputs (code, shell
// output, prose), reasoning items with opaque encrypted content, and the tool schemas —
// the shape Codex POSTs to /responses, with varied text rather than a repeated string.

import { seededRandom } from "./_bench_util.ts";

/** The body size the benchmarks use, in bytes (approximately). */
export const REQUEST_BODY_BYTES = 2_500_000;

const COMMON_WORDS = (
  "the of and to in is that it for on with as this be are by at from or an was not but " +
  "can if will all has when more which their one so what about into also than then there " +
  "should we need file test function error value return use change update add check run"
).split(" ");
const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ten",
  "ser",
  "va",
  "ri",
  "on",
  "de",
  "pa",
  "tro",
  "nex",
  "qui",
  "ba",
  "lu",
  "st",
  "ar",
  "el",
  "im",
  "or",
  "us",
  "py",
  "zed",
  "fo",
  "gr",
  "ti",
  "ne",
  "we",
  "hy",
  "con",
  "fig",
  "han",
  "dle",
  "re",
  "quest",
  "stream",
  "buf",
  "fer",
  "ma",
  "to",
  "ken",
];

/**
 * Builds the body.
 *
 * @param targetBytes Roughly how large the JSON should be.
 * @param seed The PRNG seed.
 * @returns The UTF-8 JSON bytes.
 */
export function makeRequestBody(targetBytes = REQUEST_BODY_BYTES, seed = 2025): Uint8Array {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const vocabulary = Array.from({ length: 6000 }, () => {
    let word = "";
    for (let i = 1 + Math.floor(next() * 3); i > 0; i--) word += pick(SYLLABLES);
    return word;
  });
  // Zipf-like: a few identifiers recur a lot, most are rare.
  const word = (): string => {
    if (next() < 0.45) return pick(COMMON_WORDS);
    const r = next();
    return vocabulary[Math.floor(vocabulary.length * r * r * r)];
  };
  const identifier = (): string => {
    const style = next();
    if (style < 0.4) return `${word()}_${word()}`;
    if (style < 0.8) return word() + word().replace(/^./, (c) => c.toUpperCase());
    return word();
  };
  const sentence = (words: number): string => {
    const out: string[] = [];
    for (let i = 0; i < words; i++) {
      let w = word();
      if (next() < 0.04) w = String(Math.floor(next() * 100_000));
      if (next() < 0.06) w += pick([",", ".", ":", ";", "?"]);
      out.push(w);
    }
    const text = out.join(" ");
    return text.charAt(0).toUpperCase() + text.slice(1) + ".";
  };
  const path = (): string =>
    `${pick(["src", "lib", "tests", "crates/core/src", "codex-rs/tui/src"])}/${identifier()}.${
      pick(["ts", "rs", "py", "md", "json"])
    }`;
  const code = (lines: number): string => {
    const out: string[] = [];
    for (let i = 0; i < lines; i++) {
      const indent = " ".repeat(2 * Math.floor(next() * 4));
      out.push(
        indent + pick([
          `const ${identifier()} = ${identifier()}(${identifier()}, ${Math.floor(next() * 512)});`,
          `if (${identifier()} === ${identifier()}) {`,
          `return ${identifier()}.${identifier()}();`,
          `fn ${identifier()}(${identifier()}: &${pick(["str", "[u8]", "Path"])}) -> Result<()> {`,
          `// ${sentence(6 + Math.floor(next() * 10))}`,
          `}`,
          `let ${identifier()} = ${identifier()}.${identifier()}().await?;`,
        ]),
      );
    }
    return out.join("\n");
  };
  const hex = (length: number): string => {
    let out = "";
    for (let i = 0; i < length; i++) out += "0123456789abcdef"[Math.floor(next() * 16)];
    return out;
  };
  const base64 = (length: number): string => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * 64)];
    return out;
  };
  const shellOutput = (): string => {
    const kind = next();
    if (kind < 0.3) return code(5 + Math.floor(next() * 60));
    if (kind < 0.5) {
      return Array.from(
        { length: 3 + Math.floor(next() * 30) },
        () =>
          `${pick(["-rw-r--r--", "drwxr-xr-x"])} 1 dev dev ${Math.floor(next() * 90_000)} ${
            pick(["Jan", "Feb", "Mar"])
          } ${1 + Math.floor(next() * 28)} ${path()}`,
      ).join("\n");
    }
    if (kind < 0.7) {
      return Array.from(
        { length: 2 + Math.floor(next() * 20) },
        () => `${path()}:${1 + Math.floor(next() * 900)}: ${code(1).trim()}`,
      ).join("\n");
    }
    return sentence(20 + Math.floor(next() * 250));
  };

  const tools = ["shell", "apply_patch", "update_plan", "view_image", "read_file"].map((name) => ({
    type: "function",
    name,
    description: sentence(25 + Math.floor(next() * 40)),
    strict: false,
    parameters: {
      type: "object",
      properties: Object.fromEntries(
        Array.from({ length: 2 + Math.floor(next() * 4) }, () => [
          identifier(),
          { type: pick(["string", "number", "array", "boolean"]), description: sentence(8) },
        ]),
      ),
      required: [],
      additionalProperties: false,
    },
  }));

  const input: unknown[] = [
    {
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: sentence(400) }],
    },
  ];
  let size = 0;
  while (size < targetBytes - 15_000) {
    const kind = next();
    let item: unknown;
    if (kind < 0.2) {
      item = {
        type: "message",
        role: pick(["user", "assistant"]),
        content: [{ type: "input_text", text: sentence(10 + Math.floor(next() * 180)) }],
      };
    } else if (kind < 0.3) {
      item = {
        type: "reasoning",
        id: `rs_${hex(32)}`,
        summary: [{ type: "summary_text", text: sentence(15 + Math.floor(next() * 40)) }],
        encrypted_content: base64(400 + Math.floor(next() * 1200)),
      };
    } else if (kind < 0.65) {
      item = {
        type: "function_call",
        id: `fc_${hex(32)}`,
        call_id: `call_${hex(24)}`,
        name: pick(["shell", "apply_patch", "update_plan", "read_file"]),
        arguments: JSON.stringify({
          command: [
            "bash",
            "-lc",
            `${pick(["rg -n", "cat", "sed -n 1,120p", "ls -la", "git diff"])} ${path()}`,
          ],
          workdir: `/home/dev/${identifier()}`,
          timeout_ms: 1000 * Math.floor(next() * 120),
        }),
      };
    } else {
      item = {
        type: "function_call_output",
        call_id: `call_${hex(24)}`,
        output: JSON.stringify({
          output: shellOutput(),
          metadata: {
            exit_code: next() < 0.85 ? 0 : 1,
            duration_seconds: Math.round(next() * 3000) / 100,
          },
        }),
      };
    }
    input.push(item);
    size += JSON.stringify(item).length;
  }
  const body = {
    model: "gpt-5-codex",
    instructions: sentence(900),
    input,
    tools,
    tool_choice: "auto",
    parallel_tool_calls: false,
    reasoning: { effort: "medium", summary: "auto" },
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
  };
  return new TextEncoder().encode(JSON.stringify(body));
}
