// Reads an OpenAI Chat Completions stream (and the many servers that copy its wire format) into
// provider-neutral events: content and tool-call argument deltas, reasoning, refusal, usage, finish.

import { openaiErrorStatus, openaiErrorType } from "../error-status.js";
import type { FinishReason, ProviderEvent, Usage } from "../provider-events.js";

/** The fields of a `chat.completion.chunk` this adapter reads; SDK chunks and raw JSON both fit. */
export interface OpenAIChatChunkLike {
  readonly choices?: readonly OpenAIChatChoiceLike[] | null;
  readonly usage?: OpenAIChatUsageLike | null;
  /** Groq's own fields; its usage is here, on the last chunk, when it is not in `usage`. */
  readonly x_groq?: { readonly usage?: OpenAIChatUsageLike | null } | null;
  /** Some servers report a failure inside the stream instead of with an HTTP status. */
  readonly error?: {
    readonly message?: string;
    readonly code?: unknown;
    readonly type?: unknown;
    readonly status?: unknown;
  } | null;
}

export interface OpenAIChatUsageLike {
  readonly prompt_tokens?: number | null;
  readonly completion_tokens?: number | null;
  readonly total_tokens?: number | null;
  /** `cached_tokens` are prompt tokens read from the prompt cache, counted in `prompt_tokens`. */
  readonly prompt_tokens_details?: { readonly cached_tokens?: number | null } | null;
}

export interface OpenAIChatChoiceLike {
  readonly index?: number;
  readonly delta?: {
    readonly content?: string | null;
    readonly refusal?: string | null;
    /** DeepSeek, xAI, vLLM and others. */
    readonly reasoning_content?: string | null;
    /** OpenRouter, Cerebras, Groq and others. */
    readonly reasoning?: string | null;
    readonly tool_calls?: readonly OpenAIChatToolCallDeltaLike[] | null;
  } | null;
  readonly finish_reason?: string | null;
}

export interface OpenAIChatToolCallDeltaLike {
  /** Missing on some servers (Mistral) that send each call whole. */
  readonly index?: number;
  readonly id?: string | null;
  readonly function?: { readonly name?: string | null; readonly arguments?: string | null } | null;
}

export interface OpenAIChatEventsOptions {
  /** The choice to follow when the request asked for several (`n`). Default 0. */
  readonly choice?: number;
}

interface Call {
  readonly index: number;
  readonly end: JsonValueEnd;
}

/**
 * One choice of a Chat Completions stream as `ProviderEvent`s.
 *
 * - `text` carries the choice index; other choices are ignored.
 * - `tool-call` indexes count the calls in order of first appearance, which is the wire `index` for
 *   every server that sends one. A call's `tool-call` comes once, with the id and name of its first delta.
 * - Once a call's arguments form one complete JSON value, anything more for it is dropped: some
 *   servers send the whole arguments again after streaming them.
 * - `refusal`, `usage` and `finish` come once each, at the end of the stream, in that order; the
 *   refusal carries the whole text of its deltas.
 */
export async function* openaiChatEvents(
  chunks: AsyncIterable<OpenAIChatChunkLike>,
  options: OpenAIChatEventsOptions = {},
): AsyncGenerator<ProviderEvent, void, undefined> {
  const choiceIndex = options.choice ?? 0;
  const calls = new Map<string, Call>();
  let lastCallKey: string | undefined;
  let refusal = "";
  let usage: Usage | undefined;
  let finish: { reason: FinishReason; raw: string } | undefined;

  for await (const chunk of chunks) {
    if (chunk.error) yield errorEvent(chunk.error);
    // Counts are totals so far, not increments: the last report is the stream's usage.
    const reported = chunk.usage ?? chunk.x_groq?.usage;
    if (reported) usage = usageOf(reported);

    for (const choice of chunk.choices ?? []) {
      if ((choice.index ?? 0) !== choiceIndex) continue;
      const delta = choice.delta;
      if (delta) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (typeof reasoning === "string" && reasoning !== "") yield { type: "reasoning", delta: reasoning };
        if (typeof delta.content === "string" && delta.content !== "") {
          yield { type: "text", index: choiceIndex, delta: delta.content };
        }
        if (typeof delta.refusal === "string") refusal += delta.refusal;

        const toolCalls = delta.tool_calls ?? [];
        for (let position = 0; position < toolCalls.length; position++) {
          const toolCall = toolCalls[position]!;
          const key = callKey(toolCall, position, lastCallKey);
          lastCallKey = key;
          let call = calls.get(key);
          if (call === undefined) {
            call = { index: calls.size, end: new JsonValueEnd() };
            calls.set(key, call);
            yield {
              type: "tool-call",
              index: call.index,
              ...(toolCall.id ? { id: toolCall.id } : {}),
              ...(toolCall.function?.name ? { name: toolCall.function.name } : {}),
            };
          }
          const args = toolCall.function?.arguments;
          const kept = typeof args === "string" ? call.end.keep(args) : "";
          if (kept !== "") yield { type: "tool-arguments", index: call.index, delta: kept };
        }
      }
      if (typeof choice.finish_reason === "string" && choice.finish_reason !== "") {
        finish = { reason: finishReasonOf(choice.finish_reason), raw: choice.finish_reason };
      }
    }
  }

  if (refusal !== "") yield { type: "refusal", text: refusal };
  if (usage !== undefined) yield { type: "usage", usage };
  if (finish !== undefined) yield { type: "finish", ...finish };
}

/** Which call a tool-call delta belongs to: by wire index, else by id, else the call being written. */
function callKey(
  toolCall: OpenAIChatToolCallDeltaLike,
  position: number,
  lastCallKey: string | undefined,
): string {
  if (typeof toolCall.index === "number") return `index ${toolCall.index}`;
  if (toolCall.id) return `id ${toolCall.id}`;
  return lastCallKey ?? `position ${position}`;
}

function finishReasonOf(raw: string): FinishReason {
  switch (raw) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool";
    case "content_filter":
      return "content-filter";
    default:
      return "other";
  }
}

function usageOf(usage: OpenAIChatUsageLike): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    ...(typeof usage.prompt_tokens === "number" ? { inputTokens: usage.prompt_tokens } : {}),
    ...(typeof usage.completion_tokens === "number" ? { outputTokens: usage.completion_tokens } : {}),
    ...(typeof usage.total_tokens === "number" ? { totalTokens: usage.total_tokens } : {}),
    ...(typeof cached === "number" ? { cacheReadTokens: cached } : {}),
  };
}

function errorEvent(error: NonNullable<OpenAIChatChunkLike["error"]>): ProviderEvent {
  const status = openaiErrorStatus(error);
  const errorType = openaiErrorType(error);
  return {
    type: "error",
    message:
      typeof error.message === "string" && error.message !== ""
        ? error.message
        : "The provider reported an error",
    ...(status !== undefined ? { status } : {}),
    ...(errorType !== undefined ? { errorType } : {}),
    body: error,
  };
}

/**
 * Finds where the first JSON value of a text ends, delta by delta, with no parsing beyond brackets,
 * strings and escapes. Tool arguments are always an object, so a top-level scalar is never cut.
 */
class JsonValueEnd {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #complete = false;

  /** The part of `delta` up to and including the end of the first value; "" once it has ended. */
  keep(delta: string): string {
    if (this.#complete) return "";
    for (let i = 0; i < delta.length; i++) {
      const c = delta[i];
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === "\\") this.#escaped = true;
        else if (c === '"') {
          this.#inString = false;
          if (this.#depth === 0) return this.#end(delta, i);
        }
      } else if (c === '"') {
        this.#inString = true;
      } else if (c === "{" || c === "[") {
        this.#depth++;
      } else if ((c === "}" || c === "]") && this.#depth > 0) {
        this.#depth--;
        if (this.#depth === 0) return this.#end(delta, i);
      }
    }
    return delta;
  }

  #end(delta: string, at: number): string {
    this.#complete = true;
    return delta.slice(0, at + 1);
  }
}
