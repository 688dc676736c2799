// What the model is asked to produce: the schema to validate with, its JSON Schema for the provider,
// and the name and description the tool or response format carries.

import type { JsonSchema } from "../schema/internal.js";
import { iterableInfo } from "../schema/internal.js";

/** A response model: a schema, or a schema with the name and description the provider sees. */
export interface ResponseModel<S> {
  readonly schema: S;
  /** The tool or response-format name; letters, digits, `_` and `-`. Default `Response`. */
  readonly name?: string;
  readonly description?: string;
  /** The schema's JSON Schema, needed when `schema` is not a zod schema. */
  readonly jsonSchema?: JsonSchema;
}

export interface ResolvedModel {
  readonly schema: unknown;
  readonly name: string;
  readonly description: string | undefined;
  /** What the provider is sent: the JSON side of the schema (transforms' inputs). */
  readonly jsonSchema: Record<string, unknown>;
  /** The JSON Schema the stream may read the structure from, when the schema cannot describe itself. */
  readonly streamJsonSchema: JsonSchema | undefined;
  /** For `Iterable(schema)`: the key of the list and the JSON Schema of one item. */
  readonly iterable: { readonly key: string; readonly element: Record<string, unknown> } | undefined;
}

interface WithJsonSchema {
  toJSONSchema(params?: {
    io?: "input" | "output";
    unrepresentable?: "throw" | "any";
  }): Record<string, unknown>;
}

function hasToJsonSchema(schema: unknown): schema is WithJsonSchema {
  return (
    typeof schema === "object" &&
    schema !== null &&
    typeof (schema as { toJSONSchema?: unknown }).toJSONSchema === "function"
  );
}

function isResponseModel(value: unknown): value is ResponseModel<unknown> {
  return typeof value === "object" && value !== null && "schema" in value && !("~standard" in value);
}

/** Schemas are immutable, so what a provider is sent for one is worked out once. */
const jsonSchemas = new WeakMap<object, Record<string, unknown> | undefined>();

/** The JSON Schema a provider is sent for `schema`, or `undefined` when it cannot be derived. */
export function jsonSchemaOf(schema: unknown): Record<string, unknown> | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  if (jsonSchemas.has(schema)) return jsonSchemas.get(schema);
  const derived = deriveJsonSchema(schema);
  jsonSchemas.set(schema, derived);
  return derived;
}

function deriveJsonSchema(schema: object): Record<string, unknown> | undefined {
  const iterable = iterableInfo(schema);
  if (iterable) {
    const items = jsonSchemaOf(iterable.element);
    if (!items) return undefined;
    const { $defs, ...element } = items;
    return {
      type: "object",
      properties: { [iterable.key]: { type: "array", items: element } },
      required: [iterable.key],
      additionalProperties: false,
      ...($defs ? { $defs } : {}),
    };
  }
  if (!hasToJsonSchema(schema)) return undefined;
  const { $schema: _ignored, ...rest } = schema.toJSONSchema({ io: "input", unrepresentable: "any" });
  return rest;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function resolveResponseModel(input: unknown): ResolvedModel {
  const model: ResponseModel<unknown> = isResponseModel(input) ? input : { schema: input };
  const name = model.name ?? "Response";
  if (!NAME.test(name)) {
    throw new TypeError(
      `fieldstream: response_model name "${name}" must be 1-64 letters, digits, "_" or "-"`,
    );
  }
  const given = model.jsonSchema;
  const jsonSchema =
    typeof given === "object" ? (given as Record<string, unknown>) : jsonSchemaOf(model.schema);
  if (!jsonSchema) {
    throw new TypeError(
      "fieldstream: cannot derive a JSON Schema for this response_model; pass { schema, jsonSchema } (zod 4 schemas need nothing)",
    );
  }
  const info = iterableInfo(model.schema);
  const element = info ? jsonSchemaOf(info.element) : undefined;
  return {
    schema: model.schema,
    name,
    description: model.description,
    jsonSchema,
    streamJsonSchema: given,
    iterable: info && element ? { key: info.key, element } : undefined,
  };
}

/** The item schema for `parallel_tools`, which only makes sense for `Iterable(schema)`. */
export function itemSchema(model: ResolvedModel): Record<string, unknown> {
  if (!model.iterable) {
    throw new TypeError("fieldstream: mode parallel_tools needs an Iterable(schema) response_model");
  }
  return model.iterable.element;
}

/**
 * The schema in the form OpenAI's strict structured outputs accept (every object closed, every
 * property required), or `undefined` when the schema has optional fields or open objects.
 */
export function strictJsonSchema(schema: Record<string, unknown>): Record<string, unknown> | undefined {
  if (strictSchemas.has(schema)) return strictSchemas.get(schema);
  const strict = makeStrict(schema);
  strictSchemas.set(schema, strict);
  return strict;
}

const strictSchemas = new WeakMap<object, Record<string, unknown> | undefined>();

function makeStrict(schema: Record<string, unknown>): Record<string, unknown> | undefined {
  let ok = true;
  const visit = (node: unknown): unknown => {
    if (!ok || typeof node !== "object" || node === null) return node;
    if (Array.isArray(node)) return node.map(visit);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "default" || key === "format" || key === "pattern") continue;
      out[key] = key === "properties" || key === "$defs" ? mapValues(value, visit) : visit(value);
    }
    if (out.type === "object" || out.properties !== undefined) {
      const keys = Object.keys((out.properties as Record<string, unknown>) ?? {});
      const required = (out.required as string[] | undefined) ?? [];
      if (keys.some((k) => !required.includes(k))) ok = false;
      if (out.additionalProperties !== undefined && out.additionalProperties !== false) ok = false;
      out.additionalProperties = false;
    }
    return out;
  };
  const result = visit(schema) as Record<string, unknown>;
  return ok ? result : undefined;
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}
