/**
 * Where the bundled offline scenarios live and what they are called; the loading and
 * checking of a scenario is in `scenarios.ts`. Apart so that `--help` can list them
 * without loading the scenario schema.
 *
 * @module
 */

/**
 * Whether a name is a well-formed scenario name (lowercase letters, digits, `-`, `_`).
 *
 * @param name The name to check.
 * @returns `true` when it is.
 *
 * @example Usage
 * ```ts
 * import { isScenarioName } from "./scenario_names.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isScenarioName("hello"), true);
 * assert.equal(isScenarioName("../etc"), false);
 * ```
 */
export function isScenarioName(name: string): boolean {
  return SCENARIO_NAME_REGEXP.test(name);
}

const SCENARIO_NAME_REGEXP = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * The folder of the bundled scenarios.
 *
 * @example Usage
 * ```ts
 * import { SCENARIOS_DIR } from "./scenario_names.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(SCENARIOS_DIR.href.endsWith("/fixtures/scenarios/"));
 * ```
 */
export const SCENARIOS_DIR: URL = new URL("../../fixtures/scenarios/", import.meta.url);

/**
 * Lists the bundled scenario names, sorted.
 *
 * @param dir The folder to look in.
 * @returns The names (file names without `.json`); empty when the folder cannot be read.
 *
 * @example Usage
 * ```ts
 * import { listScenarios } from "./scenario_names.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok((await listScenarios()).includes("hello"));
 * ```
 */
export async function listScenarios(dir: URL = SCENARIOS_DIR): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".json")) continue;
      const name = entry.name.slice(0, -".json".length);
      if (isScenarioName(name)) names.push(name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names.sort();
}
