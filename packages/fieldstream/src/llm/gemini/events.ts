// Reads a Gemini `generateContentStream` into provider-neutral events: text and function-call
// arguments (whole, or streamed as Gemini 3 path deltas), thoughts, usage, and why it stopped.

import { googleErrorStatus } from "../error-status.js";
import type { FinishReason, ProviderEvent, Usage } from "../provider-events.js";
import { createPathDeltaEncoder, type PathDeltaEncoder, type PathDeltaValue } from "./json-path-deltas.js";

/** The fields of a `GenerateContentResponse` this adapter reads; SDK objects and raw JSON both fit. */
export interface GeminiResponseLike {
  readonly candidates?: readonly GeminiCandidateLike[] | null;
  readonly promptFeedback?: { readonly blockReason?: string | null } | null;
  readonly usageMetadata?: {
    readonly promptTokenCount?: number | null;
    readonly candidatesTokenCount?: number | null;
    readonly totalTokenCount?: number | null;
    /** Prompt tokens served from cached content, counted in `promptTokenCount`. */
    readonly cachedContentTokenCount?: number | null;
  } | null;
  /** An error body inside the stream, as the REST API sends when a stream fails part-way. */
  readonly error?: { readonly code?: unknown; readonly message?: string; readonly status?: string } | null;
}

export interface GeminiCandidateLike {
  readonly content?: { readonly parts?: readonly GeminiPartLike[] | null } | null;
  readonly finishReason?: string | null;
}

export interface GeminiPartLike {
  readonly text?: string | null;
  /** Marks a thought summary: reasoning, not answer. */
  readonly thought?: boolean | null;
  readonly functionCall?: GeminiFunctionCallLike | null;
}

export interface GeminiFunctionCallLike {
  readonly id?: string | null;
  readonly name?: string | null;
  readonly args?: Record<string, unknown> | null;
  /** Gemini 3 streamed arguments: leaf values addressed by JSON path. */
  readonly partialArgs?: readonly GeminiPartialArgLike[] | null;
  /** More parts of this call follow. */
  readonly willContinue?: boolean | null;
}

export interface GeminiPartialArgLike {
  readonly jsonPath?: string | null;
  readonly stringValue?: string | null;
  readonly numberValue?: number | null;
  readonly boolValue?: boolean | null;
  readonly nullValue?: unknown;
  /** More of this string follows, on the same path. */
  readonly willContinue?: boolean | null;
}

interface StreamedCall {
  readonly index: number;
  readonly encoder: PathDeltaEncoder;
  written: boolean;
  /** A path could not be written; the call's JSON stays as it was, and the error says why. */
  failed: boolean;
}

const CONTENT_FILTER = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/**
 * The first candidate of a Gemini stream as `ProviderEvent`s.
 *
 * - `text` has index 0; parts marked `thought` are `reasoning`.
 * - `tool-call` indexes count the function calls in order. Whole `args` are one `tool-arguments`
 *   delta; streamed `partialArgs` become the JSON text a model would have written, piece by piece.
 *   A call without arguments gets `{}`.
 * - A streamed call ends with its first `functionCall` part that does not say `willContinue` (with
 *   or without more arguments), with a part that starts another call, or with the stream.
 * - `usage` (the last reported) and `finish` come once each, at the end. A response that called
 *   functions and stopped normally finishes with `tool`; a blocked prompt finishes with
 *   `content-filter` and its block reason as `raw`.
 */
export async function* geminiEvents(
  chunks: AsyncIterable<GeminiResponseLike>,
): AsyncGenerator<ProviderEvent, void, undefined> {
  let calls = 0;
  let streamed: StreamedCall | undefined;
  let usage: Usage | undefined;
  let finishRaw: string | undefined;
  let blockReason: string | undefined;

  function* endStreamed(): Generator<ProviderEvent> {
    if (streamed === undefined) return;
    const call = streamed;
    streamed = undefined;
    if (call.failed) return;
    const delta = call.written ? call.encoder.end() : "{}";
    if (delta !== "") yield { type: "tool-arguments", index: call.index, delta };
  }

  function* functionCall(call: GeminiFunctionCallLike): Generator<ProviderEvent> {
    if (startsCall(call)) yield* endStreamed();
    if (streamed === undefined) {
      // `{}` and `{ willContinue: true }` with nothing open carry nothing.
      if (!call.name && !call.partialArgs?.length && call.args == null) return;
      const index = calls++;
      yield {
        type: "tool-call",
        index,
        ...(call.id ? { id: call.id } : {}),
        ...(call.name ? { name: call.name } : {}),
      };
      if (call.willContinue !== true && !call.partialArgs?.length) {
        yield { type: "tool-arguments", index, delta: JSON.stringify(call.args ?? {}) };
        return;
      }
      streamed = { index, encoder: createPathDeltaEncoder(), written: false, failed: false };
    }
    const current = streamed;
    let delta = "";
    let failure: Error | undefined;
    for (const arg of current.failed ? [] : (call.partialArgs ?? [])) {
      const value = leafOf(arg);
      if (value === undefined || !arg.jsonPath) continue;
      try {
        delta += current.encoder.write(arg.jsonPath, value, arg.willContinue === true);
      } catch (error) {
        failure = error as Error;
        break;
      }
    }
    if (delta !== "") {
      current.written = true;
      yield { type: "tool-arguments", index: current.index, delta };
    }
    if (failure !== undefined) {
      // The rest of this call is skipped, not started as a call of its own.
      current.failed = true;
      yield { type: "error", message: failure.message, body: call, cause: failure };
    }
    if (call.willContinue !== true) yield* endStreamed();
  }

  for await (const chunk of chunks) {
    if (chunk.error) {
      const status = googleErrorStatus(chunk.error);
      const errorType = chunk.error.status;
      yield {
        type: "error",
        message: chunk.error.message || errorType || "The provider reported an error",
        ...(status !== undefined ? { status } : {}),
        ...(errorType ? { errorType } : {}),
        body: chunk.error,
      };
    }
    if (chunk.usageMetadata) usage = usageOf(chunk.usageMetadata);
    if (chunk.promptFeedback?.blockReason) blockReason = chunk.promptFeedback.blockReason;

    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) {
        yield* functionCall(part.functionCall);
      } else if (typeof part.text === "string" && part.text !== "") {
        yield part.thought
          ? { type: "reasoning", delta: part.text }
          : { type: "text", index: 0, delta: part.text };
      }
    }
    if (candidate?.finishReason) finishRaw = candidate.finishReason;
  }
  yield* endStreamed();

  if (usage !== undefined) yield { type: "usage", usage };
  if (blockReason !== undefined) {
    yield { type: "finish", reason: "content-filter", raw: blockReason };
  } else if (finishRaw !== undefined) {
    yield { type: "finish", reason: finishReasonOf(finishRaw, calls > 0), raw: finishRaw };
  }
}

/**
 * Whether a part opens a call rather than continuing the open one: it names a call and either carries
 * whole `args` or announces arguments to come. Any other part, named or not, belongs to the open call.
 */
function startsCall(call: GeminiFunctionCallLike): boolean {
  return (
    Boolean(call.name) && (call.args != null || (call.willContinue === true && !call.partialArgs?.length))
  );
}

function leafOf(arg: GeminiPartialArgLike): PathDeltaValue | undefined {
  if (typeof arg.stringValue === "string") return arg.stringValue;
  if (typeof arg.numberValue === "number") return arg.numberValue;
  if (typeof arg.boolValue === "boolean") return arg.boolValue;
  if (arg.nullValue !== undefined) return null;
  return undefined;
}

function finishReasonOf(raw: string, calledFunctions: boolean): FinishReason {
  if (raw === "STOP") return calledFunctions ? "tool" : "stop";
  if (raw === "MAX_TOKENS") return "length";
  if (CONTENT_FILTER.has(raw)) return "content-filter";
  return "other";
}

function usageOf(usage: NonNullable<GeminiResponseLike["usageMetadata"]>): Usage {
  return {
    ...(typeof usage.promptTokenCount === "number" ? { inputTokens: usage.promptTokenCount } : {}),
    ...(typeof usage.candidatesTokenCount === "number" ? { outputTokens: usage.candidatesTokenCount } : {}),
    ...(typeof usage.totalTokenCount === "number" ? { totalTokens: usage.totalTokenCount } : {}),
    ...(typeof usage.cachedContentTokenCount === "number"
      ? { cacheReadTokens: usage.cachedContentTokenCount }
      : {}),
  };
}
