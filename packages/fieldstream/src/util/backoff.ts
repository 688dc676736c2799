// How long to wait before trying again: exponential with jitter, and a floor that a server's
// `retry-after` can lengthen but never shorten, so a `retry-after: 0` cannot turn retries into a flood.

export interface BackoffOptions {
  /** The first pause; it doubles with each retry. Default 500 ms. */
  readonly baseMs?: number;
  /** The longest pause, and the longest `retry-after` honoured. Default 8 s. */
  readonly maxMs?: number;
}

/**
 * The pause before retry number `retry` (1 for the first): a random time between half and all of
 * `baseMs * 2^(retry-1)` (capped at `maxMs`), or the server's `retryAfterMs` if that is longer.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions = {},
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const base = Math.max(0, options.baseMs ?? 500);
  const max = Math.max(base, options.maxMs ?? 8000);
  const exponential = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  const floor = exponential / 2 + random() * (exponential / 2);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return floor;
  return Math.max(floor, Math.min(retryAfterMs, max));
}
