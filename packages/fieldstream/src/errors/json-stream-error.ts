// Invalid, truncated or oversized JSON text, with where it went wrong in terms a person can find.
// Every failure of the parser (syntax, limits, truncation) is one of these, with a code.

import { brand } from "./brand.js";

export type JsonStreamErrorCode =
  | "unexpected-character"
  | "unexpected-end"
  | "max-depth"
  | "max-length"
  | "no-value"
  | "callback";

export interface JsonStreamErrorDetails {
  readonly code: JsonStreamErrorCode;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly excerpt: string;
  readonly cause?: unknown;
}

/** Invalid, truncated or oversized JSON text. `offset` counts UTF-16 code units from the start. */
export class JsonStreamError extends Error {
  /** True for a JsonStreamError from any copy of fieldstream. */
  static isInstance: (value: unknown) => value is JsonStreamError;
  override readonly name = "JsonStreamError";
  readonly code: JsonStreamErrorCode;
  /** Index of the offending character in the whole text (the length of the text for an early end). */
  readonly offset: number;
  /** 1-based line of `offset`. */
  readonly line: number;
  /** 1-based column of `offset`. */
  readonly column: number;
  /** A few characters around `offset`, on one line. */
  readonly excerpt: string;

  constructor(message: string, details: JsonStreamErrorDetails) {
    super(
      `${message} at line ${details.line}, column ${details.column} (offset ${details.offset})` +
        (details.excerpt ? `: ${details.excerpt}` : ""),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = details.code;
    this.offset = details.offset;
    this.line = details.line;
    this.column = details.column;
    this.excerpt = details.excerpt;
  }
}
JsonStreamError.isInstance = brand(JsonStreamError, "JsonStreamError");
