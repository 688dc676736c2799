// The HTTP status each provider's error types stand for, so that an error sent inside a stream (after
// a 200) is retried or not exactly as the same error sent as an HTTP response would be.

// Anthropic documents one status per error type; the types come alone in an `event: error`.
const ANTHROPIC: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

// OpenAI's error codes and types, with the status its error-code guide gives each; Groq and other
// servers that copy the format use the same words. Codes are more precise, so they are looked up first.
const OPENAI_CODES: Readonly<Record<string, number>> = {
  invalid_api_key: 401,
  invalid_prompt: 400,
  context_length_exceeded: 400,
  model_not_found: 404,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  server_error: 500,
};
const OPENAI_TYPES: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  requests: 429,
  tokens: 429,
  rate_limit_error: 429,
  insufficient_quota: 429,
  server_error: 500,
};

// google.rpc.Code names and the HTTP status Google maps each to, for a body that has no numeric code.
const GOOGLE: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** A number (or numeric string) that is an HTTP error status. */
function httpStatus(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 400 && n < 600 ? n : undefined;
}

function lookup(table: Readonly<Record<string, number>>, key: unknown): number | undefined {
  return typeof key === "string" && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The status of an Anthropic error type (`overloaded_error` is 529). */
export function anthropicErrorStatus(type: unknown): number | undefined {
  return lookup(ANTHROPIC, type);
}

/**
 * The status of an error object in the OpenAI format: a numeric `code` or `status` is the status
 * itself (OpenRouter, vLLM, llama.cpp send it so), else the code or type says it.
 */
export function openaiErrorStatus(error: {
  readonly code?: unknown;
  readonly type?: unknown;
  readonly status?: unknown;
}): number | undefined {
  return (
    httpStatus(error.code) ??
    httpStatus(error.status) ??
    lookup(OPENAI_CODES, error.code) ??
    lookup(OPENAI_TYPES, error.type)
  );
}

/**
 * The provider's own word for an OpenAI-format error: its type, or its code where the type is missing
 * or is only the `error` of a Responses event that carries its details flat.
 */
export function openaiErrorType(error: {
  readonly code?: unknown;
  readonly type?: unknown;
}): string | undefined {
  if (typeof error.type === "string" && error.type !== "" && error.type !== "error") return error.type;
  return typeof error.code === "string" && error.code !== "" ? error.code : undefined;
}

/** The status of a Google error body: its numeric `code`, else what its `status` name stands for. */
export function googleErrorStatus(error: {
  readonly code?: unknown;
  readonly status?: unknown;
}): number | undefined {
  return httpStatus(error.code) ?? lookup(GOOGLE, error.status);
}
