// Shared shapes of the partial-JSON engine: the values it builds and the options it takes.
// Kept apart from the parser so that layers above can name them without pulling in the state machine.

/** A JSON value as `JSON.parse` produces it. Snapshots use the same shape, only less of it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON array or object. */
export type JsonContainer = JsonValue[] | { [key: string]: JsonValue };

/** One step of a path: an object key or an array index. */
export type { PathSegment } from "../util/index.js";

import type { PathSegment } from "../util/index.js";

export interface PartialParserOptions {
  /**
   * Skip prose before the first `{` or `[` (so a ```json fence or a sentence is fine), and ignore
   * everything after the first complete value. Off by default: the input must be exactly one JSON text.
   */
  readonly lenient?: boolean;
  /**
   * Read a sequence of top-level values (JSON Lines, or concatenated JSON). The snapshot is then an
   * array of the values read so far, the last of which may still be partial.
   */
  readonly multiple?: boolean;
  /** Deepest nesting of arrays and objects allowed. Default 512. */
  readonly maxDepth?: number;
  /** Most characters of text accepted in all. Default 64 MiB (67,108,864). */
  readonly maxLength?: number;
  /**
   * Called each time a value becomes complete, innermost first, with its path from the root.
   * The value is final: it is the very object later snapshots hold at that path.
   */
  readonly onComplete?: (value: JsonValue, path: readonly PathSegment[]) => void;
}

export interface PartialParser {
  /**
   * Feeds the next piece of text. Costs O(chunk + depth). Returns whether a new snapshot is available:
   * some value grew, appeared, or became complete. Throws a `JsonStreamError` on invalid input, after
   * which `value` still holds the last good snapshot.
   */
  push(chunk: string): boolean;
  /**
   * The current snapshot, or `undefined` before any value is visible. Immutable and structurally
   * shared with the previous snapshot: only containers on the path to what changed are new objects.
   */
  readonly value: JsonValue | undefined;
  /** Declares the input finished. Returns the final value, or throws a `JsonStreamError`. */
  end(): JsonValue;
  /** Without arguments: whether the whole value is complete. */
  isComplete(): boolean;
  /** Whether this array or object (taken from a snapshot) is complete. */
  isComplete(node: object): boolean;
  /** Whether the value at `parent[key]` in that snapshot was complete when the snapshot was taken. */
  isComplete(parent: object, key: PathSegment): boolean;
  /** The path of the value being written now (empty for the root); `undefined` when nothing is open. */
  readonly activePath: readonly PathSegment[] | undefined;
  /** Characters consumed so far. */
  readonly offset: number;
}
