// OpenAI Responses (`POST /v1/responses`) on the wire: named, sequence-numbered events from
// `response.created` to `response.completed` / `response.incomplete`, and the response object itself.

import type { Plan } from "../script.js";
import { openaiError } from "./openai-chat.js";
import { bearer, chunkType, type WireContext, type WireEvent, type WireFormat } from "./types.js";

type Item = Record<string, unknown>;

interface OpenAIErrorFields {
  readonly type: string;
  readonly code: string | null;
}

// One response id per request, so that an error's `response.failed` names the response that started.
const responseIds = new WeakMap<WireContext, string>();
function responseId(ctx: WireContext): string {
  let id = responseIds.get(ctx);
  if (id === undefined) {
    id = ctx.id("resp_");
    responseIds.set(ctx, id);
  }
  return id;
}

function usage(plan: Plan) {
  const { inputTokens, outputTokens } = plan.usage;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

/** Why the answer is incomplete, or undefined when it is not. */
function incompleteReason(plan: Plan): string | undefined {
  if (plan.finishReason === "length") return "max_output_tokens";
  if (plan.finishReason === "content-filter") return "content_filter";
  return undefined;
}

function responseObject(
  ctx: WireContext,
  id: string,
  status: string,
  output: Item[],
  extra: { usage?: unknown; incomplete?: string; error?: unknown } = {},
) {
  const body = ctx.body;
  return {
    id,
    object: "response",
    created_at: ctx.created,
    status,
    background: false,
    error: extra.error ?? null,
    incomplete_details: extra.incomplete === undefined ? null : { reason: extra.incomplete },
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: ctx.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: extra.usage ?? null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

interface Layout {
  readonly messageId: string | undefined;
  readonly calls: readonly { readonly itemId: string; readonly callId: string }[];
  /** Items as they stand once complete, in output order. */
  readonly done: Item[];
}

/** Output items: one message (text and/or refusal parts) first, then one item per tool call. */
function layout(plan: Plan, ctx: WireContext): Layout {
  const hasMessage = plan.text !== undefined || plan.refusal !== undefined;
  const messageId = hasMessage ? ctx.id("msg_") : undefined;
  const calls = plan.toolCalls.map((call) => ({ itemId: ctx.id("fc_"), callId: call.id ?? ctx.id("call_") }));
  const incomplete = incompleteReason(plan) !== undefined;
  const done: Item[] = [];
  if (messageId !== undefined) {
    const content: Item[] = [];
    if (plan.text !== undefined) content.push(textPart(plan.text));
    if (plan.refusal !== undefined) content.push({ type: "refusal", refusal: plan.refusal });
    done.push({ id: messageId, type: "message", status: "completed", content, role: "assistant" });
  }
  plan.toolCalls.forEach((call, index) => {
    const ids = calls[index] as Layout["calls"][number];
    done.push({
      id: ids.itemId,
      type: "function_call",
      status: "completed",
      arguments: call.arguments,
      call_id: ids.callId,
      name: call.name,
    });
  });
  // The item being written when the limit struck is the one left incomplete.
  const last = done[done.length - 1];
  if (incomplete && last !== undefined) last.status = "incomplete";
  return { messageId, calls, done };
}

function textPart(text: string): Item {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

export const openaiResponses: WireFormat = {
  api: "openai-responses",
  eol: "\n",
  defaultModel: "gpt-4o-mini",

  stream(plan, ctx) {
    const id = responseId(ctx);
    const { messageId, calls, done } = layout(plan, ctx);
    const events: WireEvent[] = [];
    // sequence_number is a placeholder here; `finalize` numbers the events once faults are in place.
    const emit = (type: string, fields: Record<string, unknown>, content = false) =>
      events.push({ event: type, data: { type, sequence_number: 0, ...fields }, content });

    emit("response.created", { response: responseObject(ctx, id, "in_progress", []) });
    emit("response.in_progress", { response: responseObject(ctx, id, "in_progress", []) });
    let outputIndex = 0;
    if (messageId !== undefined) {
      const output_index = outputIndex++;
      const item_id = messageId;
      emit("response.output_item.added", {
        output_index,
        item: { id: messageId, type: "message", status: "in_progress", content: [], role: "assistant" },
      });
      let content_index = 0;
      if (plan.text !== undefined) {
        const at = { item_id, output_index, content_index };
        emit("response.content_part.added", { ...at, part: textPart("") });
        for (const delta of plan.textPieces) {
          emit("response.output_text.delta", { ...at, delta, logprobs: [] }, true);
        }
        emit("response.output_text.done", { ...at, text: plan.text, logprobs: [] });
        emit("response.content_part.done", { ...at, part: textPart(plan.text) });
        content_index += 1;
      }
      if (plan.refusal !== undefined) {
        const at = { item_id, output_index, content_index };
        emit("response.content_part.added", { ...at, part: { type: "refusal", refusal: "" } });
        for (const delta of plan.refusalPieces) emit("response.refusal.delta", { ...at, delta }, true);
        emit("response.refusal.done", { ...at, refusal: plan.refusal });
        emit("response.content_part.done", { ...at, part: { type: "refusal", refusal: plan.refusal } });
      }
      emit("response.output_item.done", { output_index, item: done[output_index] });
    }
    plan.toolCalls.forEach((call, index) => {
      const output_index = outputIndex++;
      const ids = calls[index] as Layout["calls"][number];
      emit("response.output_item.added", {
        output_index,
        item: {
          id: ids.itemId,
          type: "function_call",
          status: "in_progress",
          arguments: "",
          call_id: ids.callId,
          name: call.name,
        },
      });
      for (const delta of call.pieces) {
        emit("response.function_call_arguments.delta", { item_id: ids.itemId, output_index, delta }, true);
      }
      emit("response.function_call_arguments.done", {
        item_id: ids.itemId,
        output_index,
        arguments: call.arguments,
      });
      emit("response.output_item.done", { output_index, item: done[output_index] });
    });
    const reason = incompleteReason(plan);
    const final = reason === undefined ? "completed" : "incomplete";
    emit(`response.${final}`, {
      response: responseObject(ctx, id, final, done, {
        usage: usage(plan),
        ...(reason === undefined ? {} : { incomplete: reason }),
      }),
    });
    return events;
  },

  body(plan, ctx) {
    const reason = incompleteReason(plan);
    const { done } = layout(plan, ctx);
    return responseObject(ctx, responseId(ctx), reason === undefined ? "completed" : "incomplete", done, {
      usage: usage(plan),
      ...(reason === undefined ? {} : { incomplete: reason }),
    });
  },

  errorBody: (status, message) => openaiError(status, message),

  // The live API nests the details under `error` (the reference shows them flat); the SDKs read both.
  errorEvents: (message, ctx, status = 500) => {
    const { type, code: statusCode } = (openaiError(status, message) as { error: OpenAIErrorFields }).error;
    // Responses errors always carry a code; where the HTTP envelope has none, the type stands in.
    const code = statusCode ?? type;
    return [
      {
        event: "error",
        data: { type: "error", sequence_number: 0, error: { type, code, message, param: null } },
      },
      {
        event: "response.failed",
        data: {
          type: "response.failed",
          sequence_number: 0,
          response: responseObject(ctx, responseId(ctx), "failed", [], { error: { code, message } }),
        },
      },
    ];
  },

  malformedEvent: () => ({
    event: "response.output_text.delta",
    text: '{"type":"response.output_text.delta","delta":',
  }),

  replayEvent: (line) => {
    const type = chunkType(line);
    return type === undefined ? { text: line, content: true } : { event: type, text: line, content: true };
  },
  replayEnd: [],

  finalize(events) {
    let sequence = 0;
    return events.map((event) => {
      const data = event.data as Record<string, unknown> | undefined;
      if (data === undefined || typeof data !== "object" || !("sequence_number" in data)) {
        if (event.text !== undefined || event.frame !== undefined) sequence += 1;
        return event;
      }
      return { ...event, data: { ...data, sequence_number: sequence++ } };
    });
  },

  headers: (ctx) => ({ "x-request-id": ctx.id("req_"), "openai-processing-ms": "1" }),

  apiKey: (headers) => bearer(headers),
};
