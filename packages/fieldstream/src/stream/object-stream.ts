// ObjectStream: a schema, a source of JSON text, and out come partial objects (newest first, never a
// backlog), complete validated elements in order, and the final parsed value.
//
// One pump reads the source as fast as it arrives and feeds the parser; readers never slow it down.
// Each reader of the partials keeps only the version it saw last, so a slow one simply gets the newest
// snapshot next. Elements and errors are never skipped: elements are kept in order for every reader.

import { createPartialParser, type PartialParser, type PathSegment } from "../json/index.js";
import type { DeepPartial } from "../schema/deep-partial.js";
import { describeSchema } from "../schema/describe.js";
import { type FieldValidationError, ValidationError } from "../schema/errors.js";
import { FieldChecker } from "../schema/field-checker.js";
import type { JsonSchema } from "../schema/from-json-schema.js";
import type { IterableSchema } from "../schema/helpers.js";
import { Shaper } from "../schema/shape.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import { isPushSource, type PushSource, type SourceInput, TextReader } from "./source.js";

export type StreamStatus = "streaming" | "done" | "failed";

/**
 * What happened on a stream, in order: the raw JSON text as it arrived (never whole snapshots), a new
 * attempt (everything before it is void), and the end. Enough to rebuild the stream elsewhere.
 */
export type StreamEvent =
  /** Text of the current attempt; `offset` is where it starts in that attempt's text. */
  | { readonly type: "text"; readonly attempt: number; readonly offset: number; readonly text: string }
  /** A new attempt begins: its text starts again from offset 0. */
  | { readonly type: "attempt"; readonly attempt: number }
  | { readonly type: "done"; readonly value: unknown }
  | { readonly type: "error"; readonly error: unknown };

export interface StreamObjectOptions<S> {
  /** A zod 4 schema, any Standard Schema together with `jsonSchema`, an `Iterable(...)`, or a JSON Schema. */
  readonly schema: S;
  /** JSON text deltas, or a function that opens them given the stream's abort signal. */
  readonly source: SourceInput;
  /** The JSON Schema of `schema`, when `schema` is not a zod schema. */
  readonly jsonSchema?: JsonSchema;
  /** Aborts the stream (and the source, through the signal passed to a source function). */
  readonly signal?: AbortSignal;
  /**
   * What a completed field that fails its schema does: `"continue"` (default) keeps it out of the
   * partials, reports it and goes on; `"abort"` stops the stream and the source at once with it.
   */
  readonly onInvalidField?: "continue" | "abort";
  /** Called for each completed field that fails its schema. */
  readonly onFieldError?: (error: FieldValidationError) => void;
  /** Skip prose or a ```json fence around the value (for text and markdown modes). */
  readonly lenient?: boolean;
  readonly maxDepth?: number;
  readonly maxLength?: number;
  /**
   * Called when an attempt fails (invalid JSON, a field or the whole value invalid, a source error),
   * unless the stream was aborted. Return the source of a new attempt to try again, or nothing to
   * fail with `context.error`. Partials start afresh with each attempt; elements already delivered
   * are not repeated (the new attempt's elements continue after them).
   */
  readonly retry?: (context: RetryContext) => SourceInput | undefined | Promise<SourceInput | undefined>;
}

/** What a `retry` callback learns about the attempt that failed. */
export interface RetryContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly error: unknown;
  /** The raw JSON text the attempt received. */
  readonly text: string;
  /** The last partial of the attempt. */
  readonly partial: unknown;
}

type InputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : unknown;
type OutputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;
type ElementOf<S> =
  S extends IterableSchema<infer E, string>
    ? StandardSchemaV1.InferOutput<E>
    : OutputOf<S> extends readonly (infer E)[]
      ? E
      : never;

/** The stream `streamObject` returns. */
export type ObjectStreamOf<S> = ObjectStream<DeepPartial<InputOf<S>>, OutputOf<S>, ElementOf<S>>;

/**
 * Streams a structured value from JSON text deltas: `for await` the partials, `await stream.final`
 * for the validated value, `for await (const item of stream.elements)` for the items of an array.
 */
export function streamObject<S>(options: StreamObjectOptions<S>): ObjectStreamOf<S> {
  return new ObjectStream(options);
}

type Waiter = () => void;

export class ObjectStream<Partial, Output, Element = never> implements AsyncIterable<Partial> {
  /** The validated value. Rejects with the stream's error; never an unhandled rejection. */
  readonly final: Promise<Output>;
  private parser!: PartialParser;
  private shaper!: Shaper;
  private checker!: FieldChecker;
  private readonly described: ReturnType<typeof describeSchema>;
  private readonly controller = new AbortController();
  /** Aborts the attempt under way: on a field that fails with `onInvalidField: "abort"`, or with the stream. */
  private attemptController = new AbortController();
  private attemptNumber = 0;
  /** Elements delivered before this attempt: the attempt's own elements below this index are repeats. */
  private elementsBefore = 0;
  private textLength = 0;
  private readonly log: StreamEvent[] = [];
  private readonly found: Element[] = [];
  private readonly invalid: FieldValidationError[] = [];
  /** Readers waiting for something new; woken all at once, then forgotten. */
  private waiters: Waiter[] = [];
  private version = 0;
  private shapedVersion = -1;
  private shaped: Partial | undefined = undefined;
  private state: StreamStatus = "streaming";
  private failure: unknown = undefined;
  private settle!: { resolve(value: Output): void; reject(error: unknown): void };

  constructor(private readonly options: StreamObjectOptions<unknown>) {
    this.described = describeSchema(options.schema, options.jsonSchema);
    this.final = new Promise<Output>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.final.catch(() => {});
    this.startAttempt();
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) this.abort(signal.reason);
      else signal.addEventListener("abort", () => this.abort(signal.reason), { once: true });
    }
    void this.pump();
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

  /** The attempt under way, from 1. A new attempt starts when `retry` asks for one. */
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
    // The log already holds every piece; the attempt under way is what follows its last marker.
    let text = "";
    for (const event of this.log) {
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

  /** Stops the stream and cancels the source. `final` rejects with `reason`. */
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
   * Every event from the start, then live ones as they happen, for every reader: the raw text by
   * attempt, attempt changes and the end. This is what a transport sends to rebuild the stream.
   */
  events(): AsyncIterable<StreamEvent> {
    return {
      [Symbol.asyncIterator]: () => {
        let next = 0;
        let over = false;
        return {
          next: async (): Promise<IteratorResult<StreamEvent>> => {
            for (;;) {
              if (over) return { value: undefined, done: true };
              const event = this.log[next];
              if (event) {
                next++;
                if (event.type === "done" || event.type === "error") over = true;
                return { value: event, done: false };
              }
              await this.changed();
            }
          },
          return: async (): Promise<IteratorResult<StreamEvent>> => {
            over = true;
            return { value: undefined, done: true };
          },
        };
      },
    };
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

  private async pump(): Promise<void> {
    let source: SourceInput = this.options.source;
    for (;;) {
      const outcome = await this.run(source);
      if (this.state !== "streaming") return;
      if (outcome.ok) {
        this.state = "done";
        this.log.push({ type: "done", value: outcome.value });
        this.settle.resolve(outcome.value as Output);
        this.wake();
        return;
      }
      let next: SourceInput | undefined;
      try {
        next = await this.options.retry?.({
          attempt: this.attemptNumber,
          error: outcome.error,
          text: this.rawText,
          partial: this.partial,
        });
      } catch (error) {
        this.fail(error);
        return;
      }
      if (this.state !== "streaming") return;
      if (next === undefined) {
        this.fail(outcome.error);
        return;
      }
      source = next;
      this.startAttempt();
      this.wake();
    }
  }

  /** One attempt: read the source to its end, then validate the whole value. */
  private async run(
    input: SourceInput,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    const signal = this.attemptController.signal;
    const failed = () => ({ ok: false as const, error: signal.reason as unknown });
    try {
      const source = typeof input === "function" ? await input(signal) : input;
      if (isPushSource(source)) {
        await this.pushFrom(source, signal);
      } else {
        const reader = new TextReader(source, signal);
        try {
          for (let chunk = await reader.next(); chunk !== undefined; chunk = await reader.next()) {
            this.accept(chunk, signal);
            if (signal.aborted) return failed();
          }
        } finally {
          reader.cancel();
        }
      }
      if (signal.aborted) return failed();
      const value = this.parser.end();
      this.update();
      await this.checker.settled();
      if (signal.aborted) return failed();
      const result = (await this.described.check(value)) as
        | { value: unknown; issues?: undefined }
        | { issues: ValidationError["issues"] };
      if (result.issues) return { ok: false, error: new ValidationError(result.issues, this.rawText, value) };
      return { ok: true, value: result.value };
    } catch (error) {
      this.update();
      return { ok: false, error: signal.aborted ? signal.reason : error };
    }
  }

  /** One piece of the attempt's text: logged, parsed, and announced to readers. */
  private accept(chunk: string, signal: AbortSignal): void {
    // A push source may still be writing after an abort (the rest of an event it was handling).
    if (signal.aborted) return;
    this.log.push({ type: "text", attempt: this.attemptNumber, offset: this.textLength, text: chunk });
    this.textLength += chunk.length;
    if (this.parser.push(chunk)) this.update();
    else this.wake();
  }

  /** Runs a push source; an abort ends the wait at once even if the producer has not noticed yet. */
  private async pushFrom(source: PushSource, signal: AbortSignal): Promise<void> {
    let stop: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      stop = () => signal.removeEventListener("abort", onAbort);
    });
    aborted.catch(() => {});
    try {
      await Promise.race([
        source.pushInto((text) => {
          if (!text || signal.aborted) return;
          try {
            this.accept(text, signal);
          } catch (error) {
            // Bad JSON is the attempt's failure, not the producer's: stop it, and let the abort say why.
            this.attemptController.abort(error);
          }
        }, signal),
        aborted,
      ]);
    } finally {
      stop?.();
    }
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

  private fail(error: unknown): void {
    if (this.state !== "streaming") return;
    this.state = "failed";
    this.log.push({ type: "error", error });
    this.failure = error;
    if (!this.controller.signal.aborted) this.controller.abort(error);
    this.attemptController.abort(this.controller.signal.reason);
    this.settle.reject(error);
    this.wake();
  }
}
