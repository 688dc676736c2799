// A stream went silent for longer than allowed: no event from the provider, or no data and no
// keep-alive from the server. The request is cancelled; what arrived before is kept.

import { brand } from "./brand.js";

export class IdleTimeoutError extends Error {
  /** True for an IdleTimeoutError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is IdleTimeoutError;
  override readonly name = "IdleTimeoutError";
  /** How long the stream was silent, in milliseconds (the limit it exceeded). */
  readonly idleMs: number;
  /** Whether trying again may help: a stall is usually the connection's or the server's, not the request's. */
  readonly retryable = true;

  constructor(idleMs: number, what = "The stream") {
    super(`${what} sent nothing for ${idleMs} ms`);
    this.idleMs = idleMs;
  }
}
IdleTimeoutError.isInstance = brand(IdleTimeoutError, "IdleTimeoutError");
