// Every error fieldstream throws, one class a file, each recognisable across copies of the package
// (`X.isInstance`, and `instanceof`), and the one rule for whether a failure is worth retrying.

export { FieldValidationError } from "./field-validation-error.js";
export { IdleTimeoutError } from "./idle-timeout-error.js";
export { IncompleteOutputError } from "./incomplete-output-error.js";
export {
  JsonStreamError,
  type JsonStreamErrorCode,
  type JsonStreamErrorDetails,
} from "./json-stream-error.js";
export { NoObjectError, type NoObjectReason } from "./no-object-error.js";
export { ProviderError, type ProviderErrorOptions } from "./provider-error.js";
export { RefusalError } from "./refusal-error.js";
export { isRetryableStatus } from "./retry.js";
export { TransportError } from "./transport-error.js";
export { ValidationError } from "./validation-error.js";
export type { ValidationIssue } from "./validation-issue.js";
