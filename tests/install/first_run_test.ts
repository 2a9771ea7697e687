// A first run downloads only what it runs: the offline demo must work from a Deno cache
// that holds just the npm packages in the CLI's module graph, so bench- and test-only
// packages (the openai SDK, fast-check, fake timers) are never fetched for it.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEV_ONLY_PACKAGES = ["openai", "fast-check", "@sinonjs"];

async function denoJson(args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const output = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, env }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

// The top folder of each npm package the CLI's module graph imports, with the packages
// those depend on ("@scope" for scoped ones). `npmPackages` lists the whole lockfile, so
// the roots come from the modules.
async function runtimePackageFolders(): Promise<string[]> {
  const info = await denoJson(["info", "--json", "cli.ts"]) as {
    modules: { kind?: string; npmPackage?: string }[];
    npmPackages: Record<string, { name: string; dependencies: string[] }>;
  };
  const seen = new Set<string>();
  const pending = info.modules.flatMap((module) => module.npmPackage ?? []);
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...info.npmPackages[id]?.dependencies ?? []);
  }
  const folders = [...seen].map((id) => info.npmPackages[id].name.split("/")[0]);
  return [...new Set(folders)].sort();
}

Deno.test("the CLI's module graph holds no bench- or test-only package", async () => {
  const folders = await runtimePackageFolders();
  assert.ok(folders.includes("zod"), `unexpected graph: ${folders.join(", ")}`);
  for (const dev of DEV_ONLY_PACKAGES) assert.ok(!folders.includes(dev), `${dev} is in the graph`);
});

Deno.test("the offline demo runs from a cache that holds only the CLI's packages", async () => {
  const { npmCache } = await denoJson(["info", "--json"]) as { npmCache: string };
  const source = `${npmCache}/registry.npmjs.org`;
  const denoDir = await Deno.makeTempDir({ prefix: "codexwire-first-run-" });
  try {
    const target = `${denoDir}/npm/registry.npmjs.org`;
    await Deno.mkdir(target, { recursive: true });
    for (const folder of await runtimePackageFolders()) {
      const copy = await new Deno.Command("cp", { args: ["-r", `${source}/${folder}`, target] })
        .output();
      assert.equal(copy.code, 0, `cannot copy ${folder} from the Deno cache`);
    }
    const env = { DENO_DIR: denoDir, NO_COLOR: "1", OPENAI_API_KEY: "", OPENAI_BASE_URL: "" };
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--cached-only", "-A", "cli.ts", "responses", "--json", "hi"],
      cwd: ROOT,
      env,
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, stderr);
    const lines = new TextDecoder().decode(run.stdout).trim().split("\n");
    assert.equal(JSON.parse(lines.at(-1)!).type, "completed");
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});
