// ObjectStream: the fold of an event log into partial objects (newest first, never a backlog), complete
// validated elements in order, usage, and the final value. It does no I/O: a driver writes the events.
//
// Readers never slow the driver down. Each reader of the partials keeps only the version it saw last,
// so a slow one simply gets the newest snapshot next. Elements and errors are never skipped: elements
// are kept in order for every reader, and the log keeps every event for whoever follows it.

import { type FieldValidationError, ValidationError } from "../errors/index.js";
import { createPartialParser, type PartialParser, type PathSegment } from "../json/index.js";
import type { DeepPartial, ElementOf, InputOf, JsonSchema, OutputOf } from "../schema/internal.js";
import { describeSchema, FieldChecker, Shaper } from "../schema/internal.js";
import { FollowerLog, onAbort } from "../util/index.js";
import type {
  AttemptOutcome,
  Driver,
  DriverEvent,
  FinishReason,
  StreamEvent,
  StreamWriter,
  Usage,
} from "./events.js";

export type StreamStatus = "streaming" | "done" | "failed";

/** How a stream reads its schema and its text, whoever drives it. */
export interface ObjectStreamOptions<S> {
  /** A zod 4 schema, any Standard Schema together with `jsonSchema`, an `Iterable(...)`, or a JSON Schema. */
  readonly schema: S;
  /** The JSON Schema of `schema`, when `schema` is not a zod schema. */
  readonly jsonSchema?: JsonSchema;
  /** Aborts the stream (and whatever drives it). */
  readonly signal?: AbortSignal;
  /**
   * What a completed field that fails its schema does: `"continue"` (default) keeps it out of the
   * partials, reports it and goes on; `"abort"` stops the attempt at once with it.
   */
  readonly onInvalidField?: "continue" | "abort";
  /** Called for each completed field that fails its schema. */
  readonly onFieldError?: (error: FieldValidationError) => void;
  /** Skip prose or a ```json fence around the value (for text and markdown modes). */
  readonly lenient?: boolean;
  readonly maxDepth?: number;
  readonly maxLength?: number;
}

/** The stream for a schema `S`. */
export type ObjectStreamOf<S> = ObjectStream<DeepPartial<InputOf<S>>, OutputOf<S>, ElementOf<S>>;

type Waiter = () => void;

export class ObjectStream<Partial, Output, Element = never> implements AsyncIterable<Partial> {
  /** The validated value. Rejects with the stream's error; never an unhandled rejection. */
  readonly final: Promise<Output>;
  private parser!: PartialParser;
  private shaper!: Shaper;
  private checker!: FieldChecker;
  private readonly described: ReturnType<typeof describeSchema>;
  private readonly controller = new AbortController();
  /** Aborts the attempt under way: bad JSON, a field failing with `onInvalidField: "abort"`, the stream. */
  private attemptController = new AbortController();
  private attemptNumber = 0;
  /** Elements delivered before this attempt: the attempt's own elements below this index are repeats. */
  private elementsBefore = 0;
  private textLength = 0;
  private readonly log = new FollowerLog<StreamEvent>();
  private readonly found: Element[] = [];
  private readonly invalid: FieldValidationError[] = [];
  /** Readers waiting for something new; woken all at once, then forgotten. */
  private waiters: Waiter[] = [];
  private version = 0;
  private shapedVersion = -1;
  private shaped: Partial | undefined = undefined;
  private state: StreamStatus = "streaming";
  private failure: unknown = undefined;
  private usageTotal: Usage | undefined = undefined;
  private finished: { reason: FinishReason; raw?: string } | undefined = undefined;
  private reasoningParts: string[] = [];
  private started = false;
  private release: () => void = () => {};
  private settle!: { resolve(value: Output): void; reject(error: unknown): void };

  /** Built unstarted: `start()` runs the driver. */
  constructor(
    private readonly options: ObjectStreamOptions<unknown>,
    private readonly driver: Driver,
  ) {
    this.described = describeSchema(options.schema, options.jsonSchema);
    this.final = new Promise<Output>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.final.catch(() => {});
    this.startAttempt();
  }

  /** Runs the driver (once; later calls do nothing) and returns the stream. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    // Released when the stream ends, so a signal shared by many streams does not collect listeners.
    this.release = onAbort(this.options.signal, (reason) => this.abort(reason));
    if (this.state !== "streaming") return this;
    this.driver(this.writer()).then(
      () => this.fail(new Error("fieldstream: the stream's driver ended without a result")),
      (error: unknown) => this.fail(error),
    );
    return this;
  }

  /** The writer a driver gets: every call lands on this stream's fold. */
  private writer(): StreamWriter {
    const stream = this;
    return {
      get signal() {
        return stream.controller.signal;
      },
      get attemptSignal() {
        return stream.attemptController.signal;
      },
      get attempt() {
        return stream.attemptNumber;
      },
      get partial() {
        return stream.partial;
      },
      write: (event) => this.write(event),
      settle: (failed) => this.settleAttempt(failed),
      done: (value) => this.succeed(value as Output),
      fail: (error) => this.fail(error),
    };
  }

  /** Fresh parser, checks and shaping for a new attempt; partials start again from nothing. */
  private startAttempt(): void {
    const described = this.described;
    const options = this.options;
    this.attemptNumber++;
    if (this.attemptNumber > 1) this.log.push({ type: "attempt", attempt: this.attemptNumber });
    this.textLength = 0;
    this.attemptController = new AbortController();
    this.elementsBefore = this.found.length;
    this.version++;
    this.checker = new FieldChecker(
      described.root,
      {
        invalid: (error) => this.fieldFailed(error),
        element: (output, index) => {
          if (index < this.elementsBefore) return;
          this.found.push(output as Element);
          this.wake();
        },
      },
      described.elementsAt,
    );
    const parser = createPartialParser({
      lenient: options.lenient ?? false,
      ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
      ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
      onComplete: (value, path) => this.checker.complete(value, path),
    });
    this.parser = parser;
    this.shaper = new Shaper(described.root, () => parser.isComplete());
  }

  /** The fold: one event from the driver. */
  private write(event: DriverEvent): void {
    if (this.state !== "streaming") return;
    const attempt = this.attemptNumber;
    switch (event.type) {
      case "attempt":
        this.startAttempt();
        this.wake();
        return;
      case "text":
        this.text(event.text);
        return;
      case "reasoning":
        if (event.text === "") return;
        this.reasoningParts.push(event.text);
        this.log.push({ type: "reasoning", attempt, text: event.text });
        break;
      case "tool-call":
        this.log.push({ ...event, attempt });
        break;
      case "usage":
        this.usageTotal = addUsage(this.usageTotal, event.usage);
        this.log.push(event);
        break;
      case "finish":
        this.finished = event.raw === undefined ? { reason: event.reason } : event;
        this.log.push({ ...event, attempt });
        break;
    }
    this.wake();
  }

  /** One piece of the attempt's text: logged, parsed, announced. Bad JSON ends the attempt. */
  private text(chunk: string): void {
    // A producer may still be writing after the attempt was given up (the rest of what it was handling).
    if (chunk === "" || this.attemptController.signal.aborted) return;
    this.log.push({ type: "text", attempt: this.attemptNumber, offset: this.textLength, text: chunk });
    this.textLength += chunk.length;
    let grew: boolean;
    try {
      grew = this.parser.push(chunk);
    } catch (error) {
      // The attempt's failure, not the driver's: stop its source, and let the abort say why.
      this.update();
      this.attemptController.abort(error);
      return;
    }
    if (grew) this.update();
    else this.wake();
  }

  /** The attempt's text is over: its validated value, or why there is none. */
  private async settleAttempt(failed?: { readonly error: unknown }): Promise<AttemptOutcome> {
    const signal = this.attemptController.signal;
    const failure = (error: unknown): AttemptOutcome => ({
      ok: false,
      error: signal.aborted ? signal.reason : error,
      text: this.rawText,
      partial: this.partial,
      started: this.parser.value !== undefined,
    });
    if (failed || signal.aborted) {
      this.update();
      return failure(failed?.error);
    }
    try {
      const value = this.parser.end();
      this.update();
      await this.checker.settled();
      if (signal.aborted) return failure(undefined);
      const result = (await this.described.check(value)) as
        | { value: unknown; issues?: undefined }
        | { issues: ValidationError["issues"] };
      if (result.issues) return failure(new ValidationError(result.issues, this.rawText, value));
      return { ok: true, value: result.value };
    } catch (error) {
      this.update();
      return failure(error);
    }
  }

  /** The attempt under way, from 1. */
  get attempt(): number {
    return this.attemptNumber;
  }

  /** `streaming` until the value is complete and validated (`done`) or the stream failed (`failed`). */
  get status(): StreamStatus {
    return this.state;
  }

  /** The error the stream failed with, if it did. */
  get error(): unknown {
    return this.failure;
  }

  /** Tokens used by every attempt so far, once a driver has reported any. */
  get usage(): Usage | undefined {
    return this.usageTotal;
  }

  /** The last attempt's finish reason as the provider spelt it (`stop`, `length`, `tool_calls`, ...). */
  get finishReason(): string | undefined {
    return this.finished ? (this.finished.raw ?? this.finished.reason) : undefined;
  }

  /** The reasoning text received so far, over every attempt. */
  get reasoningText(): string {
    if (this.reasoningParts.length > 1) this.reasoningParts = [this.reasoningParts.join("")];
    return this.reasoningParts[0] ?? "";
  }

  /** The reasoning text as it arrives, from the start, for every reader. */
  get reasoning(): AsyncIterable<string> {
    return {
      [Symbol.asyncIterator]: () => {
        const events = this.events()[Symbol.asyncIterator]();
        return {
          next: async (): Promise<IteratorResult<string>> => {
            for (;;) {
              const next = await events.next();
              if (next.done) return { value: undefined, done: true };
              if (next.value.type === "reasoning") return { value: next.value.text, done: false };
            }
          },
          return: async (): Promise<IteratorResult<string>> => {
            await events.return?.();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  /** The newest partial value, or `undefined` while nothing is visible yet. */
  get partial(): Partial | undefined {
    if (this.shapedVersion !== this.version) {
      // Snapshots are built only when someone reads: a slow reader costs nothing per chunk.
      this.shaped = this.shaper.shape(this.parser.value) as Partial | undefined;
      this.shapedVersion = this.version;
    }
    return this.shaped;
  }

  /** The raw JSON text the attempt under way has received so far. */
  get rawText(): string {
    let text = "";
    for (const event of this.log.entries) {
      if (event.type === "text" && event.attempt === this.attemptNumber) text += event.text;
    }
    return text;
  }

  /** Completed fields that failed their schema so far. */
  get fieldErrors(): readonly FieldValidationError[] {
    return this.invalid;
  }

  /** Aborted when the stream is (for good, not for a retry). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The path being written now, e.g. `["users", 2, "email"]`. */
  get activePath(): readonly PathSegment[] | undefined {
    return this.parser.activePath;
  }

  /**
   * Whether a node of a partial is complete: with no argument, the whole value; with an array or
   * object, that container; with a parent and key, the value at `parent[key]`.
   */
  isComplete(node?: object, key?: PathSegment): boolean {
    if (node === undefined) return this.parser.isComplete();
    return key === undefined ? this.parser.isComplete(node) : this.parser.isComplete(node, key);
  }

  /** Stops the stream and whatever drives it. `final` rejects with `reason`. */
  abort(reason?: unknown): void {
    if (this.state !== "streaming") return;
    this.controller.abort(reason);
    this.attemptController.abort(this.controller.signal.reason);
    this.fail(this.controller.signal.reason);
  }

  /** The items of the streamed array, each once complete and valid, in order, for every reader. */
  get elements(): AsyncIterable<Element> {
    return {
      [Symbol.asyncIterator]: () => {
        let next = 0;
        return {
          next: async (): Promise<IteratorResult<Element>> => {
            for (;;) {
              if (next < this.found.length) return { value: this.found[next++]!, done: false };
              if (this.state === "failed") throw this.failure;
              if (this.state === "done") return { value: undefined, done: true };
              await this.changed();
            }
          },
          return: async (): Promise<IteratorResult<Element>> => {
            next = Number.POSITIVE_INFINITY;
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  /**
   * Every event from the start, then live ones as they happen, for every reader, up to and including
   * `done` or `error`. Folding them again rebuilds the stream: this is what a transport sends.
   */
  events(): AsyncIterable<StreamEvent> {
    return this.log.follow((event) => event.type === "done" || event.type === "error");
  }

  [Symbol.asyncIterator](): AsyncIterator<Partial> {
    let seen: Partial | undefined;
    let over = false;
    return {
      next: async (): Promise<IteratorResult<Partial>> => {
        for (;;) {
          if (over) return { value: undefined, done: true };
          const partial = this.partial;
          if (partial !== undefined && partial !== seen) {
            seen = partial;
            return { value: partial, done: false };
          }
          if (this.state === "failed") {
            over = true;
            throw this.failure;
          }
          if (this.state === "done") {
            over = true;
            return { value: undefined, done: true };
          }
          await this.changed();
        }
      },
      return: async (): Promise<IteratorResult<Partial>> => {
        over = true;
        return { value: undefined, done: true };
      },
    };
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }

  private wake(): void {
    const waiting = this.waiters;
    if (waiting.length === 0) return;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  /** A new snapshot may be there: a value grew, appeared or completed (equal strings included). */
  private update(): void {
    this.version++;
    this.wake();
  }

  private fieldFailed(error: FieldValidationError): void {
    this.invalid.push(error);
    this.shaper.hide(error.path);
    this.options.onFieldError?.(error);
    if (this.options.onInvalidField === "abort") this.attemptController.abort(error);
  }

  private succeed(value: Output): void {
    if (this.state !== "streaming") return;
    this.state = "done";
    this.release();
    this.log.push({ type: "done", value });
    this.settle.resolve(value);
    this.wake();
  }

  private fail(error: unknown): void {
    if (this.state !== "streaming") return;
    this.state = "failed";
    this.release();
    this.log.push({ type: "error", error });
    this.failure = error;
    if (!this.controller.signal.aborted) this.controller.abort(error);
    this.attemptController.abort(this.controller.signal.reason);
    this.settle.reject(error);
    this.wake();
  }
}

/** Adds what one event reports to the totals so far; a total with no parts counts as their sum. */
function addUsage(total: Usage | undefined, add: Usage): Usage {
  const sum = (a: number | undefined, b: number | undefined) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const addTotal = add.totalTokens ?? (add.inputTokens ?? 0) + (add.outputTokens ?? 0);
  const out: { -readonly [K in keyof Usage]: Usage[K] } = {
    inputTokens: (total?.inputTokens ?? 0) + (add.inputTokens ?? 0),
    outputTokens: (total?.outputTokens ?? 0) + (add.outputTokens ?? 0),
    totalTokens: (total?.totalTokens ?? 0) + addTotal,
  };
  const cacheRead = sum(total?.cacheReadTokens, add.cacheReadTokens);
  const cacheWrite = sum(total?.cacheWriteTokens, add.cacheWriteTokens);
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheWriteTokens = cacheWrite;
  return out;
}
