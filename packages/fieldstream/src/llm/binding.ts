// The seam between the client and one provider API: how a request is built for a mode, sent with
// the official SDK, read back as provider events, and extended to re-ask after a failed answer.

import type { ProviderEvent } from "./provider-events.js";
import type { ResolvedModel } from "./response-model.js";

/** How the model is made to answer in the schema. */
/**
 * How the model is made to answer in the schema. `parallel_tools` is for `Iterable(schema)`: each item
 * comes as its own tool call, and the calls are read in order as the items of one list.
 */
export type Mode = "tools" | "parallel_tools" | "json_schema" | "json" | "md_json";

export type Body = Record<string, unknown>;

export interface Binding {
  /** For messages and hooks, e.g. `openai`, `anthropic`. */
  readonly provider: string;
  readonly modes: readonly Mode[];
  readonly defaultMode: Mode;
  /** The request of a first attempt: the user's parameters plus what the mode needs. */
  request(params: Body, model: ResolvedModel, mode: Mode): Body;
  /**
   * Sends the request; aborting `signal` cancels the HTTP request. `alive` is called for each chunk
   * the SDK reads, whether or not it becomes an event.
   */
  open(body: Body, signal: AbortSignal, alive?: () => void): Promise<AsyncIterable<ProviderEvent>>;
  /** The request of the next attempt: the conversation with the failed answer and the reason. */
  reask(body: Body, answer: string, reason: string, mode: Mode): Body;
}

/** Where the JSON arrives: the forced tool call's arguments, every tool call's, or the text. */
export function channelOf(mode: Mode): "tool" | "tools" | "text" {
  return mode === "tools" ? "tool" : mode === "parallel_tools" ? "tools" : "text";
}

/** The text modes may wrap the JSON in prose or a fence. */
export function isLenient(mode: Mode): boolean {
  return mode === "md_json" || mode === "json";
}

/**
 * Whether a failed answer has anything in it to send back as the assistant's turn. An empty or blank
 * one is left out of a re-ask: Anthropic rejects it with a 400 that hides why the re-ask happened.
 */
export function hasAnswer(answer: string): boolean {
  return answer.trim() !== "";
}

/** The SDK's stream, calling `alive` as each chunk arrives. */
export async function* withSignsOfLife<T>(stream: AsyncIterable<T>, alive?: () => void): AsyncGenerator<T> {
  for await (const chunk of stream) {
    alive?.();
    yield chunk;
  }
}

/** The parameters fieldstream reads itself and never sends. */
export function withoutOwnParams(params: Body): Body {
  const {
    response_model: _model,
    max_retries: _retries,
    stream: _stream,
    on_invalid_field: _invalid,
    ...rest
  } = params;
  return rest;
}
