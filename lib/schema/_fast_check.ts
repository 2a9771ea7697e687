// Fast checks derived from zod schemas. The zod schemas stay the source of truth; for the
// simple ones (objects of strings, finite numbers, booleans, literals, enums, optional,
// nullable and nested objects) this compiles a plain predicate that accepts exactly what
// `safeParse` accepts, without building a result or an issue list. Anything else
// (refinements, transforms, records, arrays, unions, and `unknown` fields, which zod
// refuses when the key is missing but not when it holds undefined) gets no fast check, and
// callers keep using `safeParse`. tests/schema/fast_check_test.ts checks the equivalence
// on random values with fast-check.

import type { z } from "zod";

/** A predicate equivalent to `schema.safeParse(value).success`. */
export type FastCheck = (value: unknown) => boolean;

// The parts of zod's (v4) schema definitions that the derivation reads.
interface Definition {
  type: string;
  checks?: readonly unknown[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
}

function definitionOf(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/**
 * Derives a fast check from a zod schema.
 *
 * @param schema The schema.
 * @returns The check, or `undefined` when the schema uses something it does not cover.
 */
export function fastCheckOf(schema: z.ZodType): FastCheck | undefined {
  const definition = definitionOf(schema);
  if (definition.checks !== undefined && definition.checks.length > 0) return undefined;
  switch (definition.type) {
    case "string":
      return (value) => typeof value === "string";
    case "number":
      // zod's numbers are finite: NaN and the infinities are refused.
      return (value) => typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return (value) => typeof value === "boolean";
    case "literal": {
      const values = definition.values ?? [];
      if (!values.every((value) => value === null || typeof value !== "object")) return undefined;
      if (values.length === 1) {
        const only = values[0];
        return (value) => value === only;
      }
      return (value) => values.includes(value);
    }
    case "enum": {
      const values = new Set(Object.values(definition.entries ?? {}));
      return (value) => values.has(value);
    }
    case "optional": {
      const inner = definition.innerType && fastCheckOf(definition.innerType);
      return inner && ((value) => value === undefined || inner(value));
    }
    case "nullable": {
      const inner = definition.innerType && fastCheckOf(definition.innerType);
      return inner && ((value) => value === null || inner(value));
    }
    case "object":
      return objectCheck(definition);
  }
  return undefined;
}

// An object with every field of the shape; other keys are stripped (`z.object`) or
// kept (`z.looseObject`) by zod, never refused, so they are not looked at. A strict
// object's catch-all refuses them: no fast check for that.
function objectCheck(definition: Definition): FastCheck | undefined {
  const catchall = definition.catchall && definitionOf(definition.catchall).type;
  if (catchall !== undefined && catchall !== "unknown" && catchall !== "any") return undefined;
  const fields: [string, FastCheck][] = [];
  for (const [key, field] of Object.entries(definition.shape ?? {})) {
    const check = fastCheckOf(field);
    if (check === undefined) return undefined;
    fields.push([key, check]);
  }
  return (value) => {
    // zod's test for an object: any non-null object that is not an array.
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    for (let i = 0; i < fields.length; i++) {
      if (!fields[i][1]((value as Record<string, unknown>)[fields[i][0]])) return false;
    }
    return true;
  };
}
