// The JSON Schema type fieldstream accepts, and the reading its validator and its structure share:
// local `$ref`s resolved, `allOf` and `$ref` siblings seen as one schema, a union's discriminator.

export type JsonSchemaTypeName = "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";

type Many<T> = T | readonly T[];

/**
 * A JSON Schema (draft 2020-12 or draft-07), or `true` / `false`. Accepts what `z.toJSONSchema`,
 * valibot's `toJsonSchema` and arktype's `toJsonSchema` return, and hand-written schemas with extra
 * keywords of their own.
 */
// The second object form lets literals carry vendor keywords; the first lets interfaces without an
// index signature (such as `JSONSchema7`) be assigned.
export type JsonSchema =
  | boolean
  | JsonSchemaObject
  | (JsonSchemaObject & { readonly [keyword: string]: unknown });

export interface JsonSchemaObject {
  readonly $schema?: string | undefined;
  readonly $id?: string | undefined;
  readonly $ref?: string | undefined;
  readonly $anchor?: string | undefined;
  readonly $comment?: string | undefined;
  readonly $defs?: { readonly [name: string]: JsonSchema } | undefined;
  readonly definitions?: { readonly [name: string]: JsonSchema } | undefined;
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly default?: unknown;
  readonly examples?: unknown;
  readonly deprecated?: boolean | undefined;
  readonly readOnly?: boolean | undefined;
  readonly writeOnly?: boolean | undefined;
  readonly type?: Many<JsonSchemaTypeName> | undefined;
  readonly enum?: readonly unknown[] | undefined;
  readonly const?: unknown;
  /** OpenAPI 3.0's way of allowing `null`. */
  readonly nullable?: boolean | undefined;
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
  readonly pattern?: string | RegExp | undefined;
  readonly format?: string | undefined;
  readonly multipleOf?: number | undefined;
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
  /** A number (2020-12, draft-07) or, with `minimum`, a boolean (draft-04). */
  readonly exclusiveMinimum?: number | boolean | undefined;
  readonly exclusiveMaximum?: number | boolean | undefined;
  /** A schema for every element, or after `prefixItems`; a list of schemas is draft-07's tuple. */
  readonly items?: Many<JsonSchema> | undefined;
  readonly prefixItems?: readonly JsonSchema[] | undefined;
  /** Draft-07: the elements after a tuple's `items`. */
  readonly additionalItems?: Many<JsonSchema> | undefined;
  readonly contains?: Many<JsonSchema> | undefined;
  readonly minContains?: number | undefined;
  readonly maxContains?: number | undefined;
  readonly minItems?: number | undefined;
  readonly maxItems?: number | undefined;
  readonly uniqueItems?: boolean | undefined;
  readonly properties?: { readonly [key: string]: JsonSchema } | undefined;
  readonly patternProperties?: { readonly [pattern: string]: JsonSchema } | undefined;
  readonly additionalProperties?: Many<JsonSchema> | undefined;
  readonly propertyNames?: JsonSchema | undefined;
  readonly required?: readonly string[] | undefined;
  readonly minProperties?: number | undefined;
  readonly maxProperties?: number | undefined;
  readonly dependentRequired?: { readonly [key: string]: readonly string[] } | undefined;
  readonly dependentSchemas?: { readonly [key: string]: JsonSchema } | undefined;
  /** Draft-07: `dependentRequired` and `dependentSchemas` in one keyword. */
  readonly dependencies?: { readonly [key: string]: JsonSchema | readonly string[] } | undefined;
  readonly allOf?: readonly JsonSchema[] | undefined;
  readonly anyOf?: readonly JsonSchema[] | undefined;
  readonly oneOf?: readonly JsonSchema[] | undefined;
  readonly not?: JsonSchema | undefined;
  readonly if?: JsonSchema | undefined;
  readonly then?: JsonSchema | undefined;
  readonly else?: JsonSchema | undefined;
  /** fieldstream's stream policy: `"atomic"`, `"required"` or `{ atomic?, required? }`. */
  readonly stream?: unknown;
  readonly "x-stream"?: unknown;
}

export type JsonPrimitive = string | number | boolean | null;

/** Keywords that describe or configure but never constrain a value. */
const ANNOTATIONS: ReadonlySet<string> = new Set([
  "$schema",
  "$id",
  "$anchor",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "stream",
  "x-stream",
  "contentMediaType",
  "contentEncoding",
]);

export function isSchemaObject(schema: unknown): schema is JsonSchemaObject {
  return typeof schema === "object" && schema !== null && !Array.isArray(schema);
}

/** `Array.isArray` that also narrows readonly arrays. */
export function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

/** Whether the schema has keywords other than annotations and those listed in `besides`. */
export function hasConstraints(schema: JsonSchemaObject, besides: readonly string[] = []): boolean {
  for (const [key, value] of Object.entries(schema)) {
    if (value !== undefined && !ANNOTATIONS.has(key) && !besides.includes(key) && !key.startsWith("x-"))
      return true;
  }
  return false;
}

const documents = new WeakMap<object, JsonSchemaDocument>();

/** The document of a root schema, shared so that its validators are compiled once. */
export function documentOf(root: JsonSchema): JsonSchemaDocument {
  if (!isSchemaObject(root)) return new JsonSchemaDocument(root);
  let document = documents.get(root);
  if (!document) {
    document = new JsonSchemaDocument(root);
    documents.set(root, document);
  }
  return document;
}

/** A root schema and the references inside it. */
export class JsonSchemaDocument {
  private anchors: Map<string, JsonSchema> | undefined;
  private readonly partsCache = new WeakMap<object, readonly JsonSchemaObject[]>();

  constructor(readonly root: JsonSchema) {
    // A reference that leads nowhere fails here, not halfway through a stream.
    forEachSchema(root, (schema) => {
      if (typeof schema.$ref === "string") this.resolve(schema.$ref);
    });
  }

  /** The schema a local `$ref` points to: a JSON pointer (`#/$defs/Node`, `#`) or an `$anchor`. */
  resolve(ref: string): JsonSchema {
    // A reference may spell out the root's own `$id` before the fragment.
    const id = isSchemaObject(this.root) ? this.root.$id?.replace(/#$/, "") : undefined;
    const local = id && (ref === id || ref.startsWith(`${id}#`)) ? ref.slice(id.length) || "#" : ref;
    const found = local.startsWith("#/") || local === "#" ? this.pointer(local) : this.anchor(local);
    if (found === undefined) {
      throw new TypeError(
        `fieldstream: cannot resolve the JSON Schema reference "${ref}"; only references inside the schema (#/$defs/..., #/definitions/...) are supported`,
      );
    }
    return found;
  }

  /**
   * The schema objects that all apply to one value: the schema, its `$ref` target and its `allOf`
   * members, recursively. Reading their keywords together reads the schema as a whole.
   */
  parts(schema: JsonSchema): readonly JsonSchemaObject[] {
    if (!isSchemaObject(schema)) return [];
    let parts = this.partsCache.get(schema);
    if (!parts) {
      const out: JsonSchemaObject[] = [];
      this.flatten(schema, out, new Set());
      parts = out;
      this.partsCache.set(schema, parts);
    }
    return parts;
  }

  private flatten(schema: JsonSchema, out: JsonSchemaObject[], seen: Set<object>): void {
    if (!isSchemaObject(schema) || seen.has(schema)) return;
    seen.add(schema);
    out.push(schema);
    if (typeof schema.$ref === "string") this.flatten(this.resolve(schema.$ref), out, seen);
    for (const member of schema.allOf ?? []) this.flatten(member, out, seen);
  }

  private pointer(ref: string): JsonSchema | undefined {
    let at: unknown = this.root;
    const tokens = ref === "#" ? [] : ref.slice(2).split("/");
    for (const raw of tokens) {
      let token: string;
      try {
        token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      } catch {
        return undefined;
      }
      if (typeof at !== "object" || at === null || !Object.hasOwn(at, token)) return undefined;
      at = (at as Record<string, unknown>)[token];
    }
    return typeof at === "boolean" || isSchemaObject(at) ? (at as JsonSchema) : undefined;
  }

  private anchor(ref: string): JsonSchema | undefined {
    if (!ref.startsWith("#")) return undefined;
    if (!this.anchors) {
      const anchors = new Map<string, JsonSchema>();
      forEachSchema(this.root, (schema) => {
        if (typeof schema.$anchor === "string") anchors.set(`#${schema.$anchor}`, schema);
        // Draft-07 names anchors with a fragment-only `$id`.
        if (typeof schema.$id === "string" && schema.$id.startsWith("#")) anchors.set(schema.$id, schema);
      });
      this.anchors = anchors;
    }
    return this.anchors.get(ref);
  }
}

/** Calls `visit` on every schema object in `root`, subschemas included, each once. */
export function forEachSchema(root: JsonSchema, visit: (schema: JsonSchemaObject) => void): void {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const schema = stack.pop();
    if (!isSchemaObject(schema) || seen.has(schema)) continue;
    seen.add(schema);
    visit(schema);
    for (const key of ["items", "prefixItems", "additionalItems", "allOf", "anyOf", "oneOf"] as const) {
      const value = schema[key];
      if (Array.isArray(value)) stack.push(...value);
      else stack.push(value);
    }
    for (const key of [
      "contains",
      "additionalProperties",
      "propertyNames",
      "not",
      "if",
      "then",
      "else",
    ] as const) {
      stack.push(schema[key]);
    }
    for (const key of [
      "$defs",
      "definitions",
      "properties",
      "patternProperties",
      "dependentSchemas",
    ] as const) {
      const map = schema[key];
      if (isSchemaObject(map)) stack.push(...Object.values(map));
    }
    if (isSchemaObject(schema.dependencies)) {
      for (const value of Object.values(schema.dependencies)) if (!Array.isArray(value)) stack.push(value);
    }
  }
}

/** The type names every part allows (`integer` within `number`), or `undefined` if no part says. */
export function declaredTypes(parts: readonly JsonSchemaObject[]): JsonSchemaTypeName[] | undefined {
  let types: JsonSchemaTypeName[] | undefined;
  for (const part of parts) {
    const own = typeList(part.type);
    if (!own) continue;
    if (!types) {
      types = own;
      continue;
    }
    const previous = types;
    types = [];
    for (const type of previous) {
      if (own.includes(type)) types.push(type);
      else if (type === "integer" && own.includes("number")) types.push("integer");
      else if (type === "number" && own.includes("integer")) types.push("integer");
    }
  }
  return types;
}

const TYPE_NAMES: ReadonlySet<string> = new Set([
  "string",
  "number",
  "integer",
  "boolean",
  "null",
  "array",
  "object",
]);

/** The known type names of a `type` keyword; unknown names are ignored, as other validators do. */
export function typeList(type: JsonSchemaObject["type"]): JsonSchemaTypeName[] | undefined {
  if (type === undefined) return undefined;
  const list = (isList(type) ? type : [type]).filter((name) => TYPE_NAMES.has(name));
  return list.length > 0 ? list : undefined;
}

/** The values an `enum` or `const` allows, taken from the first part that has one. */
export function allowedValues(parts: readonly JsonSchemaObject[]): readonly unknown[] | undefined {
  for (const part of parts) {
    if (part.const !== undefined) return [part.const];
    if (Array.isArray(part.enum)) return part.enum;
  }
  return undefined;
}

export function isPrimitive(value: unknown): value is JsonPrimitive {
  return (
    value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean"
  );
}

/**
 * The property that tells a union's options apart: every option is an object that requires it, and
 * each gives it constant values (`const` or `enum`) no other option uses.
 */
export function findDiscriminator(
  document: JsonSchemaDocument,
  options: readonly JsonSchema[],
): { readonly key: string; readonly values: readonly (readonly JsonPrimitive[])[] } | undefined {
  const views = options.map((option) => document.parts(option));
  const first = views[0];
  if (!first || views.some((parts) => !isObjectSchema(parts))) return undefined;
  const candidates = new Set<string>();
  for (const part of first) for (const key of part.required ?? []) candidates.add(key);
  for (const key of candidates) {
    const values: JsonPrimitive[][] = [];
    const taken = new Set<string>();
    for (const parts of views) {
      const own = tagValues(document, parts, key);
      if (!own || own.some((value) => taken.has(JSON.stringify(value)))) break;
      for (const value of own) taken.add(JSON.stringify(value));
      values.push(own);
    }
    if (values.length === views.length) return { key, values };
  }
  return undefined;
}

function isObjectSchema(parts: readonly JsonSchemaObject[]): boolean {
  const types = declaredTypes(parts);
  if (types) return types.length === 1 && types[0] === "object";
  return parts.some((part) => part.properties !== undefined);
}

function tagValues(document: JsonSchemaDocument, parts: readonly JsonSchemaObject[], key: string) {
  if (!parts.some((part) => part.required?.includes(key))) return undefined;
  const property = parts.find((part) => part.properties && Object.hasOwn(part.properties, key))?.properties?.[
    key
  ];
  if (property === undefined) return undefined;
  const values = allowedValues(document.parts(property));
  return values && values.length > 0 && values.every(isPrimitive) ? (values as JsonPrimitive[]) : undefined;
}
