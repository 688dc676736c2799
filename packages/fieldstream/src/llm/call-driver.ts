// One structured call: builds the request and drives an ObjectStream with it. Each attempt's provider
// events become the stream's events; after a failed attempt it re-asks, retries after a pause, or stops.

import {
  IdleTimeoutError,
  IncompleteOutputError,
  JsonStreamError,
  NoObjectError,
  type NoObjectReason,
  ProviderError,
  RefusalError,
} from "../errors/index.js";
import type { DeepPartial, ElementOf, InputOf, OutputOf } from "../schema/internal.js";
import type { AttemptOutcome, Driver, StreamWriter, Usage } from "../stream/index.js";
import { ObjectStream } from "../stream/index.js";
import { type BackoffOptions, backoffDelay, follow, sleep } from "../util/index.js";
import type { Binding, Body } from "./binding.js";
import { CallList } from "./call-list.js";
import type { Hooks } from "./hooks.js";
import { MODE_STRATEGIES, type Mode, type Channel as ModeChannel } from "./modes.js";
import { isAnswerFailure } from "./prompts.js";
import { toProviderError } from "./provider-error.js";
import type { ProviderEvent } from "./provider-events.js";
import { type ResolvedModel, resolveResponseModel } from "./response-model.js";

/** Pauses between attempts after a transport failure: `baseMs` doubling up to `maxMs`, jittered. */
export type RetryDelay = BackoffOptions;

export interface CallSettings {
  readonly mode: Mode;
  readonly maxRetries: number;
  readonly retryDelay: RetryDelay;
  readonly onInvalidField: "continue" | "abort";
  readonly signal: AbortSignal | undefined;
  readonly hooks: Hooks;
  /** How long an attempt may go without a chunk from the provider before it is cancelled; 0: no limit. */
  readonly idleTimeoutMs: number;
}

/** The stream of a model call: an ObjectStream, with usage and finish reason folded from its events. */
export type LLMObjectStream<Partial, Output, Element = never> = ObjectStream<Partial, Output, Element>;

export type LLMObjectStreamOf<S> = LLMObjectStream<DeepPartial<InputOf<S>>, OutputOf<S>, ElementOf<S>>;

/** Where one attempt's JSON comes from, and the list key that parallel tool calls are joined under. */
interface Channel {
  readonly kind: ModeChannel;
  readonly listKey: string;
}

/** How an attempt's provider stream went, filled in as it goes, for judging why its answer failed. */
interface AttemptReport {
  /** The stream ended by itself (not given up, not broken) without a finish reason. */
  unfinished: boolean;
  /** The model began the forced tool call (tools mode). */
  calledTool: boolean;
}

/**
 * Writes one attempt's provider events into the stream: the JSON text of the chosen channel, usage,
 * finish and reasoning. Throws a typed error when the answer was cut short, refused or broken.
 */
async function pumpAttempt(
  writer: StreamWriter,
  open: (signal: AbortSignal, alive: () => void) => Promise<AsyncIterable<ProviderEvent>>,
  channel: Channel,
  report: AttemptReport,
  idle: { readonly ms: number; readonly what: string },
): Promise<void> {
  const signal = writer.attemptSignal;
  let finish: Extract<ProviderEvent, { type: "finish" }> | undefined;
  let refusal: string | undefined;
  let fallbackText = "";
  let sawTool = false;
  let textIndex: number | undefined;
  const calls = new CallList(channel.listKey);
  const text = (delta: string) => writer.write({ type: "text", text: delta });
  // The request's own signal: the attempt's, plus the idle timer. The SDKs' own `timeout` stops
  // counting once the response has begun, so a stream that goes silent would hang forever.
  const request = new AbortController();
  const release = follow(request, signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSign = performance.now();
  // Every chunk the SDK reads is a sign of life, events the adapters skip included (a preamble, a
  // keep-alive); the timer only checks the time since the last one, so a chunk costs no timer.
  const alive = () => {
    lastSign = performance.now();
  };
  const check = () => {
    const quiet = performance.now() - lastSign;
    if (quiet >= idle.ms) request.abort(new IdleTimeoutError(idle.ms, idle.what));
    else timer = setTimeout(check, idle.ms - quiet);
  };
  if (idle.ms > 0) timer = setTimeout(check, idle.ms);
  try {
    for await (const event of await open(request.signal, alive)) {
      switch (event.type) {
        case "text":
          // The first text output carries the answer; its index differs by API (choice, output item).
          textIndex ??= event.index;
          if (event.index !== textIndex) break;
          if (channel.kind === "text") text(event.delta);
          else fallbackText += event.delta;
          break;
        case "tool-call":
          if (event.index === 0) report.calledTool = true;
          writer.write({
            type: "tool-call",
            index: event.index,
            ...(event.id !== undefined ? { id: event.id } : {}),
            ...(event.name !== undefined ? { name: event.name } : {}),
          });
          break;
        case "tool-arguments":
          if (channel.kind === "tool" && event.index === 0) {
            sawTool = true;
            text(event.delta);
          } else if (channel.kind === "tools") {
            for (const piece of calls.delta(event.index, event.delta)) text(piece);
          }
          break;
        case "reasoning":
          writer.write({ type: "reasoning", text: event.delta });
          break;
        case "usage":
          writer.write({ type: "usage", usage: event.usage });
          break;
        case "finish":
          finish = event;
          writer.write({
            type: "finish",
            reason: event.reason,
            ...(event.raw !== undefined ? { raw: event.raw } : {}),
          });
          break;
        case "refusal":
          refusal = (refusal ?? "") + event.text;
          break;
        case "error":
          // Retryable or not by the status the error stands for, like the same error as a response.
          throw new ProviderError(event.message, {
            ...(event.status !== undefined ? { status: event.status } : {}),
            ...(event.errorType !== undefined ? { type: event.errorType } : {}),
            body: event.body,
            ...(event.cause !== undefined ? { cause: event.cause } : {}),
          });
      }
      // Bad JSON or an invalid field gave the attempt up: the request is being cancelled.
      if (signal.aborted) return;
    }
    // Some SDKs end a cancelled stream quietly instead of throwing: the silence must not pass for its end.
    if (request.signal.aborted) throw request.signal.reason;
  } catch (error) {
    throw toProviderError(error, request.signal);
  } finally {
    clearTimeout(timer);
    release();
  }
  report.unfinished = finish === undefined;
  // A call cut off in a stream that stopped without a finish reason stays unterminated: closing the
  // list around it would turn a dropped connection into the model's invalid JSON.
  if (channel.kind === "tools" && !(finish === undefined && calls.isOpen)) text(calls.end());
  if (refusal !== undefined || finish?.reason === "refusal") throw new RefusalError(refusal ?? "");
  if (finish?.reason === "length") throw new IncompleteOutputError(finish.raw ?? "length", writer.partial);
  if (finish?.reason === "content-filter") {
    throw new RefusalError(
      `the provider's content filter stopped the answer (${finish.raw ?? "content filter"})`,
    );
  }
  if (channel.kind === "tool" && !sawTool && fallbackText.trim() !== "") {
    // The model wrote text instead of calling the tool: hand the text over, it may well be the JSON.
    text(fallbackText);
  }
}

/**
 * Why the attempt failed, judged with how its stream went. Every provider ends a whole answer with a
 * finish reason: JSON that runs out in a stream that stopped without one was cut in transit (a proxy
 * or load balancer closing cleanly), not botched by the model, so it is retried, not re-asked.
 */
function attemptError(
  outcome: Extract<AttemptOutcome, { ok: false }>,
  report: AttemptReport,
  channel: Channel,
): unknown {
  const error = outcome.error;
  if (
    report.unfinished &&
    error instanceof JsonStreamError &&
    (error.code === "unexpected-end" || error.code === "no-value")
  ) {
    return new ProviderError(
      "The connection ended before the answer did: the stream stopped without a finish reason, mid-JSON",
      { retryable: true, cause: error },
    );
  }
  // Not a JSON error at all: the model wrote prose, or nothing. Saying so beats `Unexpected "T"`.
  if (error instanceof JsonStreamError && !outcome.started) {
    return new NoObjectError(noObjectReason(outcome.text, report, channel), outcome.text, { cause: error });
  }
  return error;
}

function noObjectReason(text: string, report: AttemptReport, channel: Channel): NoObjectReason {
  if (text.trim() !== "") return "prose";
  return channel.kind === "tool" && !report.calledTool ? "no-tool-call" : "empty";
}

/** The driver of a structured call: attempts until one gives a valid value or none may follow. */
function callDriver(
  binding: Binding,
  first: Body,
  model: ResolvedModel,
  settings: CallSettings,
  usage: () => Usage | undefined,
  finishReason: () => string | undefined,
): Driver {
  const mode = settings.mode;
  const hooks = settings.hooks;
  const strategy = MODE_STRATEGIES[mode];
  const channel: Channel = { kind: strategy.channel, listKey: model.iterable?.key ?? "items" };
  const idle = { ms: settings.idleTimeoutMs, what: `The provider (${binding.provider})` };
  return async (writer) => {
    let body = first;
    for (;;) {
      const attempt = writer.attempt;
      hooks.emit("request", { provider: binding.provider, body, attempt });
      let outcome: AttemptOutcome;
      const report: AttemptReport = { unfinished: false, calledTool: false };
      try {
        await pumpAttempt(
          writer,
          (signal, alive) => binding.open(body, signal, alive),
          channel,
          report,
          idle,
        );
        hooks.emit("response", {
          provider: binding.provider,
          attempt,
          usage: usage() ?? {},
          finishReason: finishReason(),
        });
        outcome = await writer.settle();
      } catch (error) {
        outcome = await writer.settle({ error });
      }
      if (writer.signal.aborted) return;
      if (outcome.ok) {
        writer.done(outcome.value);
        return;
      }
      const error = attemptError(outcome, report, channel);
      if (attempt > settings.maxRetries) {
        writer.fail(error);
        return;
      }
      if (isAnswerFailure(error)) {
        body = binding.reask(body, outcome.text, strategy.reask(error), mode);
      } else if ((error instanceof ProviderError || error instanceof IdleTimeoutError) && error.retryable) {
        try {
          const retryAfterMs = error instanceof ProviderError ? error.retryAfterMs : undefined;
          await sleep(backoffDelay(attempt, settings.retryDelay, retryAfterMs), writer.signal);
        } catch {
          return;
        }
      } else {
        writer.fail(error);
        return;
      }
      hooks.emit("retry", { provider: binding.provider, attempt: attempt + 1, error });
      writer.write({ type: "attempt" });
    }
  };
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
  const stream: ObjectStream<unknown, unknown, unknown> = new ObjectStream(
    {
      schema: model.schema,
      ...(model.streamJsonSchema !== undefined ? { jsonSchema: model.streamJsonSchema } : {}),
      lenient: MODE_STRATEGIES[mode].lenient,
      // Re-asking early only helps if there is a retry left; otherwise read on and report everything.
      onInvalidField: settings.maxRetries > 0 ? settings.onInvalidField : "continue",
      ...(settings.signal ? { signal: settings.signal } : {}),
    },
    callDriver(
      binding,
      // Built here, not when the driver starts: a request the mode cannot make throws at the call.
      binding.request(params, model, mode),
      model,
      settings,
      () => stream.usage,
      () => stream.finishReason,
    ),
  );
  const hooks = settings.hooks;
  stream.start();
  if (hooks.has("partial")) void forwardPartials(stream, hooks);
  stream.final.catch((error: unknown) => hooks.emit("error", { provider: binding.provider, error }));
  return stream as LLMObjectStreamOf<S>;
}

async function forwardPartials(stream: AsyncIterable<unknown>, hooks: Hooks): Promise<void> {
  try {
    for await (const partial of stream) hooks.emit("partial", partial);
  } catch {
    // The error reaches the "error" hook through `final`.
  }
}
