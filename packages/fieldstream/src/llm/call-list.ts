// Parallel tool calls as one JSON list: each call's arguments are written out in call order as they
// stream, so interleaved calls still give the valid JSON of `{"items":[call0,call1,...]}`.

import { ProviderError } from "../errors/index.js";

/**
 * The most parallel tool calls one answer may have. Far beyond any real answer (each call costs
 * tokens), it only stops a broken or hostile stream from numbering a call in the billions.
 */
export const MAX_TOOL_CALLS = 1 << 20;

/**
 * Joins parallel tool calls into the JSON of one list, `{"items":[call0,call1,...]}`, in call order.
 * A call is written out as it streams; pieces of later calls wait until the one being written has
 * closed its JSON object, so that interleaved streams still give valid JSON. Every piece is handled
 * in constant time (plus its length), however many calls are waiting.
 */
export class CallList {
  /** The call being written out, or -1 before the first. */
  private current = -1;
  /** Pieces of calls after the current one, by call index; a hole where no call began. */
  private readonly waiting: (string[] | undefined)[] = [];
  private waitingCount = 0;
  /** Nesting depth and string state of the call being written, to know when its value is closed. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private opened = false;
  private started = false;

  constructor(private readonly key: string) {}

  *delta(index: number, text: string): Generator<string> {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_TOOL_CALLS) {
      // Checked before anything is stored: an index in the billions must not size an array.
      throw new ProviderError(
        `The provider numbered a tool call ${index}; at most ${MAX_TOOL_CALLS} parallel tool calls are read`,
        { retryable: false },
      );
    }
    if (!this.started) {
      this.started = true;
      yield `{${JSON.stringify(this.key)}:[`;
    }
    if (index === this.current) {
      yield text;
      this.track(text);
    } else if (index > this.current) {
      const queue = this.waiting[index];
      if (queue) queue.push(text);
      else {
        this.waiting[index] = [text];
        this.waitingCount++;
      }
    }
    // A piece of a call already written out cannot be placed any more and is dropped.
    while (this.isClosed() && this.waitingCount > 0) yield* this.advance();
  }

  /** Whether the call being written has begun its value and not closed it yet. */
  get isOpen(): boolean {
    return this.current !== -1 && !this.isClosed();
  }

  private isClosed(): boolean {
    return this.current === -1 || (this.opened && this.depth === 0 && !this.inString);
  }

  private track(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
      } else if (c === 34) {
        this.inString = true;
      } else if (c === 123 || c === 91) {
        this.depth++;
        this.opened = true;
      } else if (c === 125 || c === 93) {
        this.depth--;
      }
    }
  }

  /**
   * The lowest waiting call, taken out of the queue. Nothing waits at or below the current call, and
   * the current call only moves forward, so the search never passes the same hole twice.
   */
  private take(): [number, string[]] {
    let next = this.current + 1;
    let queue = this.waiting[next];
    while (queue === undefined) queue = this.waiting[++next];
    this.waiting[next] = undefined;
    this.waitingCount--;
    return [next, queue];
  }

  /** Moves on to the lowest call that has begun, writing out what it sent so far. */
  private *advance(): Generator<string> {
    const [next, queue] = this.take();
    if (this.current !== -1) yield ",";
    this.current = next;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.opened = false;
    const text = queue.join("");
    yield text;
    this.track(text);
  }

  /** Closes the list, writing out calls that were still waiting, in order. */
  end(): string {
    let out = this.started ? "" : `{${JSON.stringify(this.key)}:[`;
    while (this.waitingCount > 0) {
      const [next, queue] = this.take();
      out += (this.current === -1 ? "" : ",") + queue.join("");
      this.current = next;
    }
    return `${out}]}`;
  }
}
