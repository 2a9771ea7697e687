/**
 * The codexwire version, sent in the default `User-Agent`.
 *
 * @example Usage
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(VERSION);
 * ```
 */
export const VERSION: string = "0.1.0";
