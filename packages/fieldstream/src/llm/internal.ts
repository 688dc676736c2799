// What code beside the model-call layer (its tests, tools) may use beyond the public surface: the
// per-API adapters that turn an SDK's stream into provider events, and the error-status tables.

export {
  type AnthropicEventLike,
  type AnthropicUsageLike,
  anthropicEvents,
} from "./anthropic/events.js";
export {
  anthropicErrorStatus,
  googleErrorStatus,
  openaiErrorStatus,
  openaiErrorType,
} from "./error-status.js";
export {
  type GeminiCandidateLike,
  type GeminiFunctionCallLike,
  type GeminiPartialArgLike,
  type GeminiPartLike,
  type GeminiResponseLike,
  geminiEvents,
} from "./gemini/events.js";
export {
  createPathDeltaEncoder,
  type JsonPathSegment,
  type PathDeltaEncoder,
  PathDeltaError,
  type PathDeltaValue,
  parseJsonPath,
} from "./gemini/json-path-deltas.js";
export * from "./index.js";
export {
  type OpenAIChatChoiceLike,
  type OpenAIChatChunkLike,
  type OpenAIChatEventsOptions,
  type OpenAIChatToolCallDeltaLike,
  openaiChatEvents,
} from "./openai-chat/events.js";
export { openaiResponsesEvents, type ResponsesEventLike } from "./openai-responses/events.js";
export type { ProviderEvent } from "./provider-events.js";
