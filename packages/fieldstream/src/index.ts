// fieldstream: stream structured LLM output field by field.
// The root entry point re-exports the public surface of every framework-free layer.

export * from "./errors/index.js";
export * from "./json/index.js";
export * from "./llm/index.js";
export type { FinishReason, ProviderEvent, Usage } from "./llm/provider-events.js";
export * from "./schema/index.js";
export * from "./stream/index.js";
