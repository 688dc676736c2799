// The shape a response model streams in, for code that draws fields before the model writes them
// (a terminal view, a form skeleton): the schema layer's slot tree, read the way a request reads it.

import type { Slot } from "../schema/internal.js";
import { describeSchema } from "../schema/internal.js";
import { resolveResponseModel } from "./response-model.js";

/**
 * The root slot of what `schemaOrModel` streams: a zod 4 schema, a Standard Schema with its JSON
 * Schema in `{ schema, jsonSchema }`, a JSON Schema, `Iterable(schema)`, or a whole response model.
 * Walk it with `memberSlot`. Throws a `TypeError` when no JSON Schema can be derived.
 */
export function outlineOf(schemaOrModel: unknown): Slot {
  const model = resolveResponseModel(schemaOrModel);
  return describeSchema(model.schema, model.streamJsonSchema).root;
}
