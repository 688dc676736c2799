// Parallel tool calls as one JSON list: each call's arguments are written out in call order as they
// stream, so interleaved calls still give the valid JSON of `{"items":[call0,call1,...]}`.

/**
 * Joins parallel tool calls into the JSON of one list, `{"items":[call0,call1,...]}`, in call order.
 * A call is written out as it streams; pieces of later calls wait until the one being written has
 * closed its JSON object, so that interleaved streams still give valid JSON.
 */
export class CallList {
  /** The call being written out, or -1 before the first. */
  private current = -1;
  private readonly waiting = new Map<number, string[]>();
  private readonly closed = new Set<number>();
  /** Nesting depth and string state of the call being written, to know when its value is closed. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private opened = false;
  private started = false;

  constructor(private readonly key: string) {}

  *delta(index: number, text: string): Generator<string> {
    if (!this.started) {
      this.started = true;
      yield `{${JSON.stringify(this.key)}:[`;
    }
    if (index === this.current) {
      yield text;
      this.track(text);
    } else if (index > this.current && !this.closed.has(index)) {
      const queue = this.waiting.get(index) ?? [];
      queue.push(text);
      this.waiting.set(index, queue);
    }
    // A piece of a call already written out cannot be placed any more and is dropped.
    while (this.isClosed() && this.waiting.size > 0) yield* this.advance();
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

  /** Moves on to the lowest call that has begun, writing out what it sent so far. */
  private *advance(): Generator<string> {
    const next = Math.min(...this.waiting.keys());
    const queue = this.waiting.get(next)!;
    this.waiting.delete(next);
    if (this.current !== -1) {
      this.closed.add(this.current);
      yield ",";
    }
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
    for (const index of [...this.waiting.keys()].sort((a, b) => a - b)) {
      out += (this.current === -1 ? "" : ",") + this.waiting.get(index)!.join("");
      this.current = index;
    }
    this.waiting.clear();
    return `${out}]}`;
  }
}
