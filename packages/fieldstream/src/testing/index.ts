// fieldstream/testing: a wire-compatible mock of the OpenAI, Anthropic and Gemini APIs on loopback,
// so the official SDKs (and code built on them) can be tested against scripted or recorded streams.

export type {
  DropFault,
  ErrorEventFault,
  Fault,
  MalformedEventFault,
  StallFault,
  StatusFault,
} from "./faults.js";
export { type RecordOptions, record } from "./record.js";
export type {
  Chunking,
  MockScript,
  ReplayScript,
  Script,
  ScriptFinishReason,
  ScriptToolCall,
} from "./script.js";
export {
  type MockHandler,
  type MockProvider,
  type MockProviderOptions,
  type RecordedRequest,
  startMockProvider,
} from "./server.js";
export type { ApiName } from "./wire/types.js";
