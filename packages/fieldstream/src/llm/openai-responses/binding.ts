// The OpenAI Responses API: tools and json_schema, sent through `client.responses.create` and read
// back with the Responses adapter.

import { API_MODES } from "../api-modes.js";
import { type Binding, type Body, hasAnswer, withoutOwnParams, withSignsOfLife } from "../binding.js";
import type { Mode } from "../modes.js";
import { itemSchema, type ResolvedModel, strictJsonSchema } from "../response-model.js";
import { openaiResponsesEvents } from "./events.js";

interface OpenAIResponsesClient {
  responses: {
    create(body: Body, options?: { signal?: AbortSignal; maxRetries?: number }): PromiseLike<unknown>;
  };
}

export function isOpenAIResponsesClient(client: unknown): client is OpenAIResponsesClient {
  return typeof (client as { responses?: { create?: unknown } } | null)?.responses?.create === "function";
}

type InputItem = { role: string; content: unknown };

export function openaiResponsesBinding(client: OpenAIResponsesClient): Binding {
  return {
    provider: "openai-responses",
    ...API_MODES["openai-responses"],
    request(params: Body, model: ResolvedModel, mode: Mode): Body {
      const body: Body = { ...withoutOwnParams(params), stream: true };
      const strict = strictJsonSchema(model.jsonSchema);
      const schema = strict ?? model.jsonSchema;
      const description = model.description ? { description: model.description } : {};
      if (mode === "tools") {
        body.tools = [
          {
            type: "function",
            name: model.name,
            ...description,
            parameters: schema,
            strict: strict !== undefined,
          },
        ];
        body.tool_choice = { type: "function", name: model.name };
      } else if (mode === "parallel_tools") {
        const item = itemSchema(model);
        const strictItem = strictJsonSchema(item);
        body.tools = [
          {
            type: "function",
            name: model.name,
            ...description,
            parameters: strictItem ?? item,
            strict: strictItem !== undefined,
          },
        ];
        body.tool_choice = "required";
        body.parallel_tool_calls = true;
      } else {
        body.text = {
          format: {
            type: "json_schema",
            name: model.name,
            ...description,
            schema,
            strict: strict !== undefined,
          },
        };
      }
      return body;
    },
    async open(body: Body, signal: AbortSignal, alive?: () => void) {
      const stream = (await client.responses.create(body, { signal, maxRetries: 0 })) as AsyncIterable<never>;
      return openaiResponsesEvents(withSignsOfLife(stream, alive));
    },
    reask(body: Body, answer: string, reason: string): Body {
      const input = body.input;
      const items: InputItem[] =
        typeof input === "string" ? [{ role: "user", content: input }] : [...((input as InputItem[]) ?? [])];
      return {
        ...body,
        input: [
          ...items,
          ...(hasAnswer(answer) ? [{ role: "assistant", content: answer }] : []),
          { role: "user", content: reason },
        ],
      };
    },
  };
}
