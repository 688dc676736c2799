// Runs any Standard Schema validator and turns its answer into the schema layer's terms: the parsed
// output, or issues with plain paths. Synchronous answers stay synchronous.

import type { ValidationIssue } from "../errors/index.js";
import type { PathSegment } from "../json/index.js";
import type { Check, CheckResult } from "./node.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** A check that validates with the schema's `~standard.validate`. */
export function standardCheck(schema: StandardSchemaV1): Check {
  const validate = schema["~standard"].validate;
  return (value) => {
    const result = validate(value);
    return result instanceof Promise ? result.then(convert) : convert(result);
  };
}

function convert(result: StandardSchemaV1.Result<unknown>): CheckResult {
  if (!result.issues) return { value: result.value };
  return { issues: result.issues.map(toIssue) };
}

function toIssue(issue: StandardSchemaV1.Issue): ValidationIssue {
  const path: PathSegment[] = [];
  for (const segment of issue.path ?? []) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    path.push(typeof key === "number" ? key : String(key));
  }
  return { message: issue.message, path };
}

/** Issues of a check found below `path`, rewritten with paths from the root. */
export function prefixIssues(
  path: readonly PathSegment[],
  issues: readonly ValidationIssue[],
): ValidationIssue[] {
  return issues.map((issue) => ({ message: issue.message, path: [...path, ...issue.path] }));
}
