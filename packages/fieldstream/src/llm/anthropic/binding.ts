// Anthropic Messages: tools (the forced tool's `input_json_delta`) and json (text), sent through
// `@anthropic-ai/sdk` and read back with the Anthropic adapter.

import { API_MODES } from "../api-modes.js";
import { type Binding, type Body, reaskWithMessages, withoutOwnParams, withSignsOfLife } from "../binding.js";
import { instructionFor, type Mode } from "../modes.js";
import { itemSchema, type ResolvedModel } from "../response-model.js";
import { anthropicEvents } from "./events.js";

interface AnthropicClient {
  messages: {
    create(body: Body, options?: { signal?: AbortSignal; maxRetries?: number }): PromiseLike<unknown>;
  };
}

export function isAnthropicClient(client: unknown): client is AnthropicClient {
  const c = client as { messages?: { create?: unknown }; chat?: unknown } | null;
  return typeof c?.messages?.create === "function" && c.chat === undefined;
}

/** Anthropic requires a token limit; this one is used when the request has none. */
const DEFAULT_MAX_TOKENS = 4096;

function withSystem(system: unknown, instruction: string): unknown {
  if (system === undefined) return instruction;
  if (typeof system === "string") return `${system}\n\n${instruction}`;
  return [...(system as unknown[]), { type: "text", text: instruction }];
}

export function anthropicBinding(client: AnthropicClient): Binding {
  return {
    provider: "anthropic",
    ...API_MODES.anthropic,
    request(params: Body, model: ResolvedModel, mode: Mode): Body {
      const body: Body = { max_tokens: DEFAULT_MAX_TOKENS, ...withoutOwnParams(params), stream: true };
      if (mode === "tools") {
        body.tools = [
          {
            name: model.name,
            ...(model.description ? { description: model.description } : {}),
            input_schema: model.jsonSchema,
          },
        ];
        body.tool_choice = { type: "tool", name: model.name };
      } else if (mode === "parallel_tools") {
        body.tools = [
          {
            name: model.name,
            ...(model.description ? { description: model.description } : {}),
            input_schema: itemSchema(model),
          },
        ];
        body.tool_choice = { type: "any" };
      } else {
        body.system = withSystem(params.system, instructionFor(mode, model));
      }
      return body;
    },
    async open(body: Body, signal: AbortSignal, alive?: () => void) {
      const stream = (await client.messages.create(body, { signal, maxRetries: 0 })) as AsyncIterable<never>;
      return anthropicEvents(withSignsOfLife(stream, alive));
    },
    reask(body: Body, answer: string, reason: string): Body {
      // Without an answer the reason follows the user's turn, which the API merges into one.
      return reaskWithMessages(body, answer, reason);
    },
  };
}
