// Reading the environment without requiring the permission: no permission means no value.

/** An environment variable's value, `undefined` when unset, blank or not readable. */
export function readEnv(name: string): string | undefined {
  try {
    const value = Deno.env.get(name);
    return value === undefined || value.trim() === "" ? undefined : value;
  } catch {
    // No permission to read the environment: there is no fallback key.
    return undefined;
  }
}
