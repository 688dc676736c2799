// One-shot partial parsing: the snapshot a stream would show after exactly this prefix of text.
// Useful for a stored prefix; for a live stream, keep one parser and push each chunk instead.

import { createPartialParser } from "./parser.js";
import type { JsonValue, PartialParserOptions } from "./types.js";

/**
 * Parses a prefix of a JSON text and returns what is known of the value so far: complete scalars,
 * strings as far as they go, containers with the members read. `undefined` if nothing is visible yet.
 * Throws a `JsonStreamError` if the prefix cannot start any JSON text.
 */
export function parsePartial(
  text: string,
  options?: Omit<PartialParserOptions, "onComplete">,
): JsonValue | undefined {
  const parser = createPartialParser(options);
  parser.push(text);
  return parser.value;
}
