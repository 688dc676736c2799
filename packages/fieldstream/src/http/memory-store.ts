// The default resume store: events kept in this process, for one server instance (or tests).
// Bounded so a long-running server cannot leak: a TTL since the last write, a stream count, a size.

import { FollowerLog } from "../util/index.js";
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
  /** The stream's events; closed when the stream is forgotten, which ends its readers. */
  readonly log: FollowerLog<StoredEvent>;
  readonly positions: Position[];
  touched: number;
  chars: number;
  ended: boolean;
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
      log: new FollowerLog<StoredEvent>(),
      positions: [],
      touched: now,
      chars: 0,
      ended: false,
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
    entry.positions.push(position);
    const size = EVENT_OVERHEAD + (stored.event.type === "text" ? stored.event.text.length : 0);
    entry.chars += size;
    this.chars += size;
    if (isTerminal(stored.event)) entry.ended = true;
    const now = Date.now();
    entry.touched = now;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    entry.log.push(stored);
    // Nothing follows the end: a reader that starts after it stops instead of waiting.
    if (entry.ended) entry.log.close();
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
    if (!entry) return { next: async () => ({ value: undefined, done: true }) };
    const from = after ? firstAfter(entry.positions, after) : 0;
    return entry.log
      .follow((stored) => isTerminal(stored.event), from, options.signal)
      [Symbol.asyncIterator]();
  }

  private remove(streamId: string, entry: Entry): void {
    this.entries.delete(streamId);
    this.chars -= entry.chars;
    entry.log.close();
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
