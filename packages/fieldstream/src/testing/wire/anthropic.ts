// Anthropic Messages (`POST /v1/messages`) on the wire: `message_start` … `message_stop` with text and
// `tool_use` content blocks, the message body, and Anthropic's `{"type":"error"}` envelope.

import { type Plan, parseArguments, type ScriptFinishReason } from "../script.js";
import { chunkType, type WireContext, type WireEvent, type WireFormat } from "./types.js";

const STOP: Record<ScriptFinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool: "tool_use",
  // Anthropic has no separate content-filter reason: its classifiers stop the answer as a refusal.
  "content-filter": "refusal",
  refusal: "refusal",
};

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

function errorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** The message_delta fields that say why it stopped; a refusal carries its explanation. */
function stopFields(plan: Plan) {
  const stop_reason = STOP[plan.finishReason];
  const fields: Record<string, unknown> = { stop_reason, stop_sequence: null };
  if (stop_reason === "refusal") {
    fields.stop_details = { type: "refusal", category: null, explanation: plan.refusal ?? null };
  }
  return fields;
}

function toolIds(plan: Plan, ctx: WireContext): string[] {
  return plan.toolCalls.map((call) => call.id ?? ctx.id("toolu_"));
}

export const anthropicMessages: WireFormat = {
  api: "anthropic-messages",
  eol: "\n",
  defaultModel: "claude-sonnet-4-5",

  stream(plan, ctx) {
    const events: WireEvent[] = [];
    const emit = (type: string, fields: Record<string, unknown>, content = false) =>
      events.push({ event: type, data: { type, ...fields }, content });
    const { inputTokens, outputTokens } = plan.usage;
    emit("message_start", {
      message: {
        id: ctx.id("msg_"),
        type: "message",
        role: "assistant",
        model: ctx.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: 1 },
      },
    });
    let index = 0;
    const ping = () => {
      // The API sends one ping right after the first content block opens.
      if (index === 0) emit("ping", {});
    };
    if (plan.text !== undefined) {
      emit("content_block_start", { index, content_block: { type: "text", text: "" } });
      ping();
      for (const text of plan.textPieces) {
        emit("content_block_delta", { index, delta: { type: "text_delta", text } }, true);
      }
      emit("content_block_stop", { index });
      index += 1;
    }
    const ids = toolIds(plan, ctx);
    plan.toolCalls.forEach((call, n) => {
      emit("content_block_start", {
        index,
        content_block: { type: "tool_use", id: ids[n], name: call.name, input: {} },
      });
      ping();
      // A tool block opens with an empty delta before the arguments, as recorded from the API.
      emit("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: "" } });
      for (const partial_json of call.pieces) {
        emit("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } }, true);
      }
      emit("content_block_stop", { index });
      index += 1;
    });
    emit("message_delta", {
      delta: stopFields(plan),
      usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    });
    emit("message_stop", {});
    return events;
  },

  body(plan, ctx) {
    const content: unknown[] = [];
    if (plan.text !== undefined) content.push({ type: "text", text: plan.text });
    const ids = toolIds(plan, ctx);
    plan.toolCalls.forEach((call, n) => {
      content.push({ type: "tool_use", id: ids[n], name: call.name, input: parseArguments(call) });
    });
    return {
      id: ctx.id("msg_"),
      type: "message",
      role: "assistant",
      model: ctx.model,
      content,
      ...stopFields(plan),
      usage: { input_tokens: plan.usage.inputTokens, output_tokens: plan.usage.outputTokens },
    };
  },

  errorBody: (status, message, ctx) => ({
    type: "error",
    error: { type: errorType(status), message },
    request_id: ctx.id("req_"),
  }),

  errorEvents: (message, _ctx, status) => [
    {
      event: "error",
      data: {
        type: "error",
        error: { type: status === undefined ? "overloaded_error" : errorType(status), message },
      },
    },
  ],

  // The SDKs skip unnamed events, so the broken line comes under a name they do read.
  malformedEvent: () => ({
    event: "content_block_delta",
    text: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":',
  }),

  replayEvent: (line) => {
    const type = chunkType(line);
    return type === undefined ? { text: line, content: true } : { event: type, text: line, content: true };
  },
  replayEnd: [],

  headers: (ctx) => ({ "request-id": ctx.id("req_") }),

  apiKey: (headers) => {
    if (headers["x-api-key"]) return headers["x-api-key"];
    const auth = headers.authorization;
    return auth?.replace(/^Bearer\s+/i, "") || undefined;
  },
};
