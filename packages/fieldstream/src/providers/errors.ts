// Typed failures of a model call that are not about the JSON or the schema: the answer was cut off,
// the model refused, or the provider reported an error.

/** The model stopped at its token limit (or another limit) before the value was complete. */
export class IncompleteOutputError extends Error {
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

/** The model declined to answer. */
export class RefusalError extends Error {
  override readonly name = "RefusalError";
  /** The model's explanation, when it gave one. */
  readonly refusal: string;

  constructor(refusal: string) {
    super(refusal ? `The model refused: ${refusal}` : "The model refused to answer");
    this.refusal = refusal;
  }
}

/** The provider answered with an error: an HTTP status, or an error event inside the stream. */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  /** HTTP status when there was one (429, 500, ...). */
  readonly status: number | undefined;
  /** The provider's error body as received. */
  readonly body: unknown;
  /** Whether trying again may succeed (rate limits, server errors, dropped connections). */
  readonly retryable: boolean;
  /** How long the provider asked to wait before trying again (its `retry-after`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: {
      status?: number;
      body?: unknown;
      retryable?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.body = options.body;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable =
      options.retryable ?? (options.status === undefined || options.status === 429 || options.status >= 500);
  }
}
