// Text sources for stream tests: a text cut into chunks of given or random sizes, optionally paced,
// recording how far it was read so a test can tell when a source was cancelled.

export interface RecordingSource extends AsyncIterable<string> {
  /** Chunks handed out so far. */
  readonly pulled: number;
  /** Whether the consumer stopped the source (return() was called) before its end. */
  readonly cancelled: boolean;
  readonly chunks: readonly string[];
}

/** Cuts `text` into chunks of `size` characters (or of sizes drawn from `sizes` in turn). */
export function chunk(text: string, size: number | readonly number[] = 4): string[] {
  const sizes = typeof size === "number" ? [size] : size;
  const out: string[] = [];
  for (let i = 0, k = 0; i < text.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** An async source of the chunks, waiting `delayMs` between them (0: a macrotask turn each). */
export function source(chunks: readonly string[], delayMs = 0): RecordingSource {
  let pulled = 0;
  let cancelled = false;
  return {
    chunks,
    get pulled() {
      return pulled;
    },
    get cancelled() {
      return cancelled;
    },
    async *[Symbol.asyncIterator]() {
      try {
        for (const c of chunks) {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          pulled++;
          yield c;
        }
      } finally {
        if (pulled < chunks.length) cancelled = true;
      }
    },
  };
}

/** A source that yields its chunks and then never answers again, until cancelled. */
export function stalling(chunks: readonly string[]): RecordingSource & { readonly stalled: Promise<void> } {
  let pulled = 0;
  let cancelled = false;
  let markStalled!: () => void;
  const stalled = new Promise<void>((resolve) => {
    markStalled = resolve;
  });
  return {
    chunks,
    stalled,
    get pulled() {
      return pulled;
    },
    get cancelled() {
      return cancelled;
    },
    [Symbol.asyncIterator]() {
      return {
        next: () => {
          if (pulled < chunks.length) return Promise.resolve({ value: chunks[pulled++]!, done: false });
          markStalled();
          return new Promise<IteratorResult<string>>(() => {});
        },
        return: () => {
          cancelled = true;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}

/** Collects every partial a stream yields. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const partial of stream) seen.push(structuredClone(partial));
  return seen;
}
