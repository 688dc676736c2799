// TEMPORARY STUB (to be replaced by the real JSON Schema reader).
import type { Check, Slot } from "./node.js";
import { slotOf } from "./node.js";
export type JsonSchema = Readonly<Record<string, unknown>> | boolean;
export function slotFromJsonSchema(_schema: JsonSchema): Slot {
  return slotOf({ kind: "any" });
}
export function checkJsonSchema(_schema: JsonSchema): Check {
  return (value) => ({ value });
}
