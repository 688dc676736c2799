// The fields that every branch of a union shares, as one object: what a discriminated union shows
// before its discriminator arrives. Used by both schema readers.

import { type Check, type CheckResult, type ObjectNode, type Slot, slotOf } from "./node.js";

/** The object of the fields every branch has, each as the union of the branches' versions. */
export function commonFields(branches: readonly Slot[]): ObjectNode {
  let fields: Map<string, Slot> | undefined;
  return {
    kind: "object",
    get fields() {
      if (!fields) {
        fields = new Map();
        const objects = branches.map((b) => b.node).filter((n): n is ObjectNode => n.kind === "object");
        const [first] = objects;
        if (first && objects.length === branches.length) {
          for (const key of first.fields.keys()) {
            const versions = objects.map((o) => o.fields.get(key));
            if (versions.every((v) => v !== undefined)) fields.set(key, unionSlot(versions));
          }
        }
      }
      return fields;
    },
    unknownKeys: "strip",
  };
}

/** One slot for a value that may follow any of `versions`. */
export function unionSlot(versions: readonly Slot[]): Slot {
  const [first] = versions;
  if (versions.length === 1 && first) return first;
  const optional = versions.some((v) => v.optional);
  const nullable = versions.some((v) => v.nullable);
  const checks = versions.flatMap((v) => (v.check ? [v.check] : []));
  const check = checks.length === versions.length ? anyCheck(checks) : undefined;
  const parts = { optional, nullable, ...(check ? { check } : {}) };
  // A discriminator's values read best as one enum.
  const enums = versions.map((v) => v.node).filter((n) => n.kind === "enum");
  if (enums.length === versions.length) {
    return slotOf({ kind: "enum", values: [...new Set(enums.flatMap((n) => n.values))] }, parts);
  }
  return slotOf({ kind: "union", options: versions }, parts);
}

/** Passes what any of `checks` passes; reports the first one's issues otherwise. */
function anyCheck(checks: readonly Check[]): Check {
  return (value) => {
    const results = checks.map((check) => check(value));
    const pick = (all: readonly CheckResult[]): CheckResult =>
      all.find((r) => !r.issues) ?? all[0] ?? { value };
    return results.some((r) => r instanceof Promise)
      ? Promise.all(results).then(pick)
      : pick(results as CheckResult[]);
  };
}
