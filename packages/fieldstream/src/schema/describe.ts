// Turns what the user passes as a schema (zod 4, any Standard Schema with a JSON Schema, a bare JSON
// Schema, or an Iterable wrapper) into the root slot, the final check, and where elements stream.

import type { PathSegment } from "../json/index.js";
import { checkJsonSchema, type JsonSchema, slotFromJsonSchema } from "./from-json-schema.js";
import { isZodSchema, slotFromZod } from "./from-zod.js";
import { iterableInfo } from "./helpers.js";
import { type Check, type Slot, slotOf } from "./node.js";
import { standardCheck } from "./standard-check.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

export interface DescribedSchema {
  readonly root: Slot;
  /** Validates and parses the complete value. */
  readonly check: Check;
  /** Where the array whose elements stream sits, if the schema is an array or an Iterable. */
  readonly elementsAt?: readonly PathSegment[];
}

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    typeof value === "object" &&
    value !== null &&
    "~standard" in value &&
    typeof (value as StandardSchemaV1)["~standard"]?.validate === "function"
  );
}

/**
 * Reads a schema. zod 4 schemas describe themselves; other Standard Schema validators need the JSON
 * Schema of the same type (`jsonSchema`); a JSON Schema alone is both structure and validator.
 */
export function describeSchema(schema: unknown, jsonSchema?: JsonSchema): DescribedSchema {
  const iterable = iterableInfo(schema);
  if (iterable) {
    const element = describeSchema(iterable.element, jsonSchema);
    const items = slotOf({ kind: "array", element: element.root });
    const root = slotOf({ kind: "object", fields: new Map([[iterable.key, items]]), unknownKeys: "strip" });
    return { root, check: standardCheck(schema as StandardSchemaV1), elementsAt: [iterable.key] };
  }
  let root: Slot;
  let check: Check;
  if (jsonSchema !== undefined) {
    root = slotFromJsonSchema(jsonSchema);
    check = isStandardSchema(schema) ? standardCheck(schema) : checkJsonSchema(jsonSchema);
  } else if (isZodSchema(schema)) {
    root = slotFromZod(schema);
    check = standardCheck(schema);
  } else if (isStandardSchema(schema)) {
    throw new TypeError(
      `fieldstream: a ${schema["~standard"].vendor} schema needs its JSON Schema too: pass { schema, jsonSchema }`,
    );
  } else if (typeof schema === "object" && schema !== null) {
    root = slotFromJsonSchema(schema as JsonSchema);
    check = checkJsonSchema(schema as JsonSchema);
  } else {
    throw new TypeError(
      "fieldstream: schema must be a zod schema, a Standard Schema with a JSON Schema, or a JSON Schema",
    );
  }
  return root.node.kind === "array" ? { root, check, elementsAt: [] } : { root, check };
}
