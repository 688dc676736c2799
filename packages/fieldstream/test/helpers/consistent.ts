// Checks the partial-value contract between a snapshot and a later value of the same text: a snapshot may
// only ever be a "smaller" version of what the parser ends up with, never a different one.
import type { JsonValue } from "../../src/json/types.js";

/**
 * Describes the first place where `snapshot` is not an earlier state of `later`, or returns `undefined`.
 *
 * Scalars other than strings must already be final, strings may only grow at their end, arrays keep
 * their elements by index and objects their keys, and no value ever changes type. `later` may itself be
 * partial: the rules compose, so each snapshot can be checked against the last one.
 */
export function inconsistency(snapshot: JsonValue, later: JsonValue): string | undefined {
  // An explicit stack so that deep documents cannot overflow the call stack of the test itself.
  const pending: { path: string; before: JsonValue; after: JsonValue }[] = [
    { path: "$", before: snapshot, after: later },
  ];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { path, before, after } = item;
    const kind = kindOf(before);
    if (kind !== kindOf(after)) {
      return `${path}: ${kind} ${preview(before)} became ${kindOf(after)} ${preview(after)}`;
    }
    if (typeof before === "string") {
      if (!(after as string).startsWith(before)) {
        return `${path}: string ${preview(before)} is not a prefix of ${preview(after)}`;
      }
    } else if (Array.isArray(before)) {
      const elements = after as JsonValue[];
      if (before.length > elements.length) {
        return `${path}: ${before.length} elements, later only ${elements.length}`;
      }
      before.forEach((element, index) => {
        pending.push({ path: `${path}[${index}]`, before: element, after: elements[index]! });
      });
    } else if (kind === "object") {
      const members = after as { [key: string]: JsonValue };
      for (const [key, value] of Object.entries(before as { [key: string]: JsonValue })) {
        if (!Object.hasOwn(members, key)) {
          return `${path}: key ${JSON.stringify(key)} is missing later`;
        }
        pending.push({ path: `${path}[${JSON.stringify(key)}]`, before: value, after: members[key]! });
      }
    } else if (!Object.is(before, after)) {
      return `${path}: ${preview(before)} became ${preview(after)}`;
    }
  }
  return undefined;
}

function kindOf(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function preview(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
