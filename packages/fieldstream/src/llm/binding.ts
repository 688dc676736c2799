// The seam between the client and one provider API: how a request is built for a mode, sent with
// the official SDK, read back as provider events, and extended to re-ask after a failed answer.

import type { Mode } from "./modes.js";
import type { ProviderEvent } from "./provider-events.js";
import type { ResolvedModel } from "./response-model.js";

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

/**
 * The next attempt's request for the APIs that take a `messages` list (Chat Completions, Anthropic):
 * the failed answer as the assistant's turn when there is one, then the reason as the user's.
 */
export function reaskWithMessages(body: Body, answer: string, reason: string): Body {
  const messages = (body.messages as unknown[] | undefined) ?? [];
  return {
    ...body,
    messages: [
      ...messages,
      ...(hasAnswer(answer) ? [{ role: "assistant", content: answer }] : []),
      { role: "user", content: reason },
    ],
  };
}
