// Google Gemini through `@google/genai`: json_schema (a JSON response) and tools (a forced function
// call, including Gemini 3's streamed arguments), plus the text modes via a system instruction.

import { API_MODES } from "../api-modes.js";
import { type Binding, type Body, hasAnswer, withoutOwnParams, withSignsOfLife } from "../binding.js";
import { instructionFor, type Mode } from "../modes.js";
import { itemSchema, type ResolvedModel } from "../response-model.js";
import { geminiEvents } from "./events.js";

interface GeminiClient {
  models: { generateContentStream(body: Body): PromiseLike<unknown> };
}

export function isGeminiClient(client: unknown): client is GeminiClient {
  return (
    typeof (client as { models?: { generateContentStream?: unknown } } | null)?.models
      ?.generateContentStream === "function"
  );
}

type Content = { role: string; parts: { text: string }[] };

function contentsOf(contents: unknown): unknown[] {
  if (contents === undefined) return [];
  if (typeof contents === "string") return [{ role: "user", parts: [{ text: contents }] }];
  return Array.isArray(contents) ? contents : [contents];
}

function withInstruction(existing: unknown, instruction: string): unknown {
  if (existing === undefined) return instruction;
  if (typeof existing === "string") return `${existing}\n\n${instruction}`;
  return { role: "system", parts: [...((existing as Content).parts ?? []), { text: instruction }] };
}

export function geminiBinding(client: GeminiClient): Binding {
  return {
    provider: "gemini",
    ...API_MODES.gemini,
    request(params: Body, model: ResolvedModel, mode: Mode): Body {
      const body: Body = { ...withoutOwnParams(params) };
      const config: Body = { ...((params.config as Body | undefined) ?? {}) };
      switch (mode) {
        case "json_schema":
          config.responseMimeType = "application/json";
          config.responseJsonSchema = model.jsonSchema;
          break;
        case "tools":
        case "parallel_tools":
          config.tools = [
            {
              functionDeclarations: [
                {
                  name: model.name,
                  ...(model.description ? { description: model.description } : {}),
                  parametersJsonSchema: mode === "tools" ? model.jsonSchema : itemSchema(model),
                },
              ],
            },
          ];
          config.toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [model.name] } };
          break;
        default:
          config.systemInstruction = withInstruction(config.systemInstruction, instructionFor(mode, model));
          if (mode === "json") config.responseMimeType = "application/json";
      }
      body.config = config;
      return body;
    },
    async open(body: Body, signal: AbortSignal, alive?: () => void) {
      const config = { ...(body.config as Body), abortSignal: signal };
      const stream = (await client.models.generateContentStream({ ...body, config })) as AsyncIterable<never>;
      return geminiEvents(withSignsOfLife(stream, alive));
    },
    reask(body: Body, answer: string, reason: string): Body {
      // A copy: the request of the attempt before keeps its own list.
      const contents = [...contentsOf(body.contents)];
      if (hasAnswer(answer)) {
        contents.push(
          { role: "model", parts: [{ text: answer }] },
          { role: "user", parts: [{ text: reason }] },
        );
        return { ...body, contents };
      }
      // No model turn to put in between: the reason joins the user's last turn, since Gemini may
      // reject two user turns in a row.
      const last = contents.at(-1) as Content | undefined;
      if (last?.role === "user" && Array.isArray(last.parts)) {
        contents[contents.length - 1] = { ...last, parts: [...last.parts, { text: reason }] };
      } else {
        contents.push({ role: "user", parts: [{ text: reason }] });
      }
      return { ...body, contents };
    },
  };
}
