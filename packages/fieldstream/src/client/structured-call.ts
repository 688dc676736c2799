// One structured call: builds the request, streams the provider's events into an ObjectStream, and
// decides after each failed attempt whether to re-ask, to retry after a pause, or to give up.

import { IncompleteOutputError, ProviderError, RefusalError } from "../providers/errors.js";
import type { ProviderEvent, Usage } from "../providers/events.js";
import type { DeepPartial } from "../schema/deep-partial.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import { ObjectStream, type RetryContext, type StreamObjectOptions } from "../stream/object-stream.js";
import { sleep } from "../stream/sleep.js";
import type { SourceInput } from "../stream/source.js";
import { type Binding, type Body, channelOf, isLenient, type Mode } from "./binding.js";
import type { Hooks } from "./hooks.js";
import { isAnswerFailure, reaskMessage } from "./prompts.js";
import { toProviderError } from "./provider-error.js";
import { resolveResponseModel } from "./response-model.js";

export interface RetryDelay {
  /** The first pause after a transport failure; it doubles each time. Default 500 ms. */
  readonly baseMs?: number;
  /** The longest pause. Default 8 s. */
  readonly maxMs?: number;
}

export interface CallSettings {
  readonly mode: Mode;
  readonly maxRetries: number;
  readonly retryDelay: RetryDelay;
  readonly onInvalidField: "continue" | "abort";
  readonly signal: AbortSignal | undefined;
  readonly hooks: Hooks;
}

/** What the provider said besides the JSON, summed over every attempt. */
export interface CallReport {
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
  /** The last attempt's finish reason as the provider spelt it. */
  finishReason: string | undefined;
}

type InputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : unknown;
type OutputOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;
type ElementOf<S> = S extends { element: infer E extends StandardSchemaV1; key: string }
  ? StandardSchemaV1.InferOutput<E>
  : OutputOf<S> extends readonly (infer E)[]
    ? E
    : never;

/** An ObjectStream from a model call: also reports token usage across attempts and the finish reason. */
export class LLMObjectStream<Partial, Output, Element = never> extends ObjectStream<
  Partial,
  Output,
  Element
> {
  readonly #report: CallReport;

  constructor(options: StreamObjectOptions<unknown>, report: CallReport) {
    super(options);
    this.#report = report;
  }

  /** Tokens used by every attempt so far. */
  get usage(): Required<Usage> {
    return { ...this.#report.usage };
  }

  /** The provider's finish reason for the last attempt (`stop`, `length`, `tool_calls`, ...). */
  get finishReason(): string | undefined {
    return this.#report.finishReason;
  }
}

export type LLMObjectStreamOf<S> = LLMObjectStream<DeepPartial<InputOf<S>>, OutputOf<S>, ElementOf<S>>;

function backoff(attempt: number, delay: RetryDelay, error: ProviderError): number {
  const base = delay.baseMs ?? 500;
  const max = delay.maxMs ?? 8000;
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, Math.max(max, base));
  const exponential = Math.min(max, base * 2 ** (attempt - 1));
  return exponential / 2 + Math.random() * (exponential / 2);
}

/**
 * Reads provider events and writes the JSON text of the chosen channel. Ends with a typed error when
 * the answer was cut short, refused or broken by the provider.
 */
async function pushJson(
  write: (text: string) => void,
  open: () => Promise<AsyncIterable<ProviderEvent>>,
  channel: "tool" | "tools" | "text",
  listKey: string,
  report: CallReport,
  partial: () => unknown,
  signal: AbortSignal,
  done: () => void,
): Promise<void> {
  let finish: Extract<ProviderEvent, { type: "finish" }> | undefined;
  let refusal: string | undefined;
  let fallbackText = "";
  let sawTool = false;
  let textIndex: number | undefined;
  const calls = new CallList(listKey);
  try {
    for await (const event of await open()) {
      switch (event.type) {
        case "text":
          // The first text output carries the answer; its index differs by API (choice, output item).
          textIndex ??= event.index;
          if (event.index !== textIndex) break;
          if (channel === "text") write(event.delta);
          else fallbackText += event.delta;
          break;
        case "tool-arguments":
          if (channel === "tool" && event.index === 0) {
            sawTool = true;
            write(event.delta);
          } else if (channel === "tools") {
            for (const piece of calls.delta(event.index, event.delta)) write(piece);
          }
          break;
        case "usage":
          report.usage.inputTokens += event.usage.inputTokens ?? 0;
          report.usage.outputTokens += event.usage.outputTokens ?? 0;
          report.usage.totalTokens +=
            event.usage.totalTokens ?? (event.usage.inputTokens ?? 0) + (event.usage.outputTokens ?? 0);
          break;
        case "finish":
          finish = event;
          report.finishReason = event.raw ?? event.reason;
          break;
        case "refusal":
          refusal = (refusal ?? "") + event.text;
          break;
        case "error":
          throw new ProviderError(event.message, {
            ...(event.status !== undefined ? { status: event.status } : {}),
            body: event.body,
            retryable: true,
          });
        default:
          break;
      }
    }
  } catch (error) {
    throw toProviderError(error, signal);
  }
  if (channel === "tools") write(calls.end());
  if (refusal !== undefined || finish?.reason === "refusal") throw new RefusalError(refusal ?? "");
  if (finish?.reason === "length") throw new IncompleteOutputError(finish.raw ?? "length", partial());
  if (finish?.reason === "content-filter") {
    throw new RefusalError(
      `the provider's content filter stopped the answer (${finish.raw ?? "content filter"})`,
    );
  }
  if (channel === "tool" && !sawTool && fallbackText.trim() !== "") {
    // The model wrote text instead of calling the tool: hand the text over, it may well be the JSON.
    write(fallbackText);
  }
  done();
}

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

/** Starts a structured call and returns its stream at once. */
export function structuredCall<S>(
  binding: Binding,
  params: Body,
  settings: CallSettings,
): LLMObjectStreamOf<S> {
  const model = resolveResponseModel(params.response_model);
  const mode = settings.mode;
  if (!binding.modes.includes(mode)) {
    throw new TypeError(
      `fieldstream: mode "${mode}" is not available for ${binding.provider}; use one of ${binding.modes.join(", ")}`,
    );
  }
  const report: CallReport = {
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    finishReason: undefined,
  };
  const hooks = settings.hooks;
  let body = binding.request(params, model, mode);
  let stream: LLMObjectStreamOf<S> | undefined;
  let attempt = 0;

  const open =
    (request: Body): SourceInput =>
    (signal: AbortSignal) => {
      attempt++;
      hooks.emit("request", { provider: binding.provider, body: request, attempt });
      const done = () =>
        hooks.emit("response", {
          provider: binding.provider,
          attempt,
          usage: { ...report.usage },
          finishReason: report.finishReason,
        });
      return {
        pushInto: (write: (text: string) => void) =>
          pushJson(
            write,
            () => binding.open(request, signal),
            channelOf(mode),
            model.iterable?.key ?? "items",
            report,
            () => stream?.partial,
            signal,
            done,
          ),
      };
    };

  const retry = async (context: RetryContext): Promise<SourceInput | undefined> => {
    const error = context.error;
    if (context.attempt > settings.maxRetries) return undefined;
    if (isAnswerFailure(error)) {
      body = binding.reask(body, context.text, reaskMessage(error), mode);
    } else if (error instanceof ProviderError && error.retryable) {
      await sleep(
        backoff(context.attempt, settings.retryDelay, error),
        stream?.signal ?? new AbortController().signal,
      );
    } else {
      return undefined;
    }
    hooks.emit("retry", { provider: binding.provider, attempt: context.attempt + 1, error });
    return open(body);
  };

  stream = new LLMObjectStream(
    {
      schema: model.schema,
      ...(model.streamJsonSchema !== undefined ? { jsonSchema: model.streamJsonSchema } : {}),
      source: open(body),
      lenient: isLenient(mode),
      // Re-asking early only helps if there is a retry left; otherwise read on and report everything.
      onInvalidField: settings.maxRetries > 0 ? settings.onInvalidField : "continue",
      ...(settings.signal ? { signal: settings.signal } : {}),
      retry,
    },
    report,
  ) as LLMObjectStreamOf<S>;
  if (hooks.has("partial")) void forwardPartials(stream, hooks);
  stream.final.catch((error: unknown) => hooks.emit("error", { provider: binding.provider, error }));
  return stream;
}

async function forwardPartials(stream: AsyncIterable<unknown>, hooks: Hooks): Promise<void> {
  try {
    for await (const partial of stream) hooks.emit("partial", partial);
  } catch {
    // The error reaches the "error" hook through `final`.
  }
}
