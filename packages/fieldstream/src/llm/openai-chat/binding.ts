// OpenAI Chat Completions (and every server that speaks it): tools, json_schema, json and md_json,
// sent through the official `openai` client and read back with the chat adapter.

import { API_MODES } from "../api-modes.js";
import { type Binding, type Body, reaskWithMessages, withoutOwnParams, withSignsOfLife } from "../binding.js";
import { instructionFor, type Mode } from "../modes.js";
import { itemSchema, type ResolvedModel, strictJsonSchema } from "../response-model.js";
import { openaiChatEvents } from "./events.js";

interface OpenAIChatClient {
  chat: {
    completions: {
      create(body: Body, options?: { signal?: AbortSignal; maxRetries?: number }): PromiseLike<unknown>;
    };
  };
}

export function isOpenAIChatClient(client: unknown): client is OpenAIChatClient {
  const chat = (client as { chat?: { completions?: { create?: unknown } } } | null)?.chat;
  return typeof chat?.completions?.create === "function";
}

type Message = { role: string; content: unknown };

function withSystem(messages: readonly Message[], instruction: string): Message[] {
  const [first, ...rest] = messages;
  if (first && (first.role === "system" || first.role === "developer") && typeof first.content === "string") {
    return [{ ...first, content: `${first.content}\n\n${instruction}` }, ...rest];
  }
  return [{ role: "system", content: instruction }, ...messages];
}

export function openaiChatBinding(client: OpenAIChatClient): Binding {
  return {
    provider: "openai",
    ...API_MODES.openai,
    request(params: Body, model: ResolvedModel, mode: Mode): Body {
      const body: Body = {
        ...withoutOwnParams(params),
        stream: true,
        stream_options: { include_usage: true },
      };
      const strict = strictJsonSchema(model.jsonSchema);
      const schema = strict ?? model.jsonSchema;
      const messages = (params.messages as Message[] | undefined) ?? [];
      switch (mode) {
        case "tools":
          body.tools = [
            {
              type: "function",
              function: {
                name: model.name,
                ...(model.description ? { description: model.description } : {}),
                parameters: schema,
                strict: strict !== undefined,
              },
            },
          ];
          body.tool_choice = { type: "function", function: { name: model.name } };
          break;
        case "parallel_tools": {
          const item = itemSchema(model);
          const strictItem = strictJsonSchema(item);
          body.tools = [
            {
              type: "function",
              function: {
                name: model.name,
                ...(model.description ? { description: model.description } : {}),
                parameters: strictItem ?? item,
                strict: strictItem !== undefined,
              },
            },
          ];
          body.tool_choice = "required";
          body.parallel_tool_calls = true;
          break;
        }
        case "json_schema":
          body.response_format = {
            type: "json_schema",
            json_schema: {
              name: model.name,
              ...(model.description ? { description: model.description } : {}),
              schema,
              strict: strict !== undefined,
            },
          };
          break;
        case "json":
          body.response_format = { type: "json_object" };
          body.messages = withSystem(messages, instructionFor(mode, model));
          break;
        case "md_json":
          body.messages = withSystem(messages, instructionFor(mode, model));
          break;
      }
      return body;
    },
    async open(body: Body, signal: AbortSignal, alive?: () => void) {
      const stream = (await client.chat.completions.create(body, {
        signal,
        maxRetries: 0,
      })) as AsyncIterable<never>;
      return openaiChatEvents(withSignsOfLife(stream, alive));
    },
    reask(body: Body, answer: string, reason: string): Body {
      return reaskWithMessages(body, answer, reason);
    },
  };
}
