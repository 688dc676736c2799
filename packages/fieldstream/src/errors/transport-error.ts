// The HTTP exchange between a browser (or any fetch client) and a fieldstream server failed: a bad
// status, not an event stream, or a connection that stayed lost.

import { brand } from "./brand.js";
import { isRetryableStatus } from "./retry.js";

export class TransportError extends Error {
  /** True for a TransportError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is TransportError;
  override readonly name = "TransportError";
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The start of the response body, when there was one. */
  readonly body: string | undefined;
  /** Whether trying again may help, by the one retry rule unless the caller knows better. */
  readonly retryable: boolean;

  constructor(
    message: string,
    options: { status?: number; body?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.body = options.body;
    this.retryable = options.retryable ?? isRetryableStatus(options.status);
  }
}
TransportError.isInstance = brand(TransportError, "TransportError");
