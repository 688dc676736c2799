// Turns whatever an SDK throws (an HTTP error with a status, a dropped connection, a timeout) into a
// ProviderError that says whether trying again may help; aborts pass through untouched.

import { isRetryableStatus, ProviderError } from "../errors/index.js";

interface HttpErrorLike {
  readonly status?: unknown;
  readonly error?: unknown;
  readonly headers?: unknown;
  readonly message?: unknown;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

function retryAfterMs(headers: unknown): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && Number.isFinite(Number(ms))) return Number(ms);
  const seconds = header(headers, "retry-after");
  if (seconds === undefined) return undefined;
  if (Number.isFinite(Number(seconds))) return Number(seconds) * 1000;
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The typed form of an SDK failure. `signal` tells an abort (passed through) from a broken connection. */
export function toProviderError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as HttpErrorLike;
  const message = typeof e.message === "string" ? e.message : String(error);
  if (typeof e.status === "number") {
    const status = e.status;
    const wait = retryAfterMs(e.headers);
    return new ProviderError(message, {
      status,
      body: e.error,
      retryable: isRetryableStatus(status),
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      cause: error,
    });
  }
  // No status: the connection failed or dropped mid-stream, which a new request may well survive.
  return new ProviderError(message, { retryable: true, cause: error });
}
