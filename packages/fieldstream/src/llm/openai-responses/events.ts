// Reads an OpenAI Responses stream into provider-neutral events: output text and function-call
// argument deltas, reasoning, refusal, usage, and how the response ended.

import { openaiErrorStatus, openaiErrorType } from "../error-status.js";
import type { FinishReason, ProviderEvent, Usage } from "../provider-events.js";

/** The fields of a Responses stream event this adapter reads; SDK events and raw JSON both fit. */
export interface ResponsesEventLike {
  readonly type: string;
  readonly delta?: unknown;
  readonly item_id?: string;
  readonly output_index?: number;
  /** `response.function_call_arguments.done`. */
  readonly arguments?: string;
  /** `response.refusal.done`. */
  readonly refusal?: string;
  /** `response.output_item.added` / `.done`. */
  readonly item?: {
    readonly type?: string;
    readonly id?: string | null;
    readonly call_id?: string | null;
    readonly name?: string | null;
    /** A string on function calls; other item types use the name for other things. */
    readonly arguments?: unknown;
  };
  /** `response.completed`, `response.incomplete`, `response.failed`. */
  readonly response?: {
    readonly status?: string;
    readonly incomplete_details?: { readonly reason?: string } | null;
    readonly error?: { readonly code?: unknown; readonly message?: string } | null;
    readonly usage?: {
      readonly input_tokens?: number;
      readonly output_tokens?: number;
      readonly total_tokens?: number;
      /** Input tokens read from the prompt cache, counted in `input_tokens`. */
      readonly input_tokens_details?: { readonly cached_tokens?: number | null } | null;
    } | null;
  };
  /** The `error` event: flat (`code`, `message`) as documented, or nested under `error` as recorded. */
  readonly message?: string;
  readonly code?: unknown;
  readonly error?: { readonly code?: unknown; readonly message?: string; readonly type?: string } | null;
}

interface Call {
  readonly index: number;
  /** Whether argument text was passed on already, so a later whole copy is not sent again. */
  written: boolean;
}

/**
 * A Responses stream as `ProviderEvent`s.
 *
 * - `text` carries the `output_index` of its message item.
 * - `tool-call` indexes count the `function_call` items in the order they were added; the id is the
 *   item's `call_id`. Servers that send no argument deltas (only `.done`) have their whole arguments
 *   passed on at `.done`.
 * - `refusal`, `usage` and `finish` come once each, at the end, in that order. A completed response
 *   that called functions finishes with `tool`; `incomplete` maps its reason (`max_output_tokens` is
 *   `length`). `response.failed` and `error` events become `error` events.
 */
export async function* openaiResponsesEvents(
  events: AsyncIterable<ResponsesEventLike>,
): AsyncGenerator<ProviderEvent, void, undefined> {
  const callsById = new Map<string, Call>();
  const callsByOutput = new Map<number, Call>();
  let calls = 0;
  let refusal = "";
  let usage: Usage | undefined;
  let finish: { reason: FinishReason; raw: string } | undefined;
  const errors = new Set<string>();

  function callOf(event: ResponsesEventLike): Call | undefined {
    const id = event.item_id ?? event.item?.id;
    return (
      (id ? callsById.get(id) : undefined) ??
      (event.output_index === undefined ? undefined : callsByOutput.get(event.output_index))
    );
  }

  function* addCall(event: ResponsesEventLike): Generator<ProviderEvent, Call> {
    const item = event.item ?? {};
    const call: Call = { index: calls++, written: false };
    if (item.id) callsById.set(item.id, call);
    if (event.output_index !== undefined) callsByOutput.set(event.output_index, call);
    yield {
      type: "tool-call",
      index: call.index,
      ...(item.call_id ? { id: item.call_id } : {}),
      ...(item.name ? { name: item.name } : {}),
    };
    return call;
  }

  function* wholeArguments(call: Call, text: unknown): Generator<ProviderEvent> {
    if (call.written || typeof text !== "string" || text === "") return;
    call.written = true;
    yield { type: "tool-arguments", index: call.index, delta: text };
  }

  function* error(
    details: { readonly code?: unknown; readonly type?: unknown; readonly message?: string },
    body: unknown,
  ): Generator<ProviderEvent> {
    const text = details.message || "The provider reported an error";
    // The recorded API sends an `error` event and then `response.failed` for the same failure.
    if (errors.has(text)) return;
    errors.add(text);
    const status = openaiErrorStatus(details);
    const errorType = openaiErrorType(details);
    yield {
      type: "error",
      message: text,
      ...(status !== undefined ? { status } : {}),
      ...(errorType !== undefined ? { errorType } : {}),
      body,
    };
  }

  for await (const event of events) {
    switch (event.type) {
      case "response.output_item.added":
        if (event.item?.type === "function_call") {
          const call = yield* addCall(event);
          yield* wholeArguments(call, event.item.arguments);
        }
        break;
      case "response.function_call_arguments.delta": {
        const call = callOf(event) ?? (yield* addCall(event));
        if (typeof event.delta === "string" && event.delta !== "") {
          call.written = true;
          yield { type: "tool-arguments", index: call.index, delta: event.delta };
        }
        break;
      }
      case "response.function_call_arguments.done": {
        const call = callOf(event) ?? (yield* addCall(event));
        yield* wholeArguments(call, event.arguments);
        break;
      }
      case "response.output_item.done":
        if (event.item?.type === "function_call") {
          const call = callOf(event) ?? (yield* addCall(event));
          yield* wholeArguments(call, event.item.arguments);
        }
        break;
      case "response.output_text.delta":
        if (typeof event.delta === "string" && event.delta !== "") {
          yield { type: "text", index: event.output_index ?? 0, delta: event.delta };
        }
        break;
      case "response.refusal.delta":
        if (typeof event.delta === "string") refusal += event.delta;
        break;
      case "response.refusal.done":
        if (typeof event.refusal === "string") refusal = event.refusal;
        break;
      case "response.completed":
      case "response.incomplete":
      case "response.failed": {
        const response = event.response ?? {};
        if (response.usage) usage = usageOf(response.usage);
        if (event.type === "response.failed") {
          yield* error(response.error ?? {}, response.error ?? response);
        } else if (event.type === "response.completed") {
          finish = { reason: calls > 0 ? "tool" : "stop", raw: response.status ?? "completed" };
        } else {
          const reason = response.incomplete_details?.reason;
          finish = { reason: incompleteReasonOf(reason), raw: reason ?? response.status ?? "incomplete" };
        }
        break;
      }
      case "error": {
        const source = event.error ?? event;
        yield* error(source, source);
        break;
      }
      default:
        // Reasoning text and reasoning summaries alike: `response.reasoning_text.delta`,
        // `response.reasoning_summary_text.delta`.
        if (
          event.type.startsWith("response.reasoning") &&
          event.type.endsWith(".delta") &&
          typeof event.delta === "string" &&
          event.delta !== ""
        ) {
          yield { type: "reasoning", delta: event.delta };
        }
    }
  }

  if (refusal !== "") yield { type: "refusal", text: refusal };
  if (usage !== undefined) yield { type: "usage", usage };
  if (finish !== undefined) yield { type: "finish", ...finish };
}

function incompleteReasonOf(reason: string | undefined): FinishReason {
  if (reason === "max_output_tokens") return "length";
  if (reason === "content_filter") return "content-filter";
  return "other";
}

function usageOf(usage: NonNullable<NonNullable<ResponsesEventLike["response"]>["usage"]>): Usage {
  const cached = usage.input_tokens_details?.cached_tokens;
  return {
    ...(typeof usage.input_tokens === "number" ? { inputTokens: usage.input_tokens } : {}),
    ...(typeof usage.output_tokens === "number" ? { outputTokens: usage.output_tokens } : {}),
    ...(typeof usage.total_tokens === "number" ? { totalTokens: usage.total_tokens } : {}),
    ...(typeof cached === "number" ? { cacheReadTokens: cached } : {}),
  };
}
