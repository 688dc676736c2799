// The static types a schema gives a stream: what the model writes (input), what validation returns
// (output), and what each streamed element is. Written once; every layer above uses these.

import type { IterableSchema } from "./helpers.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** The type the model writes for schema `S` (before transforms), `unknown` for a bare JSON Schema. */
export type InputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : unknown;

/** The validated type of schema `S`, `unknown` for a bare JSON Schema. */
export type OutputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;

/** One streamed element: the item of an `Iterable(...)` or of an array schema; `never` otherwise. */
export type ElementOf<S> =
  S extends IterableSchema<infer E, string>
    ? StandardSchemaV1.InferOutput<E>
    : OutputOf<S> extends readonly (infer E)[]
      ? E
      : never;
