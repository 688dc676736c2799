// The complete value failed its schema at the end: every issue, the raw text the model wrote and the
// value parsed from it, so the answer can be re-asked with reasons or inspected.

import { formatPath } from "../util/index.js";
import { brand } from "./brand.js";
import type { ValidationIssue } from "./validation-issue.js";

/** The complete value failed its schema. `text` is the raw JSON the model wrote. */
export class ValidationError extends Error {
  /** True for a ValidationError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is ValidationError;
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
ValidationError.isInstance = brand(ValidationError, "ValidationError");
