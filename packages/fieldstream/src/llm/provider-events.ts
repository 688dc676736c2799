// What every provider adapter turns a wire stream into: JSON text deltas on numbered channels, plus
// the facts around them (usage, why it stopped, a refusal, an error), in one provider-neutral form.

import type { FinishReason, Usage } from "../stream/index.js";

export type { FinishReason, Usage };

export type ProviderEvent =
  /** Model text (the JSON itself in text modes). `index` is the choice or output item. */
  | { readonly type: "text"; readonly index: number; readonly delta: string }
  /** A tool call begins: its position among the calls of this response, id and name when known. */
  | { readonly type: "tool-call"; readonly index: number; readonly id?: string; readonly name?: string }
  /** More of a tool call's JSON arguments. */
  | { readonly type: "tool-arguments"; readonly index: number; readonly delta: string }
  /** Reasoning or thinking text, never part of the JSON. */
  | { readonly type: "reasoning"; readonly delta: string }
  | { readonly type: "usage"; readonly usage: Usage }
  | { readonly type: "finish"; readonly reason: FinishReason; readonly raw?: string }
  /** The model declined; `text` is its explanation. */
  | { readonly type: "refusal"; readonly text: string }
  /**
   * The provider reported an error inside an otherwise successful stream: `status` is the HTTP status
   * its error stands for, `errorType` the provider's own word for it (`overloaded_error`, `UNAVAILABLE`).
   */
  | {
      readonly type: "error";
      readonly message: string;
      readonly status?: number;
      readonly errorType?: string;
      readonly body?: unknown;
      /** What went wrong on this side reading it, when the stream could not be read as sent. */
      readonly cause?: unknown;
    };
