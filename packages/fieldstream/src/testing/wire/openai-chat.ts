// OpenAI Chat Completions (`POST /v1/chat/completions`) on the wire: `chat.completion.chunk` events
// ending in `data: [DONE]`, the `chat.completion` body, and OpenAI's error envelope.

import type { Plan, ScriptFinishReason } from "../script.js";
import { bearer, type WireContext, type WireEvent, type WireFormat } from "./types.js";

const FINISH: Record<ScriptFinishReason, string> = {
  stop: "stop",
  length: "length",
  tool: "tool_calls",
  "content-filter": "content_filter",
  // A refused answer ends normally; the refusal itself travels in `delta.refusal`.
  refusal: "stop",
};

/** OpenAI's error envelope; the type and code follow what the API sends for each status. */
export function openaiError(status: number, message: string): unknown {
  const [type, code] =
    status === 429
      ? ["requests", "rate_limit_exceeded"]
      : status === 401
        ? ["invalid_request_error", "invalid_api_key"]
        : status === 403
          ? ["permission_error", null]
          : status >= 500
            ? ["server_error", null]
            : ["invalid_request_error", null];
  return { error: { message, type, param: null, code } };
}

export function openaiUsage(plan: Plan) {
  const { inputTokens, outputTokens } = plan.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function includeUsage(ctx: WireContext): boolean {
  const options = ctx.body.stream_options;
  return (
    options !== null &&
    typeof options === "object" &&
    (options as { include_usage?: unknown }).include_usage === true
  );
}

function callIds(plan: Plan, ctx: WireContext): string[] {
  return plan.toolCalls.map((call) => call.id ?? ctx.id("call_"));
}

export const openaiChat: WireFormat = {
  api: "openai-chat",
  eol: "\n",
  defaultModel: "gpt-4o-mini",

  stream(plan, ctx) {
    const id = ctx.id("chatcmpl-");
    const withUsage = includeUsage(ctx);
    const chunk = (delta: unknown, finish: string | null = null) => ({
      id,
      object: "chat.completion.chunk",
      created: ctx.created,
      model: ctx.model,
      service_tier: "default",
      system_fingerprint: "fp_mock",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      // With include_usage every chunk carries `usage: null` until the last one, as the API does.
      ...(withUsage ? { usage: null } : {}),
    });
    const events: WireEvent[] = [];
    const hasText = plan.text !== undefined;
    const hasRefusal = plan.refusal !== undefined;
    events.push({
      data: chunk({
        role: "assistant",
        content: hasText ? "" : null,
        refusal: hasRefusal && !hasText ? "" : null,
      }),
    });
    for (const piece of plan.textPieces) events.push({ data: chunk({ content: piece }), content: true });
    for (const piece of plan.refusalPieces) events.push({ data: chunk({ refusal: piece }), content: true });
    const ids = callIds(plan, ctx);
    plan.toolCalls.forEach((call, index) => {
      events.push({
        data: chunk({
          tool_calls: [
            { index, id: ids[index], type: "function", function: { name: call.name, arguments: "" } },
          ],
        }),
      });
      for (const piece of call.pieces) {
        events.push({
          data: chunk({ tool_calls: [{ index, function: { arguments: piece } }] }),
          content: true,
        });
      }
    });
    events.push({ data: chunk({}, FINISH[plan.finishReason]) });
    if (withUsage) events.push({ data: { ...chunk({}), choices: [], usage: openaiUsage(plan) } });
    events.push({ text: "[DONE]" });
    return events;
  },

  body(plan, ctx) {
    const ids = callIds(plan, ctx);
    const message: Record<string, unknown> = {
      role: "assistant",
      content: plan.text ?? null,
      refusal: plan.refusal ?? null,
      annotations: [],
    };
    if (plan.toolCalls.length > 0) {
      message.tool_calls = plan.toolCalls.map((call, index) => ({
        id: ids[index],
        type: "function",
        function: { name: call.name, arguments: call.arguments },
      }));
    }
    return {
      id: ctx.id("chatcmpl-"),
      object: "chat.completion",
      created: ctx.created,
      model: ctx.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH[plan.finishReason] }],
      usage: openaiUsage(plan),
      service_tier: "default",
      system_fingerprint: "fp_mock",
    };
  },

  errorBody: (status, message) => openaiError(status, message),

  // The API reports a failure after the stream has started as a bare error object on a `data:` line.
  errorEvents: (message, _ctx, status) => [{ data: openaiError(status ?? 500, message) }],

  malformedEvent: () => ({ text: '{"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{' }),

  replayEvent: (line) => ({ text: line, content: true }),
  replayEnd: [{ text: "[DONE]" }],

  headers: (ctx) => ({ "x-request-id": ctx.id("req_"), "openai-processing-ms": "1" }),

  apiKey: (headers) => bearer(headers),
};
