// Fast checks derived from zod schemas. The zod schemas stay the source of truth; for the
// simple ones (objects of strings, finite numbers, booleans, literals, enums, optional,
// nullable and nested objects) this compiles a plain predicate that accepts exactly what
// `safeParse` accepts, without building a result or an issue list. Arrays of such
// schemas are covered too. Anything else (refinements, transforms, records, unions, and `unknown` fields, which zod
// refuses when the key is missing but not when it holds undefined) gets no fast check, and
// callers keep using `safeParse`. tests/schema/fast_check_test.ts checks the equivalence
// on random values with fast-check.
//
// The predicate is compiled to one function with `new Function`, as zod compiles its own
// object parsers: each field read then has its own inline cache, where a generic loop over
// the fields reads them by a computed key (several times slower on the hot path). Only
// schema facts reach the source: key names and literal values, written with
// `JSON.stringify`. Where code generation is not allowed, there is no fast check.

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
  element?: z.ZodType;
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
  const body = statementsOf(schema, "value", { next: 0 });
  if (body === undefined) return undefined;
  try {
    return new Function("value", `"use strict";\n${body}\nreturn true;`) as FastCheck;
  } catch {
    return undefined;
  }
}

interface Names {
  next: number;
}

// Statements that `return false` unless the variable `name` passes `schema`. Each field is
// read once into a variable of its own, as zod reads it.
function statementsOf(schema: z.ZodType, name: string, names: Names): string | undefined {
  const definition = definitionOf(schema);
  if (definition.checks !== undefined && definition.checks.length > 0) return undefined;
  switch (definition.type) {
    case "string":
      return `if (typeof ${name} !== "string") return false;`;
    case "number":
      // zod's numbers are finite: NaN and the infinities are refused.
      return `if (typeof ${name} !== "number" || !Number.isFinite(${name})) return false;`;
    case "boolean":
      return `if (typeof ${name} !== "boolean") return false;`;
    case "literal":
      return oneOf(name, definition.values ?? []);
    case "enum":
      return oneOf(name, Object.values(definition.entries ?? {}));
    case "optional": {
      const inner = definition.innerType && statementsOf(definition.innerType, name, names);
      return inner && `if (${name} !== undefined) {\n${inner}\n}`;
    }
    case "nullable": {
      const inner = definition.innerType && statementsOf(definition.innerType, name, names);
      return inner && `if (${name} !== null) {\n${inner}\n}`;
    }
    case "object":
      return objectStatements(definition, name, names);
    case "array":
      return arrayStatements(definition, name, names);
  }
  return undefined;
}

// An array whose every element passes the element's check; zod reads holes as undefined,
// as the indexed loop does.
function arrayStatements(definition: Definition, name: string, names: Names): string | undefined {
  if (definition.element === undefined) return undefined;
  const index = `i${names.next++}`;
  const element = `v${names.next++}`;
  const check = statementsOf(definition.element, element, names);
  if (check === undefined) return undefined;
  return [
    `if (!Array.isArray(${name})) return false;`,
    `for (let ${index} = 0; ${index} < ${name}.length; ${index}++) {`,
    `const ${element} = ${name}[${index}];`,
    check,
    "}",
  ].join("\n");
}

// Strict equality with one of the values; only strings, finite numbers, booleans and null
// (written as JSON, so nothing else can reach the source).
function oneOf(name: string, values: readonly unknown[]): string | undefined {
  if (values.length === 0) return undefined;
  const literals: string[] = [];
  for (const value of values) {
    const plain = value === null || typeof value === "string" || typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0));
    if (!plain) return undefined;
    literals.push(`${name} !== ${JSON.stringify(value)}`);
  }
  return `if (${literals.join(" && ")}) return false;`;
}

// An object (zod's test: any non-null object that is not an array) with every field of the
// shape. Other keys are stripped (`z.object`) or kept (`z.looseObject`) by zod, never
// refused, so they are not looked at. A strict object's catch-all refuses them: no fast
// check for that.
function objectStatements(definition: Definition, name: string, names: Names): string | undefined {
  const catchall = definition.catchall && definitionOf(definition.catchall).type;
  if (catchall !== undefined && catchall !== "unknown" && catchall !== "any") return undefined;
  const lines = [
    `if (typeof ${name} !== "object" || ${name} === null || Array.isArray(${name})) return false;`,
  ];
  for (const [key, field] of Object.entries(definition.shape ?? {})) {
    const fieldName = `v${names.next++}`;
    const check = statementsOf(field, fieldName, names);
    if (check === undefined) return undefined;
    lines.push(`const ${fieldName} = ${name}[${JSON.stringify(key)}];`, check);
  }
  return lines.join("\n");
}
