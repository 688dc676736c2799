// The contract between the server and each wire format: what a format must render for a script, for
// an error and for a replayed chunk, and the event shape the server frames and writes.

import type { Plan } from "../script.js";

export type ApiName = "openai-chat" | "openai-responses" | "anthropic-messages" | "google-gemini";

/** One event of a streamed answer, before framing. Exactly one of `data`, `text`, `frame` is set. */
export interface WireEvent {
  /** The SSE `event:` name. */
  readonly event?: string;
  /** A JSON payload, serialised when framed. */
  readonly data?: unknown;
  /** A payload written verbatim after `data: ` (`[DONE]`, a broken line, a replayed chunk line). */
  readonly text?: string;
  /** A whole SSE block written byte for byte (a replayed raw SSE body). */
  readonly frame?: string;
  /** Carries a piece of text, refusal or arguments; fault positions count these events. */
  readonly content?: boolean;
  /** Nothing more is sent from here on; the connection stays open. */
  readonly stall?: true;
}

/** What a wire format knows about the request it answers. */
export interface WireContext {
  readonly body: Readonly<Record<string, unknown>>;
  /** The script's model, else the request's, else a default for the API. */
  readonly model: string;
  readonly created: number;
  /** A fresh id with the given prefix, unique within the server. */
  readonly id: (prefix: string) => string;
}

export interface WireFormat {
  readonly api: ApiName;
  /** Line ending of the SSE framing (Google's servers use CRLF). */
  readonly eol: "\n" | "\r\n";
  readonly defaultModel: string;
  /** The streamed answer. */
  stream(plan: Plan, ctx: WireContext): WireEvent[];
  /** The non-streaming JSON body. */
  body(plan: Plan, ctx: WireContext): unknown;
  /** The JSON body of an HTTP error. */
  errorBody(status: number, message: string, ctx: { readonly id: (prefix: string) => string }): unknown;
  /**
   * The provider's own mid-stream error event(s) for a failure with this HTTP status (its overload or
   * server error when left out); the stream ends after them.
   */
  errorEvents(message: string, ctx: WireContext, status?: number): WireEvent[];
  /** An event whose `data:` line is not JSON. */
  malformedEvent(): WireEvent;
  /** One line of a "one chunk JSON per line" recording, as this API frames it. */
  replayEvent(line: string): WireEvent;
  /** Events closing a replayed "chunks" recording (`data: [DONE]` for chat completions). */
  readonly replayEnd: readonly WireEvent[];
  /** Last touches once the event list is final (sequence numbers). */
  finalize?(events: WireEvent[]): WireEvent[];
  /** Response headers such as request ids. */
  headers(ctx: { readonly id: (prefix: string) => string }): Record<string, string>;
  /** The API key the request carries, wherever this API puts it. */
  apiKey(
    headers: Readonly<Record<string, string>>,
    query: Readonly<Record<string, string>>,
  ): string | undefined;
}

/** Shared helper for "the type field of a chunk line" used to name replayed SSE events. */
export function chunkType(line: string): string | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (
      value !== null &&
      typeof value === "object" &&
      typeof (value as { type?: unknown }).type === "string"
    ) {
      return (value as { type: string }).type;
    }
  } catch {
    // A broken line keeps no event name; the client sees it as the recording had it.
  }
  return undefined;
}

export function bearer(headers: Readonly<Record<string, string>>): string | undefined {
  const auth = headers.authorization;
  if (auth === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(auth);
  return match?.[1]?.trim() || undefined;
}
