// The model produced no JSON at all: prose where a tool call was forced, no tool call, or nothing.
// Says what it produced instead, which a parser error about an unexpected character would hide.

import { brand } from "./brand.js";

/** What the model produced instead of a JSON value. */
export type NoObjectReason = "prose" | "no-tool-call" | "empty";

export class NoObjectError extends Error {
  /** True for a NoObjectError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is NoObjectError;
  override readonly name = "NoObjectError";
  readonly reason: NoObjectReason;
  /** The text the model wrote instead (possibly cut to its first few thousand characters). */
  readonly text: string;

  constructor(reason: NoObjectReason, text: string, options: { cause?: unknown } = {}) {
    const what =
      reason === "prose"
        ? `prose instead of JSON: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`
        : reason === "no-tool-call"
          ? "no tool call"
          : "nothing";
    super(`The model produced no JSON value (${what})`, options);
    this.reason = reason;
    this.text = text;
  }
}
NoObjectError.isInstance = brand(NoObjectError, "NoObjectError");
