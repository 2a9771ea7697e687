import assert from "node:assert/strict";
import {
  formatOptionsHelp,
  type OptionSpec,
  parseCommandArgs,
  UsageError,
} from "../../lib/cli/args.ts";

const SPECS: readonly OptionSpec[] = [
  {
    name: "model",
    type: "string",
    valueName: "NAME",
    description: "The model",
    defaultText: "gpt-5",
  },
  { name: "json", type: "boolean", description: "JSON lines" },
  { name: "help", short: "h", type: "boolean", description: "Show this help" },
];

Deno.test("parseCommandArgs takes options and positionals in any order", () => {
  const parsed = parseCommandArgs(
    ["hello", "--json", "--model=gpt-x", "-h", "--", "--not-a-flag"],
    SPECS,
  );
  assert.deepEqual(parsed.values, { json: true, model: "gpt-x", help: true });
  assert.deepEqual(parsed.positionals, ["hello", "--not-a-flag"]);
});

Deno.test("parseCommandArgs names the flag it cannot take", async (t) => {
  const cases: [string[], string][] = [
    [["--colour"], 'Unknown option "--colour"'],
    [["-x"], 'Unknown option "-x"'],
    [
      ["--model"],
      'Option "--model" needs a value: write --model VALUE, or --model=VALUE for a value that starts with "-"',
    ],
    [
      ["--model", "--json"],
      'Option "--model" needs a value: write --model VALUE, or --model=VALUE for a value that starts with "-"',
    ],
    [["--json=1"], 'Option "--json" is a switch and takes no value'],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseCommandArgs(args, SPECS), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("formatOptionsHelp aligns the descriptions and wraps long ones under their column", () => {
  const help = formatOptionsHelp([
    ...SPECS,
    {
      name: "reasoning-effort",
      type: "string",
      valueName: "LEVEL",
      description: "How hard the model thinks before it answers",
      defaultText: "medium",
    },
  ], { width: 60 });
  assert.equal(
    help,
    [
      "  --model NAME              The model (default: gpt-5)",
      "  --json                    JSON lines",
      "  -h, --help                Show this help",
      "  --reasoning-effort LEVEL  How hard the model thinks before",
      "                            it answers (default: medium)",
    ].join("\n"),
  );
});
