// Capturing a live SDK stream as "one chunk JSON per line", the format `replay` serves back, so a real
// provider session can become a deterministic test fixture.

import { open } from "node:fs/promises";

export interface RecordOptions {
  /** Write the chunks to this file (created or truncated when iteration starts). */
  readonly file?: string;
  /** Push each chunk, as written, onto this array. */
  readonly into?: unknown[];
  /** Turns a chunk into what is written; by default the chunk itself, minus SDK-only fields. */
  readonly map?: (chunk: unknown) => unknown;
}

/** Fields an SDK adds to its chunk objects that never were on the wire. */
const SDK_ONLY = new Set(["sdkHttpResponse"]);

function wireOnly(chunk: unknown): unknown {
  if (chunk === null || typeof chunk !== "object" || Array.isArray(chunk)) return chunk;
  return Object.fromEntries(Object.entries(chunk).filter(([key]) => !SDK_ONLY.has(key)));
}

/**
 * Wraps `stream` so that iterating it yields the same chunks while recording each one. The file is
 * complete once iteration ends, including by `break` or an error.
 */
export async function* record<T>(
  stream: AsyncIterable<T>,
  options: RecordOptions,
): AsyncGenerator<T, void, undefined> {
  const map = options.map ?? wireOnly;
  const file = options.file === undefined ? undefined : await open(options.file, "w");
  try {
    for await (const chunk of stream) {
      const value = map(chunk);
      options.into?.push(value);
      if (file !== undefined) await file.write(`${JSON.stringify(value)}\n`);
      yield chunk;
    }
  } finally {
    await file?.close();
  }
}
