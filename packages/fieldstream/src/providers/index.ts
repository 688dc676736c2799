// The provider adapters: each turns what one wire API's SDK stream yields into `ProviderEvent`s.
// Internal to the package; the client picks the adapter for the SDK it was given.

export { IncompleteOutputError, ProviderError, RefusalError } from "../errors/index.js";
export { type AnthropicEventLike, type AnthropicUsageLike, anthropicEvents } from "./anthropic.js";
export type { FinishReason, ProviderEvent, Usage } from "./events.js";
export {
  type GeminiCandidateLike,
  type GeminiFunctionCallLike,
  type GeminiPartialArgLike,
  type GeminiPartLike,
  type GeminiResponseLike,
  geminiEvents,
} from "./gemini.js";
export {
  createPathDeltaEncoder,
  type JsonPathSegment,
  type PathDeltaEncoder,
  PathDeltaError,
  type PathDeltaValue,
  parseJsonPath,
} from "./json-path-deltas.js";
export {
  type OpenAIChatChoiceLike,
  type OpenAIChatChunkLike,
  type OpenAIChatEventsOptions,
  type OpenAIChatToolCallDeltaLike,
  openaiChatEvents,
} from "./openai-chat.js";
export { openaiResponsesEvents, type ResponsesEventLike } from "./openai-responses.js";
