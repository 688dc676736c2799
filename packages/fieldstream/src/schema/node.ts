// The schema layer's own description of a schema: the structure the stream shapes partial values
// by, and where each field's validator sits. Built from zod or from a JSON Schema, never by hand.

import type { ValidationIssue } from "../errors/index.js";
import type { JsonValue } from "../json/index.js";

/** The outcome of validating one value: its parsed output, or what is wrong (paths relative to it). */
export type CheckResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: readonly ValidationIssue[] };

export type Check = (value: unknown) => CheckResult | Promise<CheckResult>;

/** How a field streams, decided from its schema and overridable per field. */
export interface StreamPolicy {
  /** Appears only once complete (never half-written). */
  readonly atomic?: boolean;
  /** The object holding this field is held back until the field is present. */
  readonly required?: boolean;
}

/**
 * A place a value can stand: the root, an object field, an array element. Wrappers such as optional,
 * nullable and default are folded in here; `node` is the structure underneath.
 */
export interface Slot {
  readonly node: SchemaNode;
  readonly optional: boolean;
  readonly nullable: boolean;
  /** Shown until the model writes the field. */
  readonly default?: { readonly value: JsonValue };
  readonly atomic: boolean;
  readonly required: boolean;
  /** This slot's whole schema, wrappers included. */
  readonly check?: Check;
  /**
   * For arrays and objects: completing one needs the whole-value check, because the schema has rules
   * of its own (refinements, length limits, unknown-key rejection, unions). Otherwise its members,
   * already checked one by one, and its required keys are enough.
   */
  readonly checkWhole: boolean;
}

export interface ObjectNode {
  readonly kind: "object";
  /** Fields by key. Read lazily, so recursive schemas work. */
  readonly fields: ReadonlyMap<string, Slot>;
  /** What happens to keys the schema does not name: dropped, kept (with `rest` if given), or an error. */
  readonly unknownKeys: "strip" | "keep" | "reject";
  readonly rest?: Slot;
}

export interface ArrayNode {
  readonly kind: "array";
  readonly element: Slot;
}

export interface TupleNode {
  readonly kind: "tuple";
  readonly items: readonly Slot[];
  readonly rest?: Slot;
}

export interface RecordNode {
  readonly kind: "record";
  readonly value: Slot;
}

export interface ScalarNode {
  readonly kind: "string" | "number" | "boolean" | "null";
}

export interface EnumNode {
  readonly kind: "enum";
  readonly values: readonly JsonValue[];
}

export interface UnionNode {
  readonly kind: "union";
  readonly options: readonly Slot[];
  /** For a discriminated union: the key, the branch for each of its values, and the fields all share. */
  readonly discriminator?: {
    readonly key: string;
    readonly branches: ReadonlyMap<JsonValue, Slot>;
    readonly common: Slot;
  };
}

export interface AnyNode {
  readonly kind: "any";
}

export type SchemaNode =
  | ObjectNode
  | ArrayNode
  | TupleNode
  | RecordNode
  | ScalarNode
  | EnumNode
  | UnionNode
  | AnyNode;

/** The slot of a member of `slot`'s value, or `undefined` when the schema does not say. */
export function memberSlot(slot: Slot, key: string | number): Slot | undefined {
  const node = slot.node;
  switch (node.kind) {
    case "object":
      return typeof key === "string"
        ? (node.fields.get(key) ?? (node.unknownKeys === "keep" ? node.rest : undefined))
        : undefined;
    case "array":
      return typeof key === "number" ? node.element : undefined;
    case "tuple":
      return typeof key === "number" ? (node.items[key] ?? node.rest) : undefined;
    case "record":
      return typeof key === "string" ? node.value : undefined;
    case "union":
      return node.discriminator ? memberSlot(node.discriminator.common, key) : undefined;
    default:
      return undefined;
  }
}

/** Builds a slot with the usual defaults. */
export function slotOf(node: SchemaNode, parts: Partial<Omit<Slot, "node">> = {}): Slot {
  return {
    node,
    optional: parts.optional ?? false,
    nullable: (parts.nullable ?? false) || (node.kind === "enum" && node.values.includes(null)),
    ...(parts.default ? { default: parts.default } : {}),
    atomic: parts.atomic ?? defaultAtomic(node),
    required: parts.required ?? false,
    ...(parts.check ? { check: parts.check } : {}),
    checkWhole: parts.checkWhole ?? node.kind === "union",
  };
}

/** Numbers, booleans, null, enums and literals appear only whole; strings and containers grow. */
export function defaultAtomic(node: SchemaNode): boolean {
  return node.kind === "enum" || node.kind === "number" || node.kind === "boolean" || node.kind === "null";
}
