// The wire format of fieldstream/http: what a stream is made of once it leaves the process, where
// each piece sits (its position, which is also its SSE id), and how each is framed as an SSE event.

import type { SerializedError } from "./error-wire.js";
import { frameEvent, isRawSafe } from "./sse.js";

/** The response header (and reconnection request header) that carries the stream id. */
export const STREAM_ID_HEADER = "x-fieldstream-id";

/** Everything a stream says after it leaves the process: enough to rebuild it on the other side. */
export type TransportEvent =
  /** Raw JSON text of attempt `attempt`, starting at `offset` (UTF-16 code units) of that attempt's text. */
  | { readonly type: "text"; readonly attempt: number; readonly offset: number; readonly text: string }
  /** The server re-asked: a new attempt whose text starts again at offset 0. */
  | { readonly type: "attempt"; readonly attempt: number }
  /** Token usage over all attempts (streams that report it), sent once before the end. */
  | { readonly type: "usage"; readonly usage: Readonly<Record<string, unknown>> }
  | { readonly type: "error"; readonly error: SerializedError }
  /** The end: the last attempt and the length of its text, so a reader can tell it missed nothing. */
  | { readonly type: "done"; readonly attempt: number; readonly length: number };

/** An event with its position in the stream. Positions strictly increase along a stream. */
export interface StoredEvent {
  /**
   * `"<attempt>:<n>"`. For text, `n` is the offset just after the text (so the id of the last text
   * event a client got says exactly how much it has); `"<attempt>:0"` for an attempt event; for the
   * events that close a stream, the text's length plus 1, 2, ...
   */
  readonly id: string;
  readonly event: TransportEvent;
}

/** A position: attempt, then offset within it. */
export type Position = readonly [attempt: number, offset: number];

const POSITION = /^(\d{1,15}):(\d{1,15})$/;

/** `"2:130"` → `[2, 130]`; `undefined` for anything else. */
export function parsePosition(id: string): Position | undefined {
  const match = POSITION.exec(id);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function formatPosition(attempt: number, offset: number): string {
  return `${attempt}:${offset}`;
}

/** Negative, zero or positive as `a` comes before, at or after `b`. */
export function comparePositions(a: Position, b: Position): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Whether the event ends the stream: nothing follows `done` or `error`. */
export function isTerminal(event: TransportEvent): boolean {
  return event.type === "done" || event.type === "error";
}

/**
 * The SSE frame of a stored event. Text goes as raw `data` lines with no event name (the cheapest
 * frame); text that raw lines cannot carry (`\r`, lone surrogates) goes as `event:text` with the text
 * as a JSON string. Only text and attempt events have an `id`: the others are not positions a reader
 * could resume from, and leaving it out keeps a reader's last event id meaningful.
 */
export function frameStored(stored: StoredEvent): string {
  const event = stored.event;
  switch (event.type) {
    case "text":
      return isRawSafe(event.text)
        ? frameEvent({ id: stored.id, data: event.text })
        : frameEvent({ id: stored.id, event: "text", data: JSON.stringify(event.text) });
    case "attempt":
      return frameEvent({ id: stored.id, event: "attempt", data: `{"attempt":${event.attempt}}` });
    case "usage":
      return frameEvent({ event: "usage", data: JSON.stringify(event.usage) });
    case "error":
      return frameEvent({ event: "error", data: JSON.stringify(event.error) });
    case "done":
      return frameEvent({ event: "done", data: `{"attempt":${event.attempt},"length":${event.length}}` });
  }
}

/** The first event of every response: which stream this is, so a client can come back for it. */
export function frameOpen(id: string, retryMs?: number): string {
  const retry = retryMs === undefined ? "" : `retry:${Math.max(0, Math.floor(retryMs))}\n`;
  return `${retry}${frameEvent({ event: "stream", data: JSON.stringify({ id }) })}`;
}

/** A comment line: keeps proxies from closing an idle connection, dispatches nothing. */
export const KEEP_ALIVE = ":\n";
