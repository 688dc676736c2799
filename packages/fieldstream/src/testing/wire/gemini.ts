// Google Gemini (`:generateContent`, `:streamGenerateContent?alt=sse`) on the wire: candidate chunks
// with text and functionCall parts, Gemini 3 streamed `partialArgs`, and Google's error envelope.

import {
  type Plan,
  type PlannedToolCall,
  parseArguments,
  ScriptError,
  type ScriptFinishReason,
} from "../script.js";
import type { WireEvent, WireFormat } from "./types.js";

const FINISH: Record<ScriptFinishReason, string> = {
  stop: "STOP",
  length: "MAX_TOKENS",
  // Gemini ends a turn that calls functions with an ordinary STOP.
  tool: "STOP",
  "content-filter": "SAFETY",
  // Gemini has no refusal channel; a blocked answer is a SAFETY stop.
  refusal: "SAFETY",
};

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export function googleError(status: number, message: string): unknown {
  const name = STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
  return { error: { code: status, message, status: name } };
}

interface PartialArg {
  readonly jsonPath: string;
  readonly stringValue?: string;
  readonly numberValue?: number;
  readonly boolValue?: boolean;
  readonly nullValue?: "NULL_VALUE";
  readonly willContinue?: true;
}

/** One streamed function-call part and whether it carries a piece of the arguments. */
interface CallPart {
  readonly functionCall: Record<string, unknown>;
  readonly content: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return `${path}.${key}`;
  return `${path}['${key.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
}

/**
 * The parts Gemini 3 streams for one call: the name, then one `partialArgs` entry per part in document
 * order. A string comes in pieces marked `willContinue` and ends with an empty piece without it; other
 * scalars come whole; an object that is an array element is followed by an empty `willContinue` part.
 * Empty objects and arrays have no value kind in `partialArgs`, so they are not sent; a call with
 * nothing to send comes as one part with just its name.
 */
function partialArgParts(call: PlannedToolCall, split: (text: string) => string[]): CallPart[] {
  const parts: CallPart[] = [{ functionCall: { name: call.name, willContinue: true }, content: false }];
  const arg = (partial: PartialArg, content: boolean) =>
    parts.push({ functionCall: { partialArgs: [partial], willContinue: true }, content });
  const walk = (value: unknown, jsonPath: string, inArray: boolean): void => {
    if (typeof value === "string") {
      for (const piece of split(value)) arg({ jsonPath, stringValue: piece, willContinue: true }, true);
      arg({ jsonPath, stringValue: "" }, false);
    } else if (typeof value === "number") {
      arg({ jsonPath, numberValue: value }, true);
    } else if (typeof value === "boolean") {
      arg({ jsonPath, boolValue: value }, true);
    } else if (value === null) {
      arg({ jsonPath, nullValue: "NULL_VALUE" }, true);
    } else if (Array.isArray(value)) {
      for (const [index, element] of value.entries()) walk(element, childPath(jsonPath, index), true);
    } else {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        walk(child, childPath(jsonPath, key), false);
      }
      if (inArray) parts.push({ functionCall: { willContinue: true }, content: false });
    }
  };
  const args = parseArguments(call);
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ScriptError(`the arguments of tool call ${JSON.stringify(call.name)} must be a JSON object`);
  }
  walk(args, "$", false);
  // A call without arguments comes whole, as one part with just the name.
  if (parts.length === 1) return [{ functionCall: { name: call.name }, content: true }];
  parts.push({ functionCall: {}, content: false });
  return parts;
}

function usageMetadata(plan: Plan, final: boolean) {
  const { inputTokens, outputTokens } = plan.usage;
  return final
    ? {
        promptTokenCount: inputTokens,
        candidatesTokenCount: outputTokens,
        totalTokenCount: inputTokens + outputTokens,
      }
    : { promptTokenCount: inputTokens, totalTokenCount: inputTokens };
}

function functionCallObject(call: PlannedToolCall) {
  return { functionCall: { name: call.name, args: parseArguments(call) } };
}

export const gemini: WireFormat = {
  api: "google-gemini",
  eol: "\r\n",
  defaultModel: "gemini-2.5-flash",

  stream(plan, ctx) {
    const responseId = ctx.id("resp-");
    const chunks: { parts: unknown[]; content: boolean }[] = [];
    for (const text of [...plan.textPieces, ...plan.refusalPieces])
      chunks.push({ parts: [{ text }], content: true });
    for (const call of plan.toolCalls) {
      if (plan.geminiPartialArgs) {
        for (const part of partialArgParts(call, plan.split)) {
          chunks.push({ parts: [{ functionCall: part.functionCall }], content: part.content });
        }
      } else {
        chunks.push({ parts: [functionCallObject(call)], content: true });
      }
    }
    // The finish reason rides on the last text chunk or on the closing `functionCall: {}`; after a
    // whole function call the API sends an empty text part to carry it.
    const last = chunks[chunks.length - 1]?.parts[0] as { functionCall?: object } | undefined;
    const carriesFinish =
      last !== undefined && (last.functionCall === undefined || Object.keys(last.functionCall).length === 0);
    if (!carriesFinish) chunks.push({ parts: [{ text: "" }], content: false });
    return chunks.map((chunk, index): WireEvent => {
      const final = index === chunks.length - 1;
      return {
        data: {
          candidates: [
            {
              content: { parts: chunk.parts, role: "model" },
              ...(final ? { finishReason: FINISH[plan.finishReason] } : {}),
              index: 0,
            },
          ],
          usageMetadata: usageMetadata(plan, final),
          modelVersion: ctx.model,
          responseId,
        },
        content: chunk.content,
      };
    });
  },

  body(plan, ctx) {
    const parts: unknown[] = [];
    if (plan.text !== undefined) parts.push({ text: plan.text });
    if (plan.refusal !== undefined) parts.push({ text: plan.refusal });
    for (const call of plan.toolCalls) parts.push(functionCallObject(call));
    return {
      candidates: [{ content: { parts, role: "model" }, finishReason: FINISH[plan.finishReason], index: 0 }],
      usageMetadata: usageMetadata(plan, true),
      modelVersion: ctx.model,
      responseId: ctx.id("resp-"),
    };
  },

  errorBody: (status, message) => googleError(status, message),

  errorEvents: (message, _ctx, status) => [{ data: googleError(status ?? 500, message) }],

  malformedEvent: () => ({ text: '{"candidates": [{"content": {"parts": [{"text": ' }),

  replayEvent: (line) => ({ text: line, content: true }),
  replayEnd: [],

  headers: () => ({}),

  apiKey: (headers, query) => headers["x-goog-api-key"] || query.key || undefined,
};
