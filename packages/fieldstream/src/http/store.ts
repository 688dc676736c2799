// The resume store: where a server keeps each stream's events so that a client that lost its
// connection can pick up exactly where it was, on this server instance or on any other that shares it.

import type { StoredEvent } from "./protocol.js";

export interface ReadOptions {
  /** Only events positioned after this id (`"<attempt>:<offset>"`); from the start when absent. */
  readonly after?: string;
  /** Stops the read, also while it waits for the next event. */
  readonly signal?: AbortSignal;
}

/**
 * A pluggable store of stream events. One writer per stream (the server running it) appends in order;
 * any number of readers, anywhere, replay and then follow it.
 *
 * - `create` registers a stream before its first event, so that a reader can tell a stream that has
 *   not said anything yet from one that does not exist. It rejects if the id is already taken.
 * - `append` keeps the events in the order they were appended, each exactly once. Ids strictly
 *   increase (see `StoredEvent.id`); an append with an id not above the last one is a no-op, so a
 *   writer may safely retry one.
 * - `read` yields every event after `after` exactly once, in order: first what is stored, then new
 *   events as they are appended, ending after a `done` or `error` event, or when the stream is gone
 *   (expired, evicted) or the signal aborts. Ending a `for await` early releases what it held.
 * - `exists` says whether the stream is known (created and not yet expired).
 *
 * Stores bound what they keep: entries expire some time after their last write.
 */
export interface ResumeStore {
  create(streamId: string): Promise<void>;
  append(streamId: string, event: StoredEvent): Promise<void>;
  read(streamId: string, options?: ReadOptions): AsyncIterable<StoredEvent>;
  exists(streamId: string): Promise<boolean>;
}
