// The help path of the CLI stays light: `cli.ts --help` and `cli.ts responses --help` load
// no module that is slow to start (zod, LogTape, `node:util`, zstd, the client) before
// they print. Checked on the module graph, not by timing (bench/cli_startup.ts times it).

import assert from "node:assert/strict";

interface GraphModule {
  specifier: string;
  local?: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

const ROOT = new URL("../../", import.meta.url);
const HEAVY_REGEXP =
  /zod|logtape|node:util|zstd|compression|responses_client|mock_responses_server/;

// The modules that load when `entry` is imported, dynamic imports left out.
async function staticClosure(entry: string): Promise<GraphModule[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const graph = JSON.parse(new TextDecoder().decode(output.stdout));
  const modules = new Map<string, GraphModule>(
    graph.modules.map((module: GraphModule) => [module.specifier, module]),
  );
  const seen = new Map<string, GraphModule>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    const module = modules.get(specifier) ?? { specifier };
    seen.set(specifier, module);
    for (const dependency of module.dependencies ?? []) {
      if (dependency.code !== undefined && dependency.isDynamic !== true) {
        visit(dependency.code.specifier);
      }
    }
  };
  visit(graph.roots[0]);
  return [...seen.values()];
}

for (const entry of ["cli.ts", "lib/cli/responses_help.ts", "lib/cli/realtime_help.ts"]) {
  Deno.test(`${entry} loads nothing heavy up front`, async () => {
    const closure = await staticClosure(entry);
    const names = closure.map((module) => module.specifier);
    assert.ok(names.length > 1, `the graph of ${entry} looks empty`);
    assert.deepEqual(names.filter((name) => HEAVY_REGEXP.test(name)), []);
    for (const module of closure) {
      if (module.local === undefined) continue;
      const source = await Deno.readTextFile(module.local);
      assert.ok(
        !/new Intl\./.test(source),
        `${module.specifier} builds an Intl formatter, which is slow to create`,
      );
    }
  });
}

Deno.test("the help's ChatGPT base URL is the client's", async () => {
  const help = await import("../../lib/cli/responses_help.ts");
  const client = await import("../../lib/responses/responses_client.ts");
  assert.equal(help.CHATGPT_BASE_URL, client.CHATGPT_BASE_URL);
});
