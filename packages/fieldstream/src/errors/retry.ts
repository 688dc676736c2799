// The one rule for whether trying again may help, shared by provider errors, in-stream error events
// and the HTTP transport, so that a bad request is never retried and a dropped connection always is.

/**
 * Whether a failure with this HTTP status may succeed when tried again: no status (the connection
 * failed or dropped), 408 (timeout), 409 (conflict), 429 (rate limit) and any 5xx. Other 4xx: never.
 */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}
