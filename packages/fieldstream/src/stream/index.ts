// The stream layer: ObjectStream, which ties a text source, the parser and the schema together.
// Web-standard only (ReadableStream, AbortSignal, TextDecoder), so it runs in any runtime.

export {
  ObjectStream,
  type ObjectStreamOf,
  type RetryContext,
  type StreamEvent,
  type StreamObjectOptions,
  type StreamStatus,
  streamObject,
} from "./object-stream.js";
export type { PushSource, SourceInput, TextSource } from "./source.js";
