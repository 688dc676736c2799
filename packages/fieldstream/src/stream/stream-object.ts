// streamObject: a stream of partial objects from a plain source of JSON text (an async iterable, a
// ReadableStream, a push source), with attempts when a `retry` callback hands over new sources.

import { ObjectStream, type ObjectStreamOf, type ObjectStreamOptions } from "./object-stream.js";
import type { SourceInput } from "./source.js";
import { type RetryHook, textDriver } from "./text-driver.js";

export interface StreamObjectOptions<S> extends ObjectStreamOptions<S> {
  /** JSON text deltas, or a function that opens them given the attempt's abort signal. */
  readonly source: SourceInput;
  /**
   * Called when an attempt fails (invalid JSON, a field or the whole value invalid, a source error),
   * unless the stream was aborted. Return the source of a new attempt to try again, or nothing to
   * fail with `context.error`. Partials start afresh with each attempt; elements already delivered
   * are not repeated (the new attempt's elements continue after them).
   */
  readonly retry?: RetryHook;
}

/**
 * Streams a structured value from JSON text deltas: `for await` the partials, `await stream.final`
 * for the validated value, `for await (const item of stream.elements)` for the items of an array.
 */
export function streamObject<S>(options: StreamObjectOptions<S>): ObjectStreamOf<S> {
  const { source, retry, ...rest } = options;
  return new ObjectStream(rest, textDriver(source, retry)).start() as ObjectStreamOf<S>;
}
