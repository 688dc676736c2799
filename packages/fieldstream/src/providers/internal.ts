// What the client layer may use beyond the providers' public surface: how each provider's error
// types and codes map to HTTP statuses, for errors the SDKs throw before an adapter sees them.

export {
  anthropicErrorStatus,
  googleErrorStatus,
  openaiErrorStatus,
  openaiErrorType,
} from "./error-status.js";
export * from "./index.js";
