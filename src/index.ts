// fieldstream: stream structured LLM output field by field.
// The root entry point re-exports the public surface of every framework-free layer.

export * from "./json/index.js";
export * from "./schema/index.js";
export * from "./stream/index.js";
