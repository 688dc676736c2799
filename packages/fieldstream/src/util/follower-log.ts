// An append-only log that any number of readers follow from the start at their own pace: each gets
// every entry in order, then waits for the next. Streams, the server's producer and its stores use it.

/** An append-only list of entries with readers that follow it live. */
export class FollowerLog<T> {
  readonly entries: T[] = [];
  /** Readers waiting for the next entry; woken all at once, then forgotten. */
  private waiters: (() => void)[] = [];
  private closed = false;

  get length(): number {
    return this.entries.length;
  }

  push(entry: T): void {
    if (this.closed) return;
    this.entries.push(entry);
    this.wake();
  }

  /** No entry follows: readers still waiting end. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves when an entry is added or the log closes. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Every entry from `from` on, then live ones, ending after the first entry `isLast` accepts or
   * when the log closes.
   */
  follow(isLast: (entry: T) => boolean = () => false, from = 0): AsyncIterable<T> {
    return {
      [Symbol.asyncIterator]: () => {
        let next = from;
        let over = false;
        return {
          next: async (): Promise<IteratorResult<T>> => {
            for (;;) {
              if (over) return { value: undefined, done: true };
              if (next < this.entries.length) {
                const entry = this.entries[next++]!;
                if (isLast(entry)) over = true;
                return { value: entry, done: false };
              }
              if (this.closed) return { value: undefined, done: true };
              await this.changed();
            }
          },
          return: async (): Promise<IteratorResult<T>> => {
            over = true;
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  private wake(): void {
    const waiting = this.waiters;
    if (waiting.length === 0) return;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
