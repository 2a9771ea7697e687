// Runs the comparison benches one after another (each in a process of its own, with
// `--json`) and prints the README's performance table from what they report, so the
// table is never typed by hand.
//
//   deno run -A bench/perf_table.ts [--rounds 9]
//
// The benches: sse_compare.ts (in memory), e2e_compare.ts (loopback), concurrent_streams.ts
// (1,000 streams, child processes) and cli_startup.ts (whole `deno run` processes).

import { option } from "./_bench_util.ts";

const rounds = option("rounds", "9");

async function runJson(script: string, args: string[]): Promise<Record<string, unknown>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, import.meta.url).pathname, ...args, "--json"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`${script} failed`);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const whole = (value: number) => Math.round(value).toLocaleString("en-US");

interface SseResult {
  chunkBytes: number;
  mbPerSecond: Record<string, number>;
  codexwireOverBaseline: number;
  codexwireOverOpenai: number;
}

async function main(): Promise<void> {
  const sse = await runJson("./sse_compare.ts", ["--rounds", rounds, "--chunks", "65536"]);
  const e2e = await runJson("./e2e_compare.ts", ["--rounds", rounds]);
  // Its rounds vary most (by up to ±0.15 from one to the next): twice as many of them.
  const many = await runJson("./concurrent_streams.ts", [
    "--rounds",
    String(Number(rounds) * 2),
  ]);
  const cli = await runJson("./cli_startup.ts", ["--rounds", String(Number(rounds) * 2)]);

  const [inMemory] = sse.results as SseResult[];
  const e2eMb = e2e.mbPerSecond as Record<string, number>;
  const manyEvents = many.eventsPerSecond as Record<string, number>;
  const manyRss = many.peakRssBytes as Record<string, number>;
  const cliMs = cli.medians as Record<string, number>;
  const rows: [string, string, string][] = [
    [
      "bytes → validated `ResponseEvent`s, 200k deltas (49 MB), in memory, 64 KiB chunks",
      `${fixed(inMemory.mbPerSecond.codexwire, 0)} MB/s vs ${
        fixed(inMemory.mbPerSecond.baseline, 0)
      } MB/s for split + \`JSON.parse\``,
      `**${fixed(inMemory.codexwireOverBaseline)}×** (target ≥ 0.9×)`,
    ],
    [
      "same, against the `openai` SDK's stream iteration",
      `${fixed(inMemory.mbPerSecond.openai, 0)} MB/s for the SDK`,
      `**${fixed(inMemory.codexwireOverOpenai)}×** faster (target ≥ 4×)`,
    ],
    [
      "end to end over loopback, `startMockResponsesServer` → client, 49 MB",
      `${fixed(e2eMb.codexwire, 0)} MB/s vs ${
        fixed(e2eMb.bare, 0)
      } MB/s for a bare fetch reader (bytes only: ${fixed(e2eMb.bytes, 0)} MB/s)`,
      `**${fixed(e2e.codexwireOverBare as number)}×** (target ≥ 0.9×)`,
    ],
    [
      `${many.streams} concurrent streams × ${many.eventsPerStream} events, client process`,
      `${whole(manyEvents.codexwire)} vs ${whole(manyEvents.bare)} events/s bare`,
      `**${fixed(many.codexwireOverBareSpeed as number)}×** (target ≥ 0.85×)`,
    ],
    [
      "same, read with `stream.batches()`",
      `${whole(manyEvents["codexwire-batches"])} events/s`,
      `${fixed(many.codexwireBatchesOverBareSpeed as number)}×`,
    ],
    [
      "same, the bare reader handing out events through `for await`",
      `${whole(manyEvents["bare-iterated"])} events/s`,
      `${fixed(many.bareIteratedOverBareSpeed as number)}× (codexwire: ${
        fixed(many.codexwireOverBareIteratedSpeed as number)
      }× of it)`,
    ],
    [
      "same, peak RSS",
      `${fixed(manyRss.codexwire / 1e6, 0)} MB vs ${fixed(manyRss.bare / 1e6, 0)} MB bare`,
      `**${fixed(many.codexwireOverBareRss as number)}×** (target ≤ 1.2×)`,
    ],
    [
      "`deno run -A cli.ts responses --help`, warm",
      `${fixed(cliMs["cli.ts responses --help"], 0)} ms (empty script ${
        fixed(cliMs["empty script"], 0)
      } ms)`,
      "target ≤ 120 ms",
    ],
  ];
  const header: [string, string, string] = ["measure", "result", "ratio"];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(header));
  console.log(`| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`);
  for (const row of rows) console.log(line(row));
  console.log(`\nDeno ${Deno.version.deno}, medians of interleaved rounds (--rounds ${rounds}).`);
}

if (import.meta.main) await main();
