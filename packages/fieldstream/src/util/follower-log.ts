// An append-only log that any number of readers follow from the start at their own pace: each gets
// every entry in order, then waits for the next. Streams, the server's producer and its stores use it.

import { follow } from "./signals.js";

/** An append-only list of entries with readers that follow it live. */
export class FollowerLog<T> {
  readonly entries: T[] = [];
  /** Readers waiting for the next entry; woken all at once, then forgotten. */
  private waiters = new Set<() => void>();
  private closed = false;

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

  /** Resolves when an entry is added, the log closes, or `signal` aborts (its listener then removed). */
  changed(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        signal?.removeEventListener("abort", done);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Every entry from `from` on, then live ones, ending after the first entry `isLast` accepts, when
   * the log closes, or when `signal` aborts.
   */
  follow(isLast: (entry: T) => boolean = () => false, from = 0, signal?: AbortSignal): AsyncIterable<T> {
    return {
      [Symbol.asyncIterator]: () => {
        let next = from;
        let over = false;
        // Aborted by `signal` or by `return()`, which must also end a `next()` still waiting.
        const stop = new AbortController();
        const release = follow(stop, signal);
        const end = (): IteratorResult<T> => {
          over = true;
          release();
          return { value: undefined, done: true };
        };
        return {
          next: async (): Promise<IteratorResult<T>> => {
            for (;;) {
              if (over || stop.signal.aborted) return end();
              if (next < this.entries.length) {
                const entry = this.entries[next++]!;
                if (isLast(entry)) end();
                return { value: entry, done: false };
              }
              if (this.closed) return end();
              await this.changed(stop.signal);
            }
          },
          return: async (): Promise<IteratorResult<T>> => {
            stop.abort();
            return end();
          },
        };
      },
    };
  }

  private wake(): void {
    if (this.waiters.size === 0) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiting) resolve();
  }
}
