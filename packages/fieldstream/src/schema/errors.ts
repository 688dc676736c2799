// Typed validation failures: one for a single field judged the moment it completed, one for the
// whole value at the end. Both keep what is needed to re-ask the model or to show the user why.

import type { PathSegment } from "../json/index.js";

/** One problem found by a validator, with the path from the root of the streamed value. */
export interface ValidationIssue {
  readonly message: string;
  readonly path: readonly PathSegment[];
}

/** A field that completed with a value its schema rejects. */
export class FieldValidationError extends Error {
  override readonly name = "FieldValidationError";
  /** Path of the field from the root. */
  readonly path: readonly PathSegment[];
  readonly issues: readonly ValidationIssue[];
  /** The complete value the model wrote there. */
  readonly value: unknown;

  constructor(path: readonly PathSegment[], issues: readonly ValidationIssue[], value: unknown) {
    super(`Invalid value at ${formatPath(path)}: ${issues.map((i) => i.message).join("; ")}`);
    this.path = path;
    this.issues = issues;
    this.value = value;
  }
}

/** The complete value failed its schema. `text` is the raw JSON the model wrote. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  readonly issues: readonly ValidationIssue[];
  readonly text: string;
  /** The value as parsed from `text`, before validation. */
  readonly value: unknown;

  constructor(issues: readonly ValidationIssue[], text: string, value: unknown) {
    const shown = issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`);
    if (issues.length > 5) shown.push(`and ${issues.length - 5} more`);
    super(`The output does not match the schema: ${shown.join("; ")}`);
    this.issues = issues;
    this.text = text;
    this.value = value;
  }
}

/** `users[1].email`, or `(root)`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
