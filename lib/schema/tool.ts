/**
 * Tool specs for a request's `tools`, in the Responses API's shape.
 *
 * @module
 */

/** A `function` tool: the model calls it with JSON arguments. */
export interface FunctionTool {
  /** Always `function`. */
  type: "function";
  /** The name the model calls it by. */
  name: string;
  /** What it does, for the model. */
  description?: string;
  /** A JSON schema of its arguments. */
  parameters: Record<string, unknown>;
  /** Whether the arguments must follow `parameters` exactly. */
  strict?: boolean;
  /** Other wire fields, sent as given. */
  [key: string]: unknown;
}

/** A `custom` (freeform) tool: the model calls it with plain text. */
export interface CustomTool {
  /** Always `custom`. */
  type: "custom";
  /** The name the model calls it by. */
  name: string;
  /** What it does, for the model. */
  description?: string;
  /** The input's format, such as `{ type: "grammar", syntax: "lark", definition }`. */
  format?: { type: string; [key: string]: unknown };
  /** Other wire fields, sent as given. */
  [key: string]: unknown;
}

/** The server's web search (`web_search`). */
export interface WebSearchTool {
  /** Always `web_search`. */
  type: "web_search";
  /** Other wire fields (`external_web_access`, `filters`, …), sent as given. */
  [key: string]: unknown;
}

/** The built-in `local_shell` tool. */
export interface LocalShellTool {
  /** Always `local_shell`. */
  type: "local_shell";
  /** Other wire fields, sent as given. */
  [key: string]: unknown;
}

/**
 * A tool spec. The typed members are checked field by field; any other tool type
 * (`image_generation`, `tool_search`, …) can be written as a plain object with its `type`.
 *
 * @example A function tool
 * ```ts
 * import type { Tool } from "./tool.ts";
 *
 * const tools: Tool[] = [{
 *   type: "function",
 *   name: "get_weather",
 *   description: "The weather in a city",
 *   parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
 * }];
 * ```
 */
export type Tool =
  | FunctionTool
  | CustomTool
  | WebSearchTool
  | LocalShellTool
  | { type: string; [key: string]: unknown };
