// Runs one case of bench/_hardening_cases.ts in a child process and returns its report:
// the growth of that process's peak RSS over the measured part, and the outcome.

export interface MemoryReport {
  case: string;
  peakGrowthMiB: number;
  peakMiB: number;
  outcome: string;
  [key: string]: unknown;
}

const SCRIPT = new URL("../bench/_hardening_cases.ts", import.meta.url).pathname;
export const MIB = 1024 * 1024;

export async function runMemoryCase(...args: string[]): Promise<MemoryReport> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const out = new TextDecoder().decode(stdout).trim();
  if (code !== 0) {
    throw new Error(`case ${args.join(" ")} exited ${code}: ${new TextDecoder().decode(stderr)}`);
  }
  return JSON.parse(out.split("\n").at(-1)!) as MemoryReport;
}

/** Writes the gzip and zstd bombs into a new temporary directory. */
export async function makeBombs(gzipMiB: number, zstdMiB: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "codexwire_bombs_" });
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, "make", dir, String(gzipMiB), String(zstdMiB)],
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  if (code !== 0) throw new Error(`making bombs failed: ${new TextDecoder().decode(stderr)}`);
  return dir;
}
