// `instructor(client, { mode })`: the official SDK client, with `response_model`, `stream` and
// `max_retries` added to its create methods. Everything else on the client is left as it was.

import type { OutputOf } from "../schema/internal.js";
import { anthropicBinding, isAnthropicClient } from "./anthropic/binding.js";
import type { Binding, Body } from "./binding.js";
import { type LLMObjectStreamOf, type RetryDelay, structuredCall } from "./call-driver.js";
import { geminiBinding, isGeminiClient } from "./gemini/binding.js";
import { type HookEvents, type HookName, Hooks } from "./hooks.js";
import type { Mode } from "./modes.js";
import { isOpenAIChatClient, openaiChatBinding } from "./openai-chat/binding.js";
import { isOpenAIResponsesClient, openaiResponsesBinding } from "./openai-responses/binding.js";
import type { ResponseModel } from "./response-model.js";

export interface InstructorOptions {
  /**
   * How the model is made to answer in the schema. Default: `tools` for OpenAI chat and Anthropic,
   * `json_schema` for the Responses API and Gemini.
   */
  readonly mode?: Mode;
  /** Further attempts after a failed one (invalid answer, rate limit, server error). Default 2. */
  readonly maxRetries?: number;
  /** Pauses between attempts after a transport failure. */
  readonly retryDelay?: RetryDelay;
  /**
   * A completed field that fails its schema: `"abort"` (default) stops the answer at once and re-asks
   * while retries remain; `"continue"` reads the answer to its end first.
   */
  readonly onInvalidField?: "abort" | "continue";
  /**
   * How long a call may go without anything from the provider (any streamed event, keep-alives
   * included) before its request is cancelled with an `IdleTimeoutError`, which is retried like a
   * dropped connection. Counted from the request, so it also bounds the wait for the first event.
   * Default 60 s; 0 turns it off. Raise it for models that think silently for longer before they write.
   */
  readonly idleTimeoutMs?: number;
}

/** The idle timeout when neither the client nor the call sets one. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** A timer longer than this fires at once (Node clamps it to 1 ms), so it counts as none. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

function idleTimeout(ms: number): number {
  if (!(ms >= 0)) throw new RangeError(`fieldstream: idleTimeoutMs must be 0 or more, not ${ms}`);
  return ms > LONGEST_TIMER_MS ? 0 : ms;
}

/** What a structured call adds to the SDK's own parameters. */
export interface StructuredParams<S> {
  /** The schema (zod, `Partial(...)`, `Iterable(...)`), or `{ schema, name, description, jsonSchema }`. */
  readonly response_model: S | ResponseModel<S>;
  /** Overrides the client's `maxRetries` for this call. */
  readonly max_retries?: number;
  /** Overrides the client's `onInvalidField` for this call. */
  readonly on_invalid_field?: "abort" | "continue";
}

/** Request options, as the SDKs take them: `signal` cancels the call. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Overrides the client's `idleTimeoutMs` for this call (0: no limit). */
  readonly idleTimeoutMs?: number;
}

type FirstParam<F> = F extends (body: infer B, ...rest: never[]) => unknown ? B : never;
/** Anthropic's required token limit has a default here. */
type WithDefaults<T> = "max_tokens" extends keyof T
  ? Omit<T, "max_tokens"> & { max_tokens?: T["max_tokens"] }
  : T;
/** The SDK's parameters without the ones the structured call sets itself. */
type SdkParams<F> = WithDefaults<
  Omit<
    FirstParam<F>,
    "stream" | "stream_options" | "response_format" | "tools" | "tool_choice" | "text" | "response_model"
  >
>;

export interface StructuredCreate<F> {
  <S>(
    params: SdkParams<F> & StructuredParams<S> & { stream: true },
    options?: CallOptions,
  ): LLMObjectStreamOf<S>;
  <S>(
    params: SdkParams<F> & StructuredParams<S> & { stream?: false },
    options?: CallOptions,
  ): Promise<OutputOf<S>>;
}

export type StructuredStream<F> = <S>(
  params: SdkParams<F> & StructuredParams<S>,
  options?: CallOptions,
) => LLMObjectStreamOf<S>;

export type StructuredPromise<F> = <S>(
  params: SdkParams<F> & StructuredParams<S>,
  options?: CallOptions,
) => Promise<OutputOf<S>>;

type Method = (...args: never[]) => unknown;

/** The client with structured create methods and `on(...)` for hooks. */
export type Instructed<C> = C & {
  on<K extends HookName>(name: K, fn: (event: HookEvents[K]) => void): () => void;
} & (C extends { chat: { completions: { create: infer F extends Method } } }
    ? { chat: { completions: { create: StructuredCreate<F> & F } } }
    : unknown) &
  (C extends { responses: { create: infer F extends Method } }
    ? { responses: { create: StructuredCreate<F> & F } }
    : unknown) &
  (C extends { messages: { create: infer F extends Method } }
    ? { messages: { create: StructuredCreate<F> & F } }
    : unknown) &
  (C extends {
    models: { generateContentStream: infer F extends Method; generateContent: infer G extends Method };
  }
    ? {
        models: { generateContentStream: StructuredStream<F> & F; generateContent: StructuredPromise<G> & G };
      }
    : unknown);

/** Replaces `key` on `target` with `value`, leaving every other member (and `this` binding) as it was. */
function override<T extends object>(target: T, members: Record<string, unknown>): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === "string" && Object.hasOwn(members, key)) return members[key];
      const value = Reflect.get(object, key, receiver);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

/**
 * Patches an `openai`, `@anthropic-ai/sdk` or `@google/genai` client: a create call with a
 * `response_model` returns an ObjectStream (`stream: true`) or the validated object; one without
 * goes to the SDK untouched.
 */
export function instructor<C extends object>(client: C, options: InstructorOptions = {}): Instructed<C> {
  const hooks = new Hooks();
  const settingsFor = (binding: Binding, params: Body, call: CallOptions | undefined) => {
    const maxRetries = (params.max_retries as number | undefined) ?? options.maxRetries ?? 2;
    return {
      mode: options.mode ?? binding.defaultMode,
      maxRetries,
      retryDelay: options.retryDelay ?? {},
      onInvalidField:
        (params.on_invalid_field as "abort" | "continue" | undefined) ?? options.onInvalidField ?? "abort",
      signal: call?.signal,
      hooks,
      idleTimeoutMs: idleTimeout(call?.idleTimeoutMs ?? options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS),
    };
  };
  const structured = (binding: Binding, original: Method | undefined, alwaysStream: boolean | undefined) =>
    function create(params: Body, call?: CallOptions) {
      if (params?.response_model === undefined) {
        // The SDK gets its own request options only.
        const { idleTimeoutMs: _idle, ...sdkOptions } = call ?? {};
        return (original as (...args: unknown[]) => unknown)(params, call && sdkOptions);
      }
      const stream = structuredCall(binding, params, settingsFor(binding, params, call));
      const streaming = alwaysStream ?? params.stream === true;
      return streaming ? stream : stream.final;
    };

  const members: Record<string, unknown> = { on: hooks.on.bind(hooks) };
  const c = client as Record<string, unknown> & object;
  if (isOpenAIChatClient(client)) {
    const chat = c.chat as Record<string, unknown> & object;
    const completions = chat.completions as { create: Method } & object;
    const binding = openaiChatBinding(client);
    members.chat = override(chat, {
      completions: override(completions, {
        create: structured(binding, completions.create.bind(completions), undefined),
      }),
    });
  }
  if (isOpenAIResponsesClient(client)) {
    const responses = c.responses as { create: Method } & object;
    const binding = openaiResponsesBinding(client);
    members.responses = override(responses, {
      create: structured(binding, responses.create.bind(responses), undefined),
    });
  }
  if (isAnthropicClient(client)) {
    const messages = c.messages as { create: Method } & object;
    const binding = anthropicBinding(client);
    members.messages = override(messages, {
      create: structured(binding, messages.create.bind(messages), undefined),
    });
  }
  if (isGeminiClient(client)) {
    const models = c.models as { generateContentStream: Method; generateContent?: Method } & object;
    const binding = geminiBinding(client);
    members.models = override(models, {
      generateContentStream: structured(binding, models.generateContentStream.bind(models), true),
      generateContent: structured(binding, models.generateContent?.bind(models), false),
    });
  }
  if (Object.keys(members).length === 1) {
    throw new TypeError(
      "fieldstream: instructor() needs an openai, @anthropic-ai/sdk or @google/genai client (or one shaped like them)",
    );
  }
  return override(client, members) as Instructed<C>;
}
