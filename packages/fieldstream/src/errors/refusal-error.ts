// The model declined to answer (or a provider's safety filter stopped it): not an error to retry,
// and its explanation is kept for the user.

import { brand } from "./brand.js";

export class RefusalError extends Error {
  /** True for a RefusalError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is RefusalError;
  override readonly name = "RefusalError";
  /** The model's explanation, when it gave one. */
  readonly refusal: string;

  constructor(refusal: string) {
    super(refusal ? `The model refused: ${refusal}` : "The model refused to answer");
    this.refusal = refusal;
  }
}
RefusalError.isInstance = brand(RefusalError, "RefusalError");
