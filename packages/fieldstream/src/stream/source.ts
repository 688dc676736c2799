// Reads any text source the stream accepts (async or sync iterables, web ReadableStreams, of strings
// or bytes) as strings, and stops it at once when asked to, even in the middle of a stalled read.

/** A source of JSON text deltas. Bytes are decoded as UTF-8, split characters included. */
export type TextSource =
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | ReadableStream<string | Uint8Array>;

/**
 * A source that pushes: `pushInto` calls `write` with each piece of text and resolves at the end (or
 * rejects with what went wrong). It must stop when `signal` aborts. For producers that are loops over
 * events of their own, this saves a layer of promises per piece compared with an async iterable.
 */
export interface PushSource {
  readonly pushInto: (write: (text: string) => void, signal: AbortSignal) => Promise<void>;
}

/** A source, or a function that opens one and cancels it when the signal aborts. */
export type SourceInput =
  | TextSource
  | PushSource
  | ((signal: AbortSignal) => TextSource | PushSource | Promise<TextSource | PushSource>);

export function isPushSource(source: unknown): source is PushSource {
  return typeof (source as PushSource | null)?.pushInto === "function";
}

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
 * Reads a source's text one piece at a time. When `signal` aborts, the source is cancelled and the
 * read in progress rejects with the abort reason at once instead of waiting for the source to answer.
 * A plain object with a `next()` method rather than an async generator: one await per piece, not three.
 */
export class TextReader {
  private readonly reader: Reader;
  private decoder: TextDecoder | undefined;
  /** The read under way, so that an abort can reject it without waiting for the source. */
  private rejectRead: ((reason: unknown) => void) | undefined;
  private done = false;
  private readonly onAbort = () => this.rejectRead?.(this.signal.reason);

  constructor(
    source: TextSource,
    private readonly signal: AbortSignal,
  ) {
    this.reader = readerOf(source);
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** The next piece of text, or `undefined` at the end. */
  async next(): Promise<string | undefined> {
    for (;;) {
      if (this.done) return undefined;
      const result = await this.read();
      this.rejectRead = undefined;
      if (result.done) {
        this.finish(false);
        const rest = this.decoder?.decode();
        this.decoder = undefined;
        return rest ? rest : undefined;
      }
      const chunk = result.value;
      let text: string;
      if (typeof chunk === "string") {
        // Text after bytes: whatever the decoder still holds comes first.
        const rest = this.decoder?.decode() ?? "";
        this.decoder = undefined;
        text = rest + chunk;
      } else if (chunk instanceof Uint8Array) {
        this.decoder ??= new TextDecoder("utf-8");
        text = this.decoder.decode(chunk, { stream: true });
      } else {
        this.cancel();
        throw new TypeError(`fieldstream: a text source yielded ${typeof chunk}, not a string or Uint8Array`);
      }
      if (text) return text;
    }
  }

  /** Stops reading; the source is cancelled unless it already ended. */
  cancel(): void {
    if (!this.done) this.finish(true);
  }

  private read(): Promise<IteratorResult<string | Uint8Array>> {
    if (this.signal.aborted) {
      this.cancel();
      return Promise.reject(this.signal.reason);
    }
    return new Promise((resolve, reject) => {
      this.rejectRead = (reason) => {
        this.cancel();
        reject(reason);
      };
      this.reader.next().then(resolve, (error: unknown) => {
        this.done = true;
        this.signal.removeEventListener("abort", this.onAbort);
        reject(error);
      });
    });
  }

  private finish(cancelSource: boolean): void {
    this.done = true;
    this.signal.removeEventListener("abort", this.onAbort);
    if (cancelSource) this.reader.cancel(this.signal.aborted ? this.signal.reason : undefined);
  }
}
