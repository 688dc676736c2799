// Reads a zod 4 schema into slots and nodes by walking its definition (`_zod.def`), without importing
// zod: the schema object carries everything, and each sub-schema is its own validator.

import type { JsonValue } from "../json/index.js";
import { commonFields } from "./common-fields.js";
import {
  type Check,
  type ObjectNode,
  type SchemaNode,
  type Slot,
  type StreamPolicy,
  slotOf,
  type UnionNode,
} from "./node.js";
import { readPolicy } from "./policy.js";
import { standardCheck } from "./standard-check.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** The part of a zod 4 schema this module reads. */
export interface ZodLike extends StandardSchemaV1 {
  readonly _zod: {
    readonly def: ZodDef;
    readonly propValues?: Record<string, Set<unknown>>;
  };
  meta?: () => unknown;
}

interface ZodDef {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Whether `schema` is a zod 4 schema (classic or mini). */
export function isZodSchema(schema: unknown): schema is ZodLike {
  return (
    typeof schema === "object" &&
    schema !== null &&
    "_zod" in schema &&
    typeof (schema as { _zod: { def?: unknown } })._zod.def === "object"
  );
}

// String formats whose half-written value means nothing: a date, a time, an identifier.
const ATOMIC_FORMATS = new Set([
  "datetime",
  "date",
  "time",
  "duration",
  "uuid",
  "guid",
  "cuid",
  "cuid2",
  "ulid",
  "nanoid",
  "ipv4",
  "ipv6",
]);

/** Reads a zod schema as the root slot. */
export function slotFromZod(schema: ZodLike): Slot {
  return new ZodReader().slot(schema);
}

class ZodReader {
  /** Nodes already read, so that recursive schemas close into cycles instead of looping. */
  private readonly nodes = new Map<ZodLike, SchemaNode>();

  slot(schema: ZodLike): Slot {
    let optional = false;
    let nullable = false;
    let defaultValue: { value: JsonValue } | undefined;
    let policy: StreamPolicy = readPolicy(schema);
    let current = schema;
    // Unwrap the wrappers that only change what an absent or null value means.
    for (;;) {
      const def = current._zod.def;
      const inner = def.innerType as ZodLike | undefined;
      if (def.type === "optional" && inner) optional = true;
      else if (def.type === "nullable" && inner) nullable = true;
      else if ((def.type === "default" || def.type === "prefault") && inner) {
        optional = true;
        defaultValue ??= { value: defaultOf(def) };
      } else if ((def.type === "readonly" || def.type === "catch" || def.type === "nonoptional") && inner) {
        // Same JSON shape as the inner schema.
      } else if (def.type === "lazy") {
        current = (def.getter as () => ZodLike)();
        policy = { ...readPolicy(current), ...policy };
        continue;
      } else if (def.type === "pipe") {
        // The model writes the input side; transforms run only on the finished value.
        current = def.in as ZodLike;
        policy = { ...readPolicy(current), ...policy };
        continue;
      } else {
        break;
      }
      current = inner;
      policy = { ...readPolicy(current), ...policy };
    }
    const node = this.node(current);
    const def = current._zod.def;
    const ownChecks = Array.isArray(def.checks) && def.checks.length > 0;
    const strictObject = node.kind === "object" && node.unknownKeys === "reject";
    const atomicFormat =
      def.type === "string" && typeof def.format === "string" && ATOMIC_FORMATS.has(def.format);
    return slotOf(node, {
      optional,
      nullable: nullable || node.kind === "null",
      ...(defaultValue ? { default: defaultValue } : {}),
      ...(policy.atomic !== undefined ? { atomic: policy.atomic } : atomicFormat ? { atomic: true } : {}),
      required: policy.required ?? false,
      check: checkOf(schema),
      checkWhole: ownChecks || strictObject || node.kind === "union" || node.kind === "tuple",
    });
  }

  private node(schema: ZodLike): SchemaNode {
    const known = this.nodes.get(schema);
    if (known) return known;
    const def = schema._zod.def;
    switch (def.type) {
      case "object":
        return this.object(schema, def);
      case "array": {
        const node = { kind: "array" as const, element: undefined as unknown as Slot };
        this.nodes.set(schema, node);
        node.element = this.slot(def.element as ZodLike);
        return node;
      }
      case "tuple": {
        const node: { kind: "tuple"; items: Slot[]; rest?: Slot } = { kind: "tuple", items: [] };
        this.nodes.set(schema, node);
        node.items = (def.items as ZodLike[]).map((item) => this.slot(item));
        if (def.rest) node.rest = this.slot(def.rest as ZodLike);
        return node;
      }
      case "record": {
        const node = { kind: "record" as const, value: undefined as unknown as Slot };
        this.nodes.set(schema, node);
        node.value = this.slot(def.valueType as ZodLike);
        return node;
      }
      case "union":
        return this.union(schema, def);
      case "intersection":
        return this.intersection(schema, def);
      case "string":
      case "template_literal":
      case "date":
        return { kind: "string" };
      case "number":
      case "int":
      case "bigint":
        return { kind: "number" };
      case "boolean":
        return { kind: "boolean" };
      case "null":
        return { kind: "null" };
      case "enum":
        return { kind: "enum", values: Object.values(def.entries as Record<string, JsonValue>) };
      case "literal":
        return { kind: "enum", values: def.values as JsonValue[] };
      default:
        return { kind: "any" };
    }
  }

  private object(schema: ZodLike, def: ZodDef): ObjectNode {
    const rest = def.catchall as ZodLike | undefined;
    const restType = rest?._zod.def.type;
    const unknownKeys = restType === undefined ? "strip" : restType === "never" ? "reject" : "keep";
    let fields: Map<string, Slot> | undefined;
    const reader = this;
    const node: ObjectNode = {
      kind: "object",
      // The shape may hold getters that refer back to this very schema: read it on first use.
      get fields() {
        if (!fields) {
          fields = new Map();
          for (const [key, field] of Object.entries(def.shape as Record<string, ZodLike>)) {
            fields.set(key, reader.slot(field));
          }
        }
        return fields;
      },
      unknownKeys,
      ...(unknownKeys === "keep" && rest && restType !== "unknown" && restType !== "any"
        ? { rest: this.slot(rest) }
        : {}),
    };
    this.nodes.set(schema, node);
    return node;
  }

  private union(schema: ZodLike, def: ZodDef): UnionNode {
    const options = def.options as ZodLike[];
    const node: { kind: "union"; options: Slot[]; discriminator?: NonNullable<UnionNode["discriminator"]> } =
      {
        kind: "union",
        options: [],
      };
    this.nodes.set(schema, node);
    node.options = options.map((option) => this.slot(option));
    const key = def.discriminator as string | undefined;
    if (typeof key === "string") {
      const branches = new Map<JsonValue, Slot>();
      options.forEach((option, i) => {
        for (const value of option._zod.propValues?.[key] ?? [])
          branches.set(value as JsonValue, node.options[i]!);
      });
      node.discriminator = { key, branches, common: slotOf(commonFields(node.options)) };
    }
    return node;
  }

  private intersection(schema: ZodLike, def: ZodDef): SchemaNode {
    const left = this.slot(def.left as ZodLike).node;
    const right = this.slot(def.right as ZodLike).node;
    if (left.kind !== "object" || right.kind !== "object") return { kind: "any" };
    const node: ObjectNode = {
      kind: "object",
      get fields() {
        return new Map([...left.fields, ...right.fields]);
      },
      unknownKeys: left.unknownKeys === "keep" || right.unknownKeys === "keep" ? "keep" : "strip",
    };
    this.nodes.set(schema, node);
    return node;
  }
}

function defaultOf(def: ZodDef): JsonValue {
  const value = def.defaultValue;
  return (typeof value === "function" ? (value as () => unknown)() : value) as JsonValue;
}

function checkOf(schema: ZodLike): Check {
  return standardCheck(schema);
}
