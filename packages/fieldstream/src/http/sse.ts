// Server-Sent Events framing, both ways: a writer that frames any text losslessly and compactly, and
// an incremental reader that follows the WHATWG parsing rules, so no EventSource is ever needed.

import { TransportError } from "../errors/index.js";

/** One dispatched event, as the WHATWG algorithm defines it. */
export interface SseEvent {
  /** The `event` field, `"message"` when absent. */
  readonly type: string;
  /** The `data` lines, joined with `\n`. */
  readonly data: string;
  /** The `id` field of this very event; `undefined` when it had none. */
  readonly id: string | undefined;
  /** The last event ID in force when the event was dispatched (it persists across events). */
  readonly lastEventId: string;
}

/**
 * The longest event a reader holds by default, in characters of its lines: far above what `toResponse`
 * sends (16 Ki characters of text per event by default, at most 6 characters each once escaped), and
 * small enough that a server sending one endless line cannot take the reader's memory with it.
 */
export const DEFAULT_MAX_EVENT_CHARS = 4 * 1024 * 1024;

export interface SseParserOptions {
  /**
   * The most characters one event may hold (its data lines, and the line being read); past it `push`
   * throws a non-retryable TransportError. Default `DEFAULT_MAX_EVENT_CHARS` (4 Mi); `Infinity` for none.
   */
  readonly maxEventChars?: number;
}

const LF = 10;
const CR = 13;
const SPACE = 32;

/**
 * `data` lines for `text`. SSE joins data lines with `\n`, so splitting at each `\n` gives the text back
 * exactly; a line that starts with a space gets one more, because the reader strips one.
 * The text must not contain `\r` (a reader would turn it into `\n`).
 */
export function dataLines(text: string): string {
  let out = "";
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    const line = end < 0 ? text.slice(start) : text.slice(start, end);
    out += line.charCodeAt(0) === SPACE ? `data: ${line}\n` : `data:${line}\n`;
    if (end < 0) return out;
    start = end + 1;
  }
}

/** One complete event (ending with its blank line). `data` must not contain `\r`. */
export function frameEvent(fields: { id?: string; event?: string; data: string }): string {
  const id = fields.id === undefined ? "" : `id:${fields.id}\n`;
  const event = fields.event === undefined ? "" : `event:${fields.event}\n`;
  return `${id}${event}${dataLines(fields.data)}\n`;
}

type WellFormed = { isWellFormed?: (this: string) => boolean };
const nativeWellFormed = (String.prototype as WellFormed).isWellFormed;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether the text has no lone surrogate (UTF-8 cannot carry one: it would arrive as U+FFFD). */
export function isWellFormed(text: string): boolean {
  return nativeWellFormed ? nativeWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** Whether `text` can travel as raw `data` lines: no `\r` and no lone surrogate. */
export function isRawSafe(text: string): boolean {
  return !text.includes("\r") && isWellFormed(text);
}

/**
 * Incremental SSE reader: push decoded text in any chunking, get each event once its blank line
 * arrives. Handles `\r\n`, `\r` and `\n` line ends (also split across chunks), comments, fields
 * without a colon, multi-line data, `id` (ignored when it holds NUL), `retry`, and a leading BOM.
 * What it holds is bounded by `maxEventChars`: an event or line longer than that is refused.
 */
export class SseParser {
  /** The last event ID, persisting across events as in EventSource. */
  lastEventId = "";
  /** The last valid `retry` field, in milliseconds. */
  retry: number | undefined = undefined;
  private readonly partial: string[] = [];
  /** Characters in `partial`, and in the data lines of the event being read: what the limit bounds. */
  private partialLength = 0;
  private dataLength = 0;
  private readonly maxEventChars: number;
  private afterCR = false;
  private started = false;
  private data: string[] = [];
  private hasData = false;
  private type = "";
  private id: string | undefined = undefined;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    options: SseParserOptions = {},
  ) {
    this.maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
  }

  /** Feeds decoded text. Events complete in it are dispatched before this returns. */
  push(chunk: string): void {
    let start = 0;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (this.afterCR && start < chunk.length) {
      this.afterCR = false;
      if (chunk.charCodeAt(start) === LF) start++;
    }
    const n = chunk.length;
    let nextLF = chunk.indexOf("\n", start);
    let nextCR = chunk.indexOf("\r", start);
    while (start < n) {
      if (nextLF >= 0 && nextLF < start) nextLF = chunk.indexOf("\n", start);
      if (nextCR >= 0 && nextCR < start) nextCR = chunk.indexOf("\r", start);
      let end: number;
      if (nextCR < 0) end = nextLF;
      else if (nextLF < 0) end = nextCR;
      else end = Math.min(nextLF, nextCR);
      // Checked before anything is kept or joined, so an over-long line never grows past one chunk.
      this.check(this.partialLength + (end < 0 ? n : end) - start);
      if (end < 0) {
        this.partial.push(start === 0 ? chunk : chunk.slice(start));
        this.partialLength += n - start;
        return;
      }
      let line = chunk.slice(start, end);
      if (this.partial.length > 0) {
        this.partial.push(line);
        line = this.partial.join("");
        this.partial.length = 0;
        this.partialLength = 0;
      }
      start = end + 1;
      if (chunk.charCodeAt(end) === CR) {
        if (start === n) this.afterCR = true;
        else if (chunk.charCodeAt(start) === LF) start++;
      }
      this.line(line);
    }
  }

  /** The stream ended: an event without its closing blank line is dropped, as the standard says. */
  end(): void {
    this.partial.length = 0;
    this.partialLength = 0;
    this.resetEvent();
  }

  /** Refuses an event that would hold more than the limit with the line being read. */
  private check(lineLength: number): void {
    if (this.dataLength + lineLength <= this.maxEventChars) return;
    // Let go of what was held: the caller gives the stream up, and the memory should go with it.
    this.end();
    throw new TransportError(
      `The event stream sent an event longer than ${this.maxEventChars} characters (maxEventChars)`,
      { retryable: false },
    );
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) return; // a comment
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = "";
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === SPACE ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case "data":
        this.data.push(value);
        this.dataLength += value.length;
        this.hasData = true;
        break;
      case "event":
        this.type = value;
        break;
      case "id":
        if (!value.includes("\0")) {
          this.lastEventId = value;
          this.id = value;
        }
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    if (!this.hasData) {
      this.resetEvent();
      return;
    }
    const event: SseEvent = {
      type: this.type === "" ? "message" : this.type,
      data: this.data.length === 1 ? this.data[0]! : this.data.join("\n"),
      id: this.id,
      lastEventId: this.lastEventId,
    };
    this.resetEvent();
    this.onEvent(event);
  }

  private resetEvent(): void {
    this.data = [];
    this.dataLength = 0;
    this.hasData = false;
    this.type = "";
    this.id = undefined;
  }
}
