/**
 * A delay in words for messages: "800 ms", "2.5 s", "3 min 20 s".
 *
 * @module
 */

/**
 * Formats a delay for a person.
 *
 * @param delayMs The delay in milliseconds.
 * @returns The delay, such as `"800 ms"`, `"2.5 s"` or `"3 min 20 s"`.
 */
export function formatDelay(delayMs: number): string {
  if (delayMs < 1000) return `${Math.round(delayMs)} ms`;
  if (delayMs < 60_000) return `${Number((delayMs / 1000).toFixed(1))} s`;
  const seconds = Math.round(delayMs / 1000);
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
