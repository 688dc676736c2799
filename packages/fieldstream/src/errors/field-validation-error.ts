// A single field judged the moment it completed and found invalid: where it is, why, and what the
// model wrote there, enough to re-ask at once or to show the user.

import { formatPath, type PathSegment } from "../util/index.js";
import { brand } from "./brand.js";
import type { ValidationIssue } from "./validation-issue.js";

/** A field that completed with a value its schema rejects. */
export class FieldValidationError extends Error {
  /** True for a FieldValidationError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is FieldValidationError;
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
FieldValidationError.isInstance = brand(FieldValidationError, "FieldValidationError");
