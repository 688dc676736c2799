// The model stopped at its token limit (or another limit) before the value was complete; the last
// partial is kept, since what arrived may still be worth showing.

import { brand } from "./brand.js";

export class IncompleteOutputError extends Error {
  /** True for an IncompleteOutputError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is IncompleteOutputError;
  override readonly name = "IncompleteOutputError";
  /** The last partial value received. */
  readonly partial: unknown;
  /** The provider's own finish reason, e.g. `length` or `max_tokens`. */
  readonly reason: string;

  constructor(reason: string, partial: unknown) {
    super(`The model stopped before the output was complete (${reason})`);
    this.reason = reason;
    this.partial = partial;
  }
}
IncompleteOutputError.isInstance = brand(IncompleteOutputError, "IncompleteOutputError");
