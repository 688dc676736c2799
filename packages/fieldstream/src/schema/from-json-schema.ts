// Reads a JSON Schema into slots and nodes, so that a schema from any validator (valibot, arktype,
// zod's `toJSONSchema`, or written by hand) streams field by field like a zod schema does.

import type { JsonValue } from "../json/index.js";
import { commonFields } from "./common-fields.js";
import {
  allowedValues,
  declaredTypes,
  documentOf,
  findDiscriminator,
  hasConstraints,
  isList,
  isSchemaObject,
  type JsonSchema,
  type JsonSchemaDocument,
  type JsonSchemaObject,
  type JsonSchemaTypeName,
} from "./json-schema.js";
import { checkerOf, compilePattern, type JsonSchemaChecker } from "./json-schema-check.js";
import type { Check, ObjectNode, SchemaNode, Slot, StreamPolicy, UnionNode } from "./node.js";
import { slotOf } from "./node.js";
import { parsePolicy } from "./policy.js";

export type { JsonSchema, JsonSchemaObject, JsonSchemaTypeName } from "./json-schema.js";
export { checkJsonSchema } from "./json-schema-check.js";

// String formats whose half-written value means nothing: a date, a time, an identifier.
const ATOMIC_FORMATS: ReadonlySet<string> = new Set([
  "date-time",
  "date",
  "time",
  "duration",
  "uuid",
  "ipv4",
  "ipv6",
]);

// Keywords that judge an array or object as a whole, beyond what its members' own checks cover.
const WHOLE_VALUE_KEYWORDS = [
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "minProperties",
  "maxProperties",
  "patternProperties",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "not",
  "anyOf",
  "oneOf",
  "if",
  "enum",
  "const",
  "unevaluatedItems",
  "unevaluatedProperties",
] as const;

// Keywords that say what a value is, as opposed to what it must satisfy.
const STRUCTURE_KEYWORDS = [
  "type",
  "properties",
  "items",
  "prefixItems",
  "additionalProperties",
  "enum",
  "const",
  "anyOf",
  "oneOf",
] as const satisfies readonly (keyof JsonSchemaObject)[];

const ANY: SchemaNode = { kind: "any" };

type UnionBuilder = {
  kind: "union";
  options: Slot[];
  discriminator?: NonNullable<UnionNode["discriminator"]>;
};

/** Reads a JSON Schema as the root slot. Throws if a `$ref` points outside the schema. */
export function slotFromJsonSchema(schema: JsonSchema): Slot {
  const document = documentOf(schema);
  return new JsonSchemaReader(document, checkerOf(document)).slot(schema, false);
}

class JsonSchemaReader {
  /** Nodes already read, so that recursive schemas close into cycles instead of looping. */
  private readonly nodes = new Map<object, SchemaNode>();
  private readonly building = new Set<object>();

  constructor(
    private readonly document: JsonSchemaDocument,
    private readonly checker: JsonSchemaChecker,
  ) {}

  slot(schema: JsonSchema, optional: boolean): Slot {
    let nullable = false;
    let current = schema;
    const seen = new Set<object>();
    // Unwrap what only names another schema or only adds null.
    while (isSchemaObject(current) && !seen.has(current)) {
      seen.add(current);
      const inner = this.unwrap(current);
      if (inner.nullable) nullable = true;
      if (inner.schema === undefined) break;
      current = inner.schema;
    }
    let policy: StreamPolicy = {};
    let defaultValue: { value: JsonValue } | undefined;
    // The outermost wrapper's policy and default win, as with zod's wrappers.
    for (const wrapper of [...seen, ...this.document.parts(current)]) {
      const own = wrapper as JsonSchemaObject;
      policy = { ...parsePolicy(own.stream ?? own["x-stream"]), ...policy };
      if (!defaultValue && own.default !== undefined) defaultValue = { value: own.default as JsonValue };
    }
    const parts = this.document.parts(current);
    const node = this.node(current);
    const container =
      node.kind === "object" || node.kind === "array" || node.kind === "tuple" || node.kind === "record";
    const atomicFormat =
      node.kind === "string" &&
      parts.some((part) => typeof part.format === "string" && ATOMIC_FORMATS.has(part.format));
    const check = this.checker.check(schema);
    return slotOf(node, {
      optional,
      nullable: nullable || node.kind === "null" || this.allowsNull(parts),
      ...(defaultValue ? { default: defaultValue } : {}),
      ...(policy.atomic !== undefined ? { atomic: policy.atomic } : atomicFormat ? { atomic: true } : {}),
      required: policy.required ?? false,
      check: optional ? orAbsent(check) : check,
      checkWhole: node.kind === "union" || (container && judgesWhole(parts)),
    });
  }

  /** The schema `schema` stands for: through a lone `$ref` or `allOf` member, or past a null option. */
  private unwrap(schema: JsonSchemaObject): { schema?: JsonSchema; nullable?: boolean } {
    if (typeof schema.$ref === "string" && !hasConstraints(schema, ["$ref", "nullable"])) {
      return { schema: this.document.resolve(schema.$ref) };
    }
    if (schema.allOf?.length === 1 && !hasConstraints(schema, ["allOf", "nullable"]))
      return { schema: schema.allOf[0]! };
    const key = schema.anyOf ? "anyOf" : "oneOf";
    const options = schema[key];
    if (options && !hasConstraints(schema, [key, "nullable"])) {
      const others = options.filter((option) => !this.isNull(option));
      if (others.length < options.length)
        return others.length === 1 ? { schema: others[0]!, nullable: true } : { nullable: true };
    }
    return {};
  }

  private isNull(schema: JsonSchema): boolean {
    const parts = this.document.parts(schema);
    const types = declaredTypes(parts);
    if (types) return types.length === 1 && types[0] === "null";
    const values = allowedValues(parts);
    return values !== undefined && values.length === 1 && values[0] === null;
  }

  private allowsNull(parts: readonly JsonSchemaObject[]): boolean {
    if (parts.some((part) => part.nullable === true)) return true;
    const types = declaredTypes(parts);
    if (types) return types.includes("null");
    const values = allowedValues(parts);
    if (values) return values.includes(null);
    const options = this.unionOf(parts)?.options;
    return options?.some((option) => this.isNull(option)) ?? false;
  }

  private node(schema: JsonSchema): SchemaNode {
    if (!isSchemaObject(schema)) return ANY;
    const known = this.nodes.get(schema);
    if (known) return known;
    // Reached again before a container took its place: a schema that is its own option says nothing.
    if (this.building.has(schema)) return ANY;
    this.building.add(schema);
    try {
      const node = this.build(schema);
      this.nodes.set(schema, node);
      return node;
    } finally {
      this.building.delete(schema);
    }
  }

  private build(schema: JsonSchemaObject): SchemaNode {
    const parts = this.document.parts(schema);
    const union = this.unionOf(parts);
    // A union of constants (`anyOf: [{ const: "a" }, { const: "b" }]`) reads as one enum.
    const constants = union?.options
      .filter((option) => !this.isNull(option))
      .map((option) => allowedValues(this.document.parts(option)));
    const values =
      allowedValues(parts) ??
      (constants?.every((option) => option !== undefined) ? constants.flat() : undefined);
    if (values) {
      return values.every((value) => value === null)
        ? { kind: "null" }
        : { kind: "enum", values: [...new Set(values)] as JsonValue[] };
    }
    if (union) return this.union(schema, union.options);
    const declared = declaredTypes(parts);
    const types = declared ? declared.filter((type) => type !== "null") : inferredTypes(parts);
    const kinds = [...new Set(types.map((type) => (type === "integer" ? "number" : type)))];
    if (kinds.length > 1) {
      // One option per type, each the whole schema narrowed to it.
      const options = kinds.map((type) => ({ allOf: [...parts.map(withoutLinks), { type }] }));
      return this.union(schema, options);
    }
    switch (kinds[0]) {
      case "object":
        return this.object(schema, parts);
      case "array":
        return this.array(schema, parts);
      case "string":
      case "number":
      case "boolean":
        return { kind: kinds[0] };
      case undefined:
        return declared?.includes("null") ? { kind: "null" } : ANY;
      default:
        return ANY;
    }
  }

  /** The union `parts` describe, if a `oneOf` or `anyOf` carries their structure. */
  private unionOf(parts: readonly JsonSchemaObject[]): { options: readonly JsonSchema[] } | undefined {
    const holder = parts.find((part) => part.oneOf ?? part.anyOf);
    const key = holder?.oneOf ? "oneOf" : "anyOf";
    const options = holder?.[key];
    if (!holder || !options) return undefined;
    // `anyOf: [{ required: ["a"] }, { required: ["b"] }]` constrains the schema beside it; it is no union.
    if (!options.some((option) => this.hasStructure(option))) return undefined;
    const siblings = parts.some((part) =>
      hasConstraints(part, part === holder ? [key, "$ref", "allOf"] : ["$ref", "allOf"]),
    );
    if (!siblings) return { options };
    // The keywords beside the union apply to every option: `{ A, anyOf: [B, C] }` is `anyOf: [A and B, A and C]`.
    const shared = parts.map((part) => (part === holder ? without(part, [key]) : part)).map(withoutLinks);
    return { options: options.map((option) => ({ allOf: [...shared, option] })) };
  }

  private hasStructure(schema: JsonSchema): boolean {
    return this.document
      .parts(schema)
      .some((part) => STRUCTURE_KEYWORDS.some((key) => part[key] !== undefined));
  }

  private union(schema: JsonSchemaObject, options: readonly JsonSchema[]): UnionNode {
    const node: UnionBuilder = { kind: "union", options: [] };
    this.nodes.set(schema, node);
    const optionSchemas = options.filter((option) => !this.isNull(option));
    const slots = optionSchemas.map((option) => this.slot(option, false));
    // An option that leads straight back to this union adds nothing to shape by.
    node.options = slots.filter((slot) => slot.node !== node);
    const discriminator =
      node.options.length === slots.length ? findDiscriminator(this.document, optionSchemas) : undefined;
    if (discriminator) {
      const branches = new Map<JsonValue, Slot>();
      discriminator.values.forEach((values, i) => {
        for (const value of values) branches.set(value, slots[i]!);
      });
      node.discriminator = { key: discriminator.key, branches, common: slotOf(commonFields(node.options)) };
    }
    return node;
  }

  private object(schema: JsonSchemaObject, parts: readonly JsonSchemaObject[]): SchemaNode {
    const named = new Set<string>();
    for (const part of parts) for (const key of Object.keys(part.properties ?? {})) named.add(key);
    const patterned = parts.some((part) => Object.keys(part.patternProperties ?? {}).length > 0);
    const additional = parts.flatMap((part) => {
      const rest = part.additionalProperties;
      return rest === undefined || isList(rest) ? [] : [rest];
    });
    const closed = additional.includes(false);
    const restSchemas = additional.filter((rest) => isSchemaObject(rest) && hasConstraints(rest));
    const open = additional.some(isSchemaObject);
    if (named.size === 0 && !patterned && !closed && open) {
      const node = { kind: "record" as const, value: undefined as unknown as Slot };
      this.nodes.set(schema, node);
      node.value = this.slot(combine(restSchemas), false);
      return node;
    }
    // `{ type: "object" }` alone allows any object: keep its keys rather than drop them all.
    const freeForm = !parts.some((part) => part.properties !== undefined) && !closed;
    // Keys matching a pattern are allowed whatever `additionalProperties` says.
    const unknownKeys = freeForm || patterned ? "keep" : closed ? "reject" : open ? "keep" : "strip";
    const reader = this;
    let fields: Map<string, Slot> | undefined;
    const node: {
      kind: "object";
      readonly fields: ReadonlyMap<string, Slot>;
      unknownKeys: ObjectNode["unknownKeys"];
      rest?: Slot;
    } = {
      kind: "object",
      // Properties may refer back to this very schema: read them on first use.
      get fields() {
        if (!fields) {
          fields = new Map();
          const required = new Set(parts.flatMap((part) => part.required ?? []));
          for (const key of named) {
            const versions = parts.flatMap((part) => propertySchemas(part, key));
            fields.set(key, reader.slot(combine(versions), !required.has(key)));
          }
        }
        return fields;
      },
      unknownKeys,
    };
    this.nodes.set(schema, node);
    // Registered first: the rest may refer back to this object.
    if (unknownKeys === "keep" && !patterned && restSchemas.length > 0)
      node.rest = this.slot(combine(restSchemas), false);
    return node;
  }

  private array(schema: JsonSchemaObject, parts: readonly JsonSchemaObject[]): SchemaNode {
    const tuple = parts.find(
      (part) => part.prefixItems !== undefined || (part.items !== undefined && isList(part.items)),
    );
    if (tuple) {
      const prefix = tuple.prefixItems ?? (tuple.items as readonly JsonSchema[]);
      const rest = tuple.prefixItems ? tuple.items : tuple.additionalItems;
      const node: { kind: "tuple"; items: Slot[]; rest?: Slot } = { kind: "tuple", items: [] };
      this.nodes.set(schema, node);
      node.items = prefix.map((item) => this.slot(item, false));
      // Without `items` (or `additionalItems`), further elements are allowed and unconstrained.
      if (rest !== false) node.rest = this.slot(rest === undefined || isList(rest) ? true : rest, false);
      return node;
    }
    const node = { kind: "array" as const, element: undefined as unknown as Slot };
    this.nodes.set(schema, node);
    const elements = parts.flatMap((part) =>
      part.items === undefined || isList(part.items) ? [] : [part.items],
    );
    node.element = this.slot(combine(elements), false);
    return node;
  }
}

/** The schemas that apply to property `key` in `part`: its own, or those for keys it does not name. */
function propertySchemas(part: JsonSchemaObject, key: string): JsonSchema[] {
  const own = part.properties;
  if (own && Object.hasOwn(own, key)) return [own[key]!];
  const matching: JsonSchema[] = [];
  for (const [pattern, schema] of Object.entries(part.patternProperties ?? {})) {
    if (compilePattern(pattern)?.test(key)) matching.push(schema);
  }
  if (matching.length > 0) return matching;
  const rest = part.additionalProperties;
  return rest === undefined || isList(rest) ? [] : [rest];
}

/** All of `schemas` as one schema. */
function combine(schemas: readonly JsonSchema[]): JsonSchema {
  if (schemas.length === 0) return true;
  if (schemas.length === 1) return schemas[0]!;
  return { allOf: schemas };
}

function without(schema: JsonSchemaObject, keys: readonly string[]): JsonSchemaObject {
  const copy: Record<string, unknown> = { ...schema };
  for (const key of keys) delete copy[key];
  return copy as JsonSchemaObject;
}

/** A part with its `$ref` and `allOf` taken out, for when those are already among the parts. */
function withoutLinks(part: JsonSchemaObject): JsonSchemaObject {
  return part.$ref === undefined && part.allOf === undefined ? part : without(part, ["$ref", "allOf"]);
}

function inferredTypes(parts: readonly JsonSchemaObject[]): JsonSchemaTypeName[] {
  const has = (key: keyof JsonSchemaObject) => parts.some((part) => part[key] !== undefined);
  if (has("properties") || has("additionalProperties") || has("patternProperties")) return ["object"];
  if (has("items") || has("prefixItems")) return ["array"];
  return [];
}

/** Whether completing an array or object of this schema needs the check of the whole value. */
function judgesWhole(parts: readonly JsonSchemaObject[]): boolean {
  // `allOf`, or `$ref` beside other keywords.
  if (parts.length !== 1) return true;
  const schema = parts[0]!;
  const own = schema as Readonly<Record<string, unknown>>;
  if (WHOLE_VALUE_KEYWORDS.some((key) => own[key] !== undefined)) return true;
  if (schema.additionalProperties === false || schema.items === false || schema.additionalItems === false)
    return true;
  const names = schema.propertyNames;
  // Keys are strings anyway: `propertyNames: { type: "string" }` (zod's records) adds nothing.
  const trivialNames =
    names === undefined ||
    names === true ||
    (isSchemaObject(names) &&
      !hasConstraints(names, ["type"]) &&
      (names.type === undefined || names.type === "string"));
  if (!trivialNames) return true;
  // The members' checks see only the keys the schema names.
  const properties = schema.properties ?? {};
  return (schema.required ?? []).some((key) => !Object.hasOwn(properties, key));
}

/** A field's check: an absent value is fine, the field being optional. */
function orAbsent(check: Check): Check {
  return (value) => (value === undefined ? { value } : check(value));
}
