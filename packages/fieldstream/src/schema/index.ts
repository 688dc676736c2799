// The schema layer: what a partial of a schema may show, and the checks that judge each field the
// moment it completes. Works with zod 4, any Standard Schema plus a JSON Schema, or a JSON Schema.

export { FieldValidationError, ValidationError, type ValidationIssue } from "../errors/index.js";
export { formatPath } from "../util/index.js";
export type { DeepPartial } from "./deep-partial.js";
export type { JsonSchema } from "./from-json-schema.js";
export { Iterable, type IterableSchema, Partial } from "./helpers.js";
export {
  type AnyNode,
  type ArrayNode,
  type Check,
  type CheckResult,
  type EnumNode,
  memberSlot,
  type ObjectNode,
  type RecordNode,
  type ScalarNode,
  type SchemaNode,
  type Slot,
  type StreamPolicy,
  type TupleNode,
  type UnionNode,
} from "./node.js";
export { atomic, required } from "./policy.js";
export type { StandardSchemaV1 } from "./standard-schema.js";
