// The default resume store: events kept in this process, for one server instance (or tests).
// Bounded so a long-running server cannot leak: a TTL since the last write, a stream count, a size.

import { comparePositions, isTerminal, type Position, parsePosition, type StoredEvent } from "./protocol.js";
import type { ReadOptions, ResumeStore } from "./store.js";

export interface MemoryStoreOptions {
  /** How long a stream is kept after its last write. Default 5 minutes. */
  readonly ttlMs?: number;
  /** Most streams kept; beyond it, the least recently written go first. Default 10,000. */
  readonly maxStreams?: number;
  /** Most characters of text kept over all streams; beyond it, the least recently written go. Default 64 Mi. */
  readonly maxChars?: number;
}

/** What an event costs besides its text, roughly: the object, its id and the position. */
const EVENT_OVERHEAD = 64;

interface Entry {
  readonly events: StoredEvent[];
  readonly positions: Position[];
  readonly waiters: Set<() => void>;
  touched: number;
  chars: number;
  ended: boolean;
  removed: boolean;
}

export class MemoryStore implements ResumeStore {
  private readonly ttlMs: number;
  private readonly maxStreams: number;
  private readonly maxChars: number;
  /** In order of last write, oldest first (re-inserted on each write), so eviction reads from the front. */
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxStreams = options.maxStreams ?? 10_000;
    this.maxChars = options.maxChars ?? 64 * 1024 * 1024;
  }

  /** Streams held now (after dropping the expired ones). */
  get size(): number {
    this.sweep(Date.now());
    return this.entries.size;
  }

  async create(streamId: string): Promise<void> {
    const now = Date.now();
    this.sweep(now);
    if (this.entries.has(streamId)) throw new Error(`fieldstream: stream id ${streamId} is already in use`);
    this.entries.set(streamId, {
      events: [],
      positions: [],
      waiters: new Set(),
      touched: now,
      chars: 0,
      ended: false,
      removed: false,
    });
    this.sweep(now);
  }

  async append(streamId: string, stored: StoredEvent): Promise<void> {
    const entry = this.entries.get(streamId);
    if (!entry) throw new Error(`fieldstream: stream ${streamId} is unknown or expired`);
    const position = parsePosition(stored.id);
    if (!position) throw new TypeError(`fieldstream: invalid event id ${JSON.stringify(stored.id)}`);
    const last = entry.positions.at(-1);
    if (entry.ended || (last && comparePositions(position, last) <= 0)) return;
    entry.events.push(stored);
    entry.positions.push(position);
    const size = EVENT_OVERHEAD + (stored.event.type === "text" ? stored.event.text.length : 0);
    entry.chars += size;
    this.chars += size;
    if (isTerminal(stored.event)) entry.ended = true;
    const now = Date.now();
    entry.touched = now;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    this.wake(entry);
    this.sweep(now);
  }

  async exists(streamId: string): Promise<boolean> {
    this.sweep(Date.now());
    return this.entries.has(streamId);
  }

  read(streamId: string, options: ReadOptions = {}): AsyncIterable<StoredEvent> {
    return {
      [Symbol.asyncIterator]: () => this.reader(streamId, options),
    };
  }

  /** Forgets a stream now; its readers end. */
  delete(streamId: string): void {
    const entry = this.entries.get(streamId);
    if (entry) this.remove(streamId, entry);
  }

  private reader(streamId: string, options: ReadOptions): AsyncIterator<StoredEvent> {
    this.sweep(Date.now());
    const entry = this.entries.get(streamId);
    const after = options.after === undefined ? undefined : parsePosition(options.after);
    if (options.after !== undefined && !after) {
      throw new TypeError(`fieldstream: invalid position ${JSON.stringify(options.after)}`);
    }
    let next = entry && after ? firstAfter(entry.positions, after) : 0;
    let over = entry === undefined;
    const signal = options.signal;
    return {
      next: async (): Promise<IteratorResult<StoredEvent>> => {
        for (;;) {
          if (over || !entry || signal?.aborted) {
            over = true;
            return { value: undefined, done: true };
          }
          const stored = entry.events[next];
          if (stored) {
            next++;
            if (isTerminal(stored.event)) over = true;
            return { value: stored, done: false };
          }
          if (entry.removed || entry.ended) {
            over = true;
            continue;
          }
          await waitFor(entry, signal);
        }
      },
      return: async (): Promise<IteratorResult<StoredEvent>> => {
        over = true;
        if (entry) this.wake(entry);
        return { value: undefined, done: true };
      },
    };
  }

  private wake(entry: Entry): void {
    if (entry.waiters.size === 0) return;
    const waiting = [...entry.waiters];
    entry.waiters.clear();
    for (const resolve of waiting) resolve();
  }

  private remove(streamId: string, entry: Entry): void {
    this.entries.delete(streamId);
    this.chars -= entry.chars;
    entry.removed = true;
    this.wake(entry);
  }

  /** Drops expired streams, then the least recently written while over a bound. */
  private sweep(now: number): void {
    for (const [streamId, entry] of this.entries) {
      const expired = now - entry.touched >= this.ttlMs;
      if (!expired && this.entries.size <= this.maxStreams && this.chars <= this.maxChars) break;
      this.remove(streamId, entry);
    }
  }
}

/** Index of the first position strictly after `after`. */
function firstAfter(positions: readonly Position[], after: Position): number {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (comparePositions(positions[mid]!, after) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Resolves at the next append to the entry, its removal, or the signal's abort. */
function waitFor(entry: Entry, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      signal?.removeEventListener("abort", done);
      entry.waiters.delete(done);
      resolve();
    };
    entry.waiters.add(done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
