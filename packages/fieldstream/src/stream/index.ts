// The stream layer: the event log that is the seam between producers and ObjectStream, the fold
// itself, and the driver for plain text sources. Web-standard only, so it runs in any runtime.

export type {
  AttemptOutcome,
  Driver,
  DriverEvent,
  FinishReason,
  StreamEvent,
  StreamWriter,
  Usage,
} from "./events.js";
export {
  ObjectStream,
  type ObjectStreamOf,
  type ObjectStreamOptions,
  type StreamStatus,
} from "./object-stream.js";
export type { PushSource, SourceInput, TextSource } from "./source.js";
export { type StreamObjectOptions, streamObject } from "./stream-object.js";
export type { RetryContext, RetryHook } from "./text-driver.js";
