// Reads any text source the stream accepts (async or sync iterables, web ReadableStreams, of strings
// or bytes) as strings, and stops it at once when asked to, even in the middle of a stalled read.

/** A source of JSON text deltas. Bytes are decoded as UTF-8, split characters included. */
export type TextSource =
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | ReadableStream<string | Uint8Array>;

/** A source, or a function that opens one and cancels it when the signal aborts. */
export type SourceInput = TextSource | ((signal: AbortSignal) => TextSource | Promise<TextSource>);

interface Reader {
  next(): Promise<IteratorResult<string | Uint8Array>>;
  cancel(reason: unknown): void;
}

function readerOf(source: TextSource): Reader {
  if (typeof (source as ReadableStream).getReader === "function") {
    const reader = (source as ReadableStream<string | Uint8Array>).getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<string | Uint8Array>>,
      cancel: (reason) => {
        reader.cancel(reason).catch(() => {});
      },
    };
  }
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]()
      : (source as Iterable<string | Uint8Array>)[Symbol.iterator]();
  return {
    next: async () => iterator.next(),
    cancel: () => {
      Promise.resolve(iterator.return?.()).catch(() => {});
    },
  };
}

/**
 * Yields the source's text. When `signal` aborts, the source is cancelled and the read in progress
 * rejects with the abort reason at once instead of waiting for the source to answer.
 */
export async function* readText(
  source: TextSource,
  signal: AbortSignal,
): AsyncGenerator<string, void, undefined> {
  const reader = readerOf(source);
  let decoder: TextDecoder | undefined;
  // The read under way, so that an abort can reject it without waiting for the source to answer.
  let rejectRead: ((reason: unknown) => void) | undefined;
  const onAbort = () => rejectRead?.(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const read = (): Promise<IteratorResult<string | Uint8Array>> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      rejectRead = reject;
      reader.next().then(resolve, reject);
    });
  };
  let finished = false;
  try {
    for (;;) {
      const result = await read();
      rejectRead = undefined;
      if (result.done) break;
      const chunk = result.value;
      if (typeof chunk === "string") {
        if (decoder) {
          const rest = decoder.decode();
          decoder = undefined;
          if (rest) yield rest;
        }
        if (chunk) yield chunk;
      } else if (chunk instanceof Uint8Array) {
        decoder ??= new TextDecoder("utf-8");
        const text = decoder.decode(chunk, { stream: true });
        if (text) yield text;
      } else {
        throw new TypeError(`fieldstream: a text source yielded ${typeof chunk}, not a string or Uint8Array`);
      }
    }
    finished = true;
    if (decoder) {
      const rest = decoder.decode();
      if (rest) yield rest;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!finished) reader.cancel(signal.aborted ? signal.reason : undefined);
  }
}
