// CLI start-up, warm: wall time of whole `deno run` processes, interleaved round by round
// (the order rotates each round), medians. An empty script is the floor: the runtime's own
// start-up, which no CLI can go under.
//
//   deno run -A bench/cli_startup.ts [--rounds 15] [--json]
//
// Target: `cli.ts responses --help` <= 120 ms.

import { median, option } from "./_bench_util.ts";

const ROOT = new URL("../", import.meta.url);

async function main(): Promise<void> {
  const rounds = Number(option("rounds", "15"));
  const json = Deno.args.includes("--json");
  const empty = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const runs: [string, string[]][] = [
      ["empty script", ["run", "-A", empty]],
      ["cli.ts --help", ["run", "-A", "cli.ts", "--help"]],
      ["cli.ts responses --help", ["run", "-A", "cli.ts", "responses", "--help"]],
    ];
    const timeOne = async (args: string[]): Promise<number> => {
      const started = performance.now();
      const output = await new Deno.Command(Deno.execPath(), {
        args,
        cwd: ROOT,
        stdout: "null",
        stderr: "piped",
      }).output();
      const ms = performance.now() - started;
      if (!output.success) {
        throw new Error(
          `deno ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr)}`,
        );
      }
      return ms;
    };
    // Warm: the module graph is cached and compiled once before timing.
    for (const [, args] of runs) await timeOne(args);
    const times = new Map<string, number[]>(runs.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < runs.length; i++) {
        const [name, args] = runs[(i + round) % runs.length];
        times.get(name)!.push(await timeOne(args));
      }
    }
    const medians = Object.fromEntries(runs.map(([name]) => [name, median(times.get(name)!)]));
    if (json) {
      console.log(
        JSON.stringify({ bench: "cli_startup", deno: Deno.version.deno, rounds, medians }),
      );
      return;
    }
    console.log(`warm start-up, medians of ${rounds} interleaved rounds`);
    for (const [name] of runs) {
      console.log(`  ${name.padEnd(26)} ${medians[name].toFixed(0).padStart(4)} ms`);
    }
    console.log(
      `cli.ts responses --help ${
        medians["cli.ts responses --help"].toFixed(0)
      } ms  (target <= 120)`,
    );
  } finally {
    await Deno.remove(empty);
  }
}

if (import.meta.main) await main();
