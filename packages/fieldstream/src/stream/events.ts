// The seam between whatever produces a stream (a text source, a model call, a browser's connection)
// and ObjectStream: the events they write, which the stream folds and keeps in order as its log.

/** Token counts as the provider reported them; missing counts are left out. */
export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
  /** Input tokens read from the provider's prompt cache (part of `inputTokens` or on top, as it reports). */
  readonly cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache. */
  readonly cacheWriteTokens?: number;
}

/**
 * Why generation stopped, normalised: `stop` (done), `length` (the token limit: the output is cut),
 * `tool` (stopped to call a tool), `content-filter`, `refusal`, `other` (see `raw`).
 */
export type FinishReason = "stop" | "length" | "tool" | "content-filter" | "refusal" | "other";

/**
 * What happened on a stream, in order. Text is the raw JSON text as it arrived (never snapshots), so
 * the log is enough to rebuild the stream anywhere by folding it again.
 */
export type StreamEvent =
  /** A new attempt begins (a re-ask or a retry): its text starts again from offset 0. */
  | { readonly type: "attempt"; readonly attempt: number }
  /** JSON text of the attempt; `offset` is where it starts in that attempt's text. */
  | { readonly type: "text"; readonly attempt: number; readonly offset: number; readonly text: string }
  /** Reasoning or thinking text: shown beside the answer, never part of the JSON. */
  | { readonly type: "reasoning"; readonly attempt: number; readonly text: string }
  /** The model began a tool call (tools modes). */
  | {
      readonly type: "tool-call";
      readonly attempt: number;
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
    }
  /** Tokens an attempt used, added to what earlier events reported. */
  | { readonly type: "usage"; readonly usage: Usage }
  /** Why the attempt's generation stopped, normalised, with the provider's own word in `raw`. */
  | {
      readonly type: "finish";
      readonly attempt: number;
      readonly reason: FinishReason;
      readonly raw?: string;
    }
  /** The end: the validated value. */
  | { readonly type: "done"; readonly value: unknown }
  /** The end: what the stream failed with. */
  | { readonly type: "error"; readonly error: unknown };

/** An event as a driver writes it: the stream numbers attempts and text offsets itself. */
export type DriverEvent =
  | { readonly type: "attempt" }
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "reasoning"; readonly text: string }
  | { readonly type: "tool-call"; readonly index: number; readonly id?: string; readonly name?: string }
  | { readonly type: "usage"; readonly usage: Usage }
  | { readonly type: "finish"; readonly reason: FinishReason; readonly raw?: string };

/** How an attempt's text turned out once it ended: the validated value, or why not. */
export type AttemptOutcome =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly error: unknown;
      /** The raw JSON text the attempt received. */
      readonly text: string;
      /** The attempt's last partial. */
      readonly partial: unknown;
      /** Whether a JSON value began in the text; false when it held only prose, or nothing. */
      readonly started: boolean;
    };

/**
 * What a driver gets to write a stream with. It writes events as they happen, asks for the outcome
 * of an attempt once its text is over, and ends the stream exactly once (`done` or `fail`).
 */
export interface StreamWriter {
  /** Aborted when the stream is, for good. */
  readonly signal: AbortSignal;
  /**
   * Aborted when the attempt under way is given up: the stream's abort, bad JSON, or a field that
   * failed with `onInvalidField: "abort"`. A driver stops reading its source when it fires.
   */
  readonly attemptSignal: AbortSignal;
  /** The attempt under way, from 1. */
  readonly attempt: number;
  /** The newest partial of the attempt under way. */
  readonly partial: unknown;
  /** Appends an event to the log and folds it; ignored once the attempt or the stream is over. */
  write(event: DriverEvent): void;
  /**
   * Ends the attempt's text: closes the parse, waits for the field checks, validates the value. With
   * `failed`, the attempt failed before its text was over (its source broke): no validation.
   */
  settle(failed?: { readonly error: unknown }): Promise<AttemptOutcome>;
  /** Ends the stream with its validated value. */
  done(value: unknown): void;
  /** Ends the stream with an error. */
  fail(error: unknown): void;
}

/** Produces a stream's events; the stream starts it once and fails with whatever it throws. */
export type Driver = (writer: StreamWriter) => Promise<void>;
