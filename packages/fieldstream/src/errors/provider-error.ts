// The provider answered with an error, as an HTTP status or as an error event inside the stream:
// its status, type and body as received, and whether trying again may help, by the one retry rule.

import { brand } from "./brand.js";
import { isRetryableStatus } from "./retry.js";

export interface ProviderErrorOptions {
  readonly status?: number;
  /** The provider's own error type, e.g. `overloaded_error`, `invalid_request_error`. */
  readonly type?: string;
  readonly body?: unknown;
  /** Decided by the status when left out. */
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

export class ProviderError extends Error {
  /** True for a ProviderError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is ProviderError;
  override readonly name = "ProviderError";
  /** HTTP status when there was one (429, 500, ...), or the status an in-stream error event stands for. */
  readonly status: number | undefined;
  /** The provider's own error type, when it said. */
  readonly type: string | undefined;
  /** The provider's error body as received. */
  readonly body: unknown;
  /** Whether trying again may succeed (rate limits, server errors, dropped connections). */
  readonly retryable: boolean;
  /** How long the provider asked to wait before trying again (its `retry-after`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.type = options.type;
    this.body = options.body;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? isRetryableStatus(options.status);
  }
}
ProviderError.isInstance = brand(ProviderError, "ProviderError");
