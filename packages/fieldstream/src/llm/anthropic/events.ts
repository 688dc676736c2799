// Reads an Anthropic Messages stream into provider-neutral events: text and tool-input deltas,
// thinking, refusal, usage, and why the message stopped.

import { anthropicErrorStatus } from "../error-status.js";
import type { FinishReason, ProviderEvent, Usage } from "../provider-events.js";

/** The fields of a Messages stream event this adapter reads; SDK events and raw JSON both fit. */
export interface AnthropicEventLike {
  readonly type: string;
  /** The content block an event is about. */
  readonly index?: number;
  /** `message_start`. */
  readonly message?: { readonly usage?: AnthropicUsageLike | null };
  /** `content_block_start`. */
  readonly content_block?: {
    readonly type: string;
    readonly id?: string;
    readonly name?: string;
    readonly input?: unknown;
    readonly text?: string;
    readonly thinking?: string;
  };
  /** `content_block_delta` (a block delta) or `message_delta` (the stop reason). */
  readonly delta?: {
    readonly type?: string;
    readonly text?: string;
    readonly partial_json?: string;
    readonly thinking?: string;
    readonly stop_reason?: string | null;
    readonly stop_details?: { readonly explanation?: string | null } | null;
  };
  /** `message_delta`: cumulative counts. */
  readonly usage?: AnthropicUsageLike | null;
  /** `error`. */
  readonly error?: { readonly type?: string; readonly message?: string } | null;
}

export interface AnthropicUsageLike {
  /** Input tokens after the last cache breakpoint: cached ones are counted apart, below. */
  readonly input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
}

type Block =
  | { readonly kind: "text"; readonly index: number }
  | { readonly kind: "tool"; readonly index: number; readonly input: unknown; written: boolean }
  | { readonly kind: "thinking" }
  | { readonly kind: "other" };

// Every block type whose input streams as `input_json_delta`.
const TOOL_BLOCKS = new Set(["tool_use", "server_tool_use", "mcp_tool_use"]);

/**
 * A Messages stream as `ProviderEvent`s.
 *
 * - `text` indexes count the text blocks (the first text block is 0), `tool-call` indexes count the
 *   tool-use blocks (`tool_use`, `server_tool_use`, `mcp_tool_use`), each in order of appearance.
 * - A tool block that ends without input deltas has its start `input` passed on whole (`{}` for a
 *   tool without arguments), so its arguments are always a JSON text.
 * - A second `message_start` after content (a stream restarted mid-way) starts new blocks on new
 *   indexes: the abandoned ones stay as they were, and nothing is appended to them.
 * - `refusal` (stop reason `refusal`, with the stop details' explanation), `usage` (each count as
 *   last reported by `message_start` or `message_delta`, cache reads and writes as `cacheReadTokens`
 *   and `cacheWriteTokens`) and `finish` come once each, at the end.
 */
export async function* anthropicEvents(
  events: AsyncIterable<AnthropicEventLike>,
): AsyncGenerator<ProviderEvent, void, undefined> {
  let blocks = new Map<number, Block>();
  let texts = 0;
  let tools = 0;
  // Each count as last reported: `message_delta` repeats the totals, it does not add to them.
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let cacheReadTokens: number | undefined;
  let cacheWriteTokens: number | undefined;
  let stopReason: string | undefined;
  let explanation = "";

  function countUsage(usage: AnthropicUsageLike | null | undefined): void {
    if (typeof usage?.input_tokens === "number") inputTokens = usage.input_tokens;
    if (typeof usage?.output_tokens === "number") outputTokens = usage.output_tokens;
    if (typeof usage?.cache_read_input_tokens === "number") cacheReadTokens = usage.cache_read_input_tokens;
    if (typeof usage?.cache_creation_input_tokens === "number") {
      cacheWriteTokens = usage.cache_creation_input_tokens;
    }
  }

  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        if (blocks.size > 0) blocks = new Map();
        countUsage(event.message?.usage);
        break;
      case "content_block_start": {
        const start = event.content_block;
        if (start === undefined || event.index === undefined) break;
        if (start.type === "text") {
          const block = { kind: "text", index: texts++ } as const;
          blocks.set(event.index, block);
          if (start.text) yield { type: "text", index: block.index, delta: start.text };
        } else if (TOOL_BLOCKS.has(start.type)) {
          const block: Block = { kind: "tool", index: tools++, input: start.input, written: false };
          blocks.set(event.index, block);
          yield {
            type: "tool-call",
            index: block.index,
            ...(start.id ? { id: start.id } : {}),
            ...(start.name ? { name: start.name } : {}),
          };
        } else if (start.type === "thinking") {
          blocks.set(event.index, { kind: "thinking" });
          if (start.thinking) yield { type: "reasoning", delta: start.thinking };
        } else {
          blocks.set(event.index, { kind: "other" });
        }
        break;
      }
      case "content_block_delta": {
        const block = event.index === undefined ? undefined : blocks.get(event.index);
        const delta = event.delta;
        if (block === undefined || delta === undefined) break;
        if (block.kind === "text" && delta.type === "text_delta" && delta.text) {
          yield { type: "text", index: block.index, delta: delta.text };
        } else if (block.kind === "tool" && delta.type === "input_json_delta" && delta.partial_json) {
          block.written = true;
          yield { type: "tool-arguments", index: block.index, delta: delta.partial_json };
        } else if (delta.type === "thinking_delta" && delta.thinking) {
          yield { type: "reasoning", delta: delta.thinking };
        }
        break;
      }
      case "content_block_stop": {
        const block = event.index === undefined ? undefined : blocks.get(event.index);
        if (block?.kind === "tool" && !block.written) {
          block.written = true;
          yield { type: "tool-arguments", index: block.index, delta: JSON.stringify(block.input ?? {}) };
        }
        break;
      }
      case "message_delta":
        countUsage(event.usage);
        if (event.delta?.stop_reason) stopReason = event.delta.stop_reason;
        if (event.delta?.stop_details?.explanation) explanation = event.delta.stop_details.explanation;
        break;
      case "error": {
        const errorType = event.error?.type;
        const status = anthropicErrorStatus(errorType);
        yield {
          type: "error",
          message: event.error?.message || errorType || "The provider reported an error",
          ...(status !== undefined ? { status } : {}),
          ...(errorType ? { errorType } : {}),
          body: event.error ?? event,
        };
        break;
      }
    }
  }

  if (stopReason === "refusal") yield { type: "refusal", text: explanation };
  const usage: Usage = {
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
    ...(cacheReadTokens !== undefined ? { cacheReadTokens } : {}),
    ...(cacheWriteTokens !== undefined ? { cacheWriteTokens } : {}),
  };
  if (Object.keys(usage).length > 0) yield { type: "usage", usage };
  if (stopReason !== undefined) yield { type: "finish", reason: finishReasonOf(stopReason), raw: stopReason };
}

function finishReasonOf(raw: string): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool";
    case "refusal":
      return "refusal";
    default:
      return "other";
  }
}
