// The full-size hardening cases, each in its own process, printing the measured growth
// of peak RSS (VmHWM) and the outcome:
//
//   deno run -A bench/hardening_memory.ts
//
// a 300 MiB error body; a 1 MB gzip bomb (1 GiB of zeros) decoded and POSTed to the mock
// server; a 33 KB zstd bomb (1 GiB of zeros, 128 MiB window) alone, eight at once, and
// with a slow reader; a 32 MiB SSE event fed one byte per chunk.

const SCRIPT = new URL("./_hardening_cases.ts", import.meta.url).pathname;

async function run(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(600_000),
  }).output();
  if (code !== 0) return `exit ${code}: ${new TextDecoder().decode(stderr).slice(0, 300)}`;
  return new TextDecoder().decode(stdout).trim().split("\n").at(-1)!;
}

const dir = await Deno.makeTempDir({ prefix: "codexwire_bombs_" });
try {
  console.log(await run(["make", dir, "1024", "1024"]) || "bombs written");
  for (
    const args of [
      ["error-body", "300"],
      ["gzip-bomb", dir, "256"],
      ["gzip-post", dir, "64"],
      ["zstd-slow", dir],
      ["zstd-bomb", dir, "1"],
      ["zstd-bomb", dir, "8"],
      ["sse-bytes", "32"],
    ]
  ) {
    console.log(await run(args));
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
