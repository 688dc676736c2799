// The JSON layer: text deltas in, immutable structurally shared snapshots out. No schema, no I/O.
// Everything here runs unchanged in browsers and edge runtimes.

export { JsonStreamError, type JsonStreamErrorCode } from "../errors/index.js";
export { parsePartial } from "./parse-partial.js";
export { createPartialParser } from "./parser.js";
export type { JsonContainer, JsonValue, PartialParser, PartialParserOptions, PathSegment } from "./types.js";
