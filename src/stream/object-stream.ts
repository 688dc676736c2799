// ObjectStream: a schema, a source of JSON text, and out come partial objects (newest first, never a
// backlog), complete validated elements in order, and the final parsed value.
//
// One pump reads the source as fast as it arrives and feeds the parser; readers never slow it down.
// Each reader of the partials keeps only the version it saw last, so a slow one simply gets the newest
// snapshot next. Elements and errors are never skipped: elements are kept in order for every reader.

import { createPartialParser, type JsonValue, type PartialParser, type PathSegment } from "../json/index.js";
import type { DeepPartial } from "../schema/deep-partial.js";
import { describeSchema } from "../schema/describe.js";
import { type FieldValidationError, ValidationError } from "../schema/errors.js";
import { FieldChecker } from "../schema/field-checker.js";
import type { JsonSchema } from "../schema/from-json-schema.js";
import type { IterableSchema } from "../schema/helpers.js";
import { Shaper } from "../schema/shape.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import { readText, type SourceInput } from "./source.js";

export type StreamStatus = "streaming" | "done" | "failed";

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
  private readonly parser: PartialParser;
  private readonly shaper: Shaper;
  private readonly checker: FieldChecker;
  private readonly controller = new AbortController();
  private readonly text: string[] = [];
  private readonly found: Element[] = [];
  private readonly invalid: FieldValidationError[] = [];
  private readonly waiters = new Set<Waiter>();
  private version = 0;
  private raw: JsonValue | undefined = undefined;
  private shapedVersion = -1;
  private shaped: Partial | undefined = undefined;
  private state: StreamStatus = "streaming";
  private failure: unknown = undefined;
  private settle!: { resolve(value: Output): void; reject(error: unknown): void };

  constructor(private readonly options: StreamObjectOptions<unknown>) {
    const described = describeSchema(options.schema, options.jsonSchema);
    this.final = new Promise<Output>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.final.catch(() => {});
    this.checker = new FieldChecker(
      described.root,
      {
        invalid: (error) => this.fieldFailed(error),
        element: (output) => {
          this.found.push(output as Element);
          this.wake();
        },
      },
      described.elementsAt,
    );
    this.parser = createPartialParser({
      lenient: options.lenient ?? false,
      ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
      ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
      onComplete: (value, path) => this.checker.complete(value, path),
    });
    this.shaper = new Shaper(described.root, () => this.parser.isComplete());
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) this.abort(signal.reason);
      else signal.addEventListener("abort", () => this.abort(signal.reason), { once: true });
    }
    void this.pump(described.check);
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
      this.shaped = this.shaper.shape(this.raw) as Partial | undefined;
      this.shapedVersion = this.version;
    }
    return this.shaped;
  }

  /** The raw JSON text received so far. */
  get rawText(): string {
    return this.text.join("");
  }

  /** Completed fields that failed their schema so far. */
  get fieldErrors(): readonly FieldValidationError[] {
    return this.invalid;
  }

  /** Aborted when the stream is: hand it to whatever produces the source. */
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
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private wake(): void {
    if (this.waiters.size === 0) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiting) resolve();
  }

  private async pump(check: (value: unknown) => unknown): Promise<void> {
    const signal = this.controller.signal;
    try {
      const input = this.options.source;
      const source = typeof input === "function" ? await input(signal) : input;
      for await (const chunk of readText(source, signal)) {
        if (this.state !== "streaming") return;
        this.text.push(chunk);
        if (this.parser.push(chunk)) this.update();
      }
      if (this.state !== "streaming") return;
      const value = this.parser.end();
      this.update();
      await this.checker.settled();
      if (this.state !== "streaming") return;
      const result = (await check(value)) as
        | { value: unknown; issues?: undefined }
        | { issues: ValidationError["issues"] };
      if (this.state !== "streaming") return;
      if (result.issues) throw new ValidationError(result.issues, this.rawText, value);
      this.state = "done";
      this.settle.resolve(result.value as Output);
      this.wake();
    } catch (error) {
      this.update();
      this.fail(error);
    }
  }

  /** A new snapshot may be there: a value grew, appeared or completed (equal strings included). */
  private update(): void {
    this.raw = this.parser.value;
    this.version++;
    this.wake();
  }

  private fieldFailed(error: FieldValidationError): void {
    this.invalid.push(error);
    this.shaper.hide(error.path);
    this.options.onFieldError?.(error);
    if (this.options.onInvalidField === "abort") this.abort(error);
  }

  private fail(error: unknown): void {
    if (this.state !== "streaming") return;
    this.state = "failed";
    this.failure = error;
    if (!this.controller.signal.aborted) this.controller.abort(error);
    this.settle.reject(error);
    this.wake();
  }
}
