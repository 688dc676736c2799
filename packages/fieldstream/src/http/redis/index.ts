// fieldstream/http/redis: a resume store in Redis Streams, so any server instance can resume a stream
// another one runs. Node only (ioredis, an optional peer dependency); the rest of fieldstream/http is not.

import { Redis, type RedisOptions } from "ioredis";
import { isTerminal, parsePosition, type StoredEvent, type TransportEvent } from "../protocol.js";
import type { ReadOptions, ResumeStore } from "../store.js";

/** The part of an ioredis client (v5 or v6) the store uses. */
export interface RedisClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  duplicate(): RedisClient;
  disconnect(): void;
}

export interface RedisStoreOptions {
  /**
   * An ioredis client to use (with the default RESP2 replies); the store never closes it. Live readers
   * use `duplicate()`s of it.
   */
  readonly client?: RedisClient;
  /** Or the options (or URL) of a client the store opens itself and `close()` closes. */
  readonly redis?: RedisOptions | string;
  /** Key prefix. Default `"fieldstream:"`. */
  readonly prefix?: string;
  /** How long a stream is kept after its last write (EXPIRE on every write). Default 600 s. */
  readonly ttlSeconds?: number;
  /** How long a live reader blocks in XREAD before checking the stream still exists. Default 5000 ms. */
  readonly blockMs?: number;
}

/** Marks a stream as created: the entry `0-1`, below every event position. */
const OPEN_ID = "0-1";

/**
 * Appends one event unless the stream is gone (NOMKSTREAM) or already has it (an id not above the
 * last: a retried append), then renews the TTL. 1 appended, 0 already there, -1 no such stream.
 */
const APPEND = `
local added = redis.pcall('XADD', KEYS[1], 'NOMKSTREAM', ARGV[1], 'e', ARGV[2])
if type(added) == 'table' and added.err then
  if string.find(added.err, 'equal or smaller', 1, true) then return 0 end
  return added
end
if not added then return -1 end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** Creates the stream with its marker entry, failing if it exists (its entries are above 0-1). */
const CREATE = `
local added = redis.pcall('XADD', KEYS[1], ARGV[1], 'open', '1')
if type(added) == 'table' and added.err then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

type Entry = [id: string, fields: string[]];

/**
 * The entries of a one-stream XREAD reply, whichever shape the client gives it: `[[key, entries]]`
 * (the raw reply), `[key, entries]` (ioredis 6 unwraps a single stream), or a `{ key: entries }` map.
 */
function entriesOf(reply: unknown): Entry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    if (typeof reply[0] === "string") return (reply[1] ?? []) as Entry[];
    return ((reply[0] as [string, Entry[]] | undefined)?.[1] ?? []) as Entry[];
  }
  return (Object.values(reply as Record<string, Entry[]>)[0] ?? []) as Entry[];
}

function redisId(position: string): string {
  const parsed = parsePosition(position);
  if (!parsed) throw new TypeError(`fieldstream: invalid position ${JSON.stringify(position)}`);
  return `${parsed[0]}-${parsed[1]}`;
}

function decode(entry: Entry): StoredEvent | undefined {
  const [id, fields] = entry;
  const index = fields.indexOf("e");
  if (index < 0 || index % 2 !== 0) return undefined; // the open marker
  const dash = id.indexOf("-");
  return {
    id: `${id.slice(0, dash)}:${id.slice(dash + 1)}`,
    event: JSON.parse(fields[index + 1]!) as TransportEvent,
  };
}

/**
 * A ResumeStore in Redis Streams: one stream per fieldstream stream, one XADD per event with the event
 * position as the entry id (`<attempt>-<offset>`), so order and exactly-once come from Redis itself.
 * Readers replay with XRANGE and follow with XREAD BLOCK on a connection of their own (blocking
 * commands hold their connection), closed when the read ends. Keys expire `ttlSeconds` after the last
 * write.
 */
export class RedisStore implements ResumeStore {
  private readonly client: RedisClient;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly blockMs: number;
  private readonly blocking = new Set<RedisClient>();

  constructor(options: RedisStoreOptions) {
    if (options.client) {
      this.client = options.client;
      this.owned = false;
    } else if (options.redis !== undefined) {
      // Options go through as given (the cast only quiets exact optional types); replies are read
      // in the default RESP2 shape.
      this.client = new Redis(options.redis as string) as unknown as RedisClient;
      this.owned = true;
    } else {
      throw new TypeError("fieldstream: RedisStore needs a client or redis options");
    }
    this.prefix = options.prefix ?? "fieldstream:";
    this.ttlSeconds = options.ttlSeconds ?? 600;
    this.blockMs = options.blockMs ?? 5000;
  }

  private key(streamId: string): string {
    return this.prefix + streamId;
  }

  async create(streamId: string): Promise<void> {
    const created = await this.client.call("EVAL", CREATE, 1, this.key(streamId), OPEN_ID, this.ttlSeconds);
    if (created !== 1) throw new Error(`fieldstream: stream id ${streamId} is already in use`);
  }

  async append(streamId: string, stored: StoredEvent): Promise<void> {
    const result = await this.client.call(
      "EVAL",
      APPEND,
      1,
      this.key(streamId),
      redisId(stored.id),
      JSON.stringify(stored.event),
      this.ttlSeconds,
    );
    if (result === -1) throw new Error(`fieldstream: stream ${streamId} is unknown or expired`);
  }

  async exists(streamId: string): Promise<boolean> {
    return (await this.client.call("EXISTS", this.key(streamId))) === 1;
  }

  read(streamId: string, options: ReadOptions = {}): AsyncIterable<StoredEvent> {
    const after = options.after === undefined ? OPEN_ID : redisId(options.after);
    return {
      [Symbol.asyncIterator]: () => {
        const stop = new AbortController();
        const outer = options.signal;
        const onAbort = () => stop.abort(outer?.reason);
        if (outer?.aborted) onAbort();
        else outer?.addEventListener("abort", onAbort, { once: true });
        const events = this.events(this.key(streamId), after, stop.signal);
        return {
          next: () => events.next(),
          return: async () => {
            stop.abort();
            outer?.removeEventListener("abort", onAbort);
            return events.return(undefined);
          },
        };
      },
    };
  }

  /** Closes the live readers' connections, and the client if the store opened it. */
  async close(): Promise<void> {
    for (const connection of this.blocking) connection.disconnect();
    this.blocking.clear();
    if (this.owned) await this.client.call("QUIT").catch(() => this.client.disconnect());
  }

  private async *events(key: string, after: string, signal: AbortSignal): AsyncGenerator<StoredEvent> {
    let last = after;
    // Replay what is there, in pages, on the shared connection.
    for (;;) {
      if (signal.aborted) return;
      const page = (await this.client.call("XRANGE", key, `(${last}`, "+", "COUNT", 1000)) as Entry[];
      for (const entry of page) {
        last = entry[0];
        const stored = decode(entry);
        if (!stored) continue;
        yield stored;
        if (isTerminal(stored.event)) return;
      }
      if (page.length < 1000) break;
    }
    if (signal.aborted || (await this.client.call("EXISTS", key)) !== 1) return;
    // Then follow it on a connection of its own, which an abort closes to end a blocked XREAD at once.
    const connection = this.client.duplicate();
    this.blocking.add(connection);
    const close = () => connection.disconnect();
    signal.addEventListener("abort", close, { once: true });
    try {
      for (;;) {
        if (signal.aborted) return;
        let reply: unknown;
        try {
          reply = await connection.call("XREAD", "COUNT", 1000, "BLOCK", this.blockMs, "STREAMS", key, last);
        } catch (error) {
          if (signal.aborted) return;
          throw error;
        }
        if (reply === null) {
          if ((await this.client.call("EXISTS", key)) !== 1) return; // expired: nobody will write again
          continue;
        }
        for (const entry of entriesOf(reply)) {
          last = entry[0];
          const stored = decode(entry);
          if (!stored) continue;
          yield stored;
          if (isTerminal(stored.event)) return;
        }
      }
    } finally {
      signal.removeEventListener("abort", close);
      this.blocking.delete(connection);
      connection.disconnect();
    }
  }
}
