// Instructor's response-model helpers. `Iterable(schema)` streams a list of complete items;
// `Partial(schema)` makes every field optional, deeply, so an answer cut short still validates.

import type { DeepPartial } from "./deep-partial.js";
import { isZodSchema, type ZodLike } from "./from-zod.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

type Input<S extends StandardSchemaV1> = StandardSchemaV1.InferInput<S>;
type Output<S extends StandardSchemaV1> = StandardSchemaV1.InferOutput<S>;

interface IterableInfo {
  readonly element: StandardSchemaV1;
  readonly key: string;
}

const iterables = new WeakMap<object, IterableInfo>();

/** A list of `S` sent as `{ items: S[] }` (tool calls need an object) and parsed to `S[]`. */
export interface IterableSchema<S extends StandardSchemaV1, K extends string = "items">
  extends StandardSchemaV1<{ [P in K]: Input<S>[] }, Output<S>[]> {
  readonly element: S;
  readonly key: K;
}

/** Where an Iterable wrapper keeps its element schema, if `schema` is one. */
export function iterableInfo(schema: unknown): IterableInfo | undefined {
  return typeof schema === "object" && schema !== null ? iterables.get(schema) : undefined;
}

/**
 * Streams a list of complete, validated `S`: use it as the schema and read `stream.elements`.
 * The model writes `{ "items": [...] }`; the final value is the array itself.
 */
export function Iterable<S extends StandardSchemaV1, K extends string = "items">(
  element: S,
  options: { key?: K } = {},
): IterableSchema<S, K> {
  const key = (options.key ?? "items") as K;
  const validateElement = element["~standard"].validate;
  const schema: IterableSchema<S, K> = {
    element,
    key,
    "~standard": {
      version: 1,
      vendor: "fieldstream",
      validate(value) {
        const list =
          typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
        if (!Array.isArray(list)) {
          return { issues: [{ message: `Expected an object with an array "${key}"`, path: [key] }] };
        }
        const results = list.map((item) => validateElement(item));
        return results.some((r) => r instanceof Promise)
          ? Promise.all(results).then((all) => collect(all, key))
          : collect(results as StandardSchemaV1.Result<Output<S>>[], key);
      },
    },
  };
  iterables.set(schema, { element, key });
  return schema;
}

function collect<T>(
  results: readonly StandardSchemaV1.Result<T>[],
  key: string,
): StandardSchemaV1.Result<T[]> {
  const issues: StandardSchemaV1.Issue[] = [];
  const values: T[] = [];
  results.forEach((result, i) => {
    if (result.issues) {
      for (const issue of result.issues)
        issues.push({ message: issue.message, path: [key, i, ...(issue.path ?? [])] });
    } else {
      values.push(result.value);
    }
  });
  return issues.length > 0 ? { issues } : { value: values };
}

/** A zod schema with the classic `clone` and `optional` methods. */
interface Cloneable extends ZodLike {
  clone(def: object): Cloneable;
  optional(): Cloneable;
}

/**
 * The same schema with every object field optional, at every depth: the final value of a stream cut
 * short (or a model that leaves fields out) still validates. Needs a zod 4 schema.
 */
export function Partial<S extends StandardSchemaV1>(
  schema: S,
): StandardSchemaV1<DeepPartial<Input<S>>, DeepPartial<Output<S>>> & S {
  if (!isZodSchema(schema) || typeof (schema as unknown as Cloneable).clone !== "function") {
    throw new TypeError("fieldstream: Partial() needs a zod 4 schema");
  }
  return deepPartial(schema as unknown as Cloneable) as unknown as StandardSchemaV1<
    DeepPartial<Input<S>>,
    DeepPartial<Output<S>>
  > &
    S;
}

function deepPartial(schema: Cloneable): Cloneable {
  const def = schema._zod.def as { type: string; [key: string]: unknown };
  switch (def.type) {
    case "object": {
      const shape: Record<string, Cloneable> = {};
      for (const [key, field] of Object.entries(def.shape as Record<string, Cloneable>)) {
        const inner = deepPartial(field);
        shape[key] = inner._zod.def.type === "optional" ? inner : inner.optional();
      }
      return schema.clone({ ...def, shape });
    }
    case "array":
      return schema.clone({ ...def, element: deepPartial(def.element as Cloneable) });
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return schema.clone({ ...def, innerType: deepPartial(def.innerType as Cloneable) });
    case "union":
      return schema.clone({ ...def, options: (def.options as Cloneable[]).map(deepPartial) });
    case "pipe":
      return schema.clone({ ...def, in: deepPartial(def.in as Cloneable) });
    default:
      return schema;
  }
}
