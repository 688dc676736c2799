// The incremental partial-JSON parser: one pass over the text, a state machine that survives any
// chunk boundary, and snapshots built lazily from per-container working copies.
//
// Invariants (the property tests in parser.property.test.ts check them):
// - Each character is examined a bounded number of times; `push` never looks back at earlier chunks.
// - Only containers on the stack (the path from the root to the value being written) can change.
//   A container that closes is frozen: its working copy becomes its final snapshot, shared forever.
// - A working copy (`Frame.work`) is never handed out while its container is open. A snapshot is a
//   shallow copy of every working copy on the stack, made only when `value` is read after a change,
//   so a read costs O(sum of the widths of the open containers) and a push costs O(chunk + depth).
// - Visible: a string from its opening quote (growing, never ending in half a surrogate pair or an
//   unfinished escape); numbers, true, false, null only once complete; a key once its value is visible.
// - No recursion anywhere: nesting lives in `stack`, so depth is bounded by `maxDepth`, not the call stack.

import { JsonStreamError, type JsonStreamErrorCode } from "../errors/index.js";
import { isMarkedComplete, markComplete, markOpenString, openStringSlot } from "./marks.js";
import type { JsonValue, PartialParser, PartialParserOptions, PathSegment } from "./types.js";

type JsonObject = { [key: string]: JsonValue };

// Parser states. Plain numbers keep the hot `switch` a jump table.
const VALUE = 0; // a value must start here (after `:`, after `,` in an array, between top-level values)
const ARRAY_START = 1; // after `[`: a value or `]`
const OBJECT_START = 2; // after `{`: a key or `}`
const KEY = 3; // after `,` in an object: a key
const COLON = 4; // after a key
const AFTER = 5; // after a value inside a container: `,` or the closing bracket
const STRING = 6;
const ESCAPE = 7; // after a backslash in a string
const UNICODE = 8; // inside \uXXXX
const NUMBER = 9;
const LITERAL = 10; // inside true / false / null
const END = 11; // the single top-level value is complete
const PROSE = 12; // lenient: text before a value
const IGNORE = 13; // lenient: text after the value
const FAILED = 14;

// Number sub-states (JSON grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?).
const N_MINUS = 0;
const N_ZERO = 1;
const N_INT = 2;
const N_DOT = 3;
const N_FRAC = 4;
const N_E = 5;
const N_E_SIGN = 6;
const N_EXP = 7;
// A number may end in these sub-states; in the others it is still missing a digit.
const NUMBER_CAN_END = [false, true, true, false, true, false, false, true];

const DEFAULT_MAX_DEPTH = 512;
const DEFAULT_MAX_LENGTH = 64 * 1024 * 1024;
const EXCERPT_RADIUS = 24;

/** One open array or object. */
class Frame {
  /** The working copy: child snapshots so far. Mutated while open, handed out only once closed. */
  readonly work: JsonValue[] | JsonObject;
  /** The latest snapshot built from `work`. */
  snap: JsonValue[] | JsonObject | undefined = undefined;
  /** Where the child being written goes: an index, or the key. */
  slot: PathSegment = 0;
  /** Whether a child is being written at `slot`. */
  open = false;
  /** The last key read, waiting for its value. */
  key = "";
  /** `slot` is "__proto__", which plain assignment would treat as the prototype. */
  protoSlot = false;

  constructor(
    readonly isArray: boolean,
    /** The implicit array holding the top-level values in `multiple` mode. */
    readonly implicit = false,
  ) {
    this.work = isArray ? [] : {};
  }

  set(value: JsonValue): void {
    if (this.isArray) {
      (this.work as JsonValue[])[this.slot as number] = value;
    } else if (this.protoSlot) {
      Object.defineProperty(this.work, "__proto__", {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      (this.work as JsonObject)[this.slot as string] = value;
    }
  }

  copy(): JsonValue[] | JsonObject {
    return this.isArray ? (this.work as JsonValue[]).slice() : { ...(this.work as JsonObject) };
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Whether `key` names a member of the JSON container (not `length`, not an inherited property). */
function isMember(node: object, key: PathSegment): boolean {
  if (!Array.isArray(node)) return Object.hasOwn(node, key);
  const index = typeof key === "number" ? key : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
  return Number.isInteger(index) && index >= 0 && index < node.length;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function describe(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, "0")}`;
  return JSON.stringify(char);
}

class Parser implements PartialParser {
  private readonly lenient: boolean;
  private readonly multiple: boolean;
  private readonly maxDepth: number;
  private readonly maxLength: number;
  private readonly onComplete: PartialParserOptions["onComplete"];

  private state: number;
  private readonly stack: Frame[] = [];
  /** Containers opened and not closed, not counting the implicit one of `multiple` mode. */
  private depth = 0;

  // String being read (a value or a key).
  private str = "";
  private strIsKey = false;
  /** A trailing high surrogate held back until we know whether its low half follows. */
  private strHeld = "";
  private unicodeDigits = 0;
  private unicodeCode = 0;

  // Number being read: its text before the current chunk, and its sub-state.
  private numText = "";
  private numState = N_MINUS;

  // Literal being read.
  private litText = "";
  private litValue: JsonValue = null;
  private litPos = 0;

  // Top-level value when no frame holds it.
  private root: JsonValue | undefined = undefined;
  private rootComplete = false;

  private snapshot: JsonValue | undefined = undefined;
  private dirty = false;

  // Position bookkeeping, for error messages.
  private consumed = 0;
  private newlines = 0;
  private lastNewline = -1;
  private tail = "";
  private error: JsonStreamError | undefined = undefined;
  /** The parser failed inside a value string, whose valid prefix stays visible. */
  private failedInString = false;
  private ended = false;

  constructor(options: PartialParserOptions = {}) {
    this.lenient = options.lenient ?? false;
    this.multiple = options.multiple ?? false;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    this.onComplete = options.onComplete;
    this.state = this.lenient ? PROSE : VALUE;
    if (this.multiple) {
      this.stack.push(new Frame(true, true));
      this.dirty = true;
    }
  }

  get offset(): number {
    return this.consumed;
  }

  get value(): JsonValue | undefined {
    if (this.dirty) this.materialize();
    return this.snapshot;
  }

  get activePath(): readonly PathSegment[] | undefined {
    const stack = this.stack;
    const top = stack.length - 1;
    if (top < 0) {
      const s = this.state;
      const writing = s === STRING || s === ESCAPE || s === UNICODE || s === NUMBER || s === LITERAL;
      return writing ? [] : undefined;
    }
    const path: PathSegment[] = [];
    for (let i = 0; i <= top; i++) {
      const frame = stack[i]!;
      if (i < top || frame.open) path.push(frame.slot);
    }
    return path;
  }

  isComplete(node?: object, key?: PathSegment): boolean {
    if (node === undefined) return this.rootComplete;
    if (isMarkedComplete(node)) return true;
    if (key === undefined || !isMember(node, key)) return false;
    const child = (node as Record<PathSegment, unknown>)[key];
    if (typeof child === "object" && child !== null) return isMarkedComplete(child);
    if (typeof child !== "string") return true;
    const openSlot = openStringSlot(node);
    return openSlot === undefined || String(openSlot) !== String(key);
  }

  push(chunk: string): boolean {
    if (this.error) throw this.error;
    if (this.ended) throw new Error("fieldstream: push() called after end()");
    // Lenient mode ignores whatever follows the value, so it no longer counts against maxLength either.
    if (this.state === IGNORE) return false;
    const room = this.maxLength - this.consumed;
    const limit = Math.min(chunk.length, room);
    const before = this.dirty;
    this.dirty = false;
    try {
      this.scan(chunk, limit);
      if (limit < chunk.length) {
        this.fail(
          "max-length",
          `Input is longer than maxLength (${this.maxLength} characters)`,
          chunk,
          limit,
        );
      }
    } catch (error) {
      this.dirty = true;
      // V8 throws a RangeError when a string outgrows its maximum length: that is a size limit too.
      if (error instanceof RangeError && !this.error) {
        this.captureFailure("max-length", `Input too large: ${error.message}`, chunk, 0, error);
      }
      this.state = FAILED;
      throw this.error ?? error;
    }
    this.consumed += limit;
    this.remember(chunk, limit);
    const changed = this.dirty;
    this.dirty = changed || before;
    return changed;
  }

  end(): JsonValue {
    if (this.error) throw this.error;
    if (this.ended) return this.value as JsonValue;
    const state = this.state;
    if (state === NUMBER && NUMBER_CAN_END[this.numState] && this.depth === 0) {
      this.finishNumber("", 0);
    }
    if (this.state === END || this.state === IGNORE) {
      this.ended = true;
      return this.value as JsonValue;
    }
    if (this.multiple && this.depth === 0 && (this.state === VALUE || this.state === PROSE)) {
      const frame = this.stack.pop()!;
      markComplete(frame.work);
      this.root = frame.work;
      this.rootComplete = true;
      this.dirty = true;
      this.ended = true;
      return frame.work;
    }
    if (this.state === PROSE) {
      this.fail("no-value", "No JSON object or array found in the text", "", 0);
    }
    this.fail("unexpected-end", "Unexpected end of JSON input", "", 0);
  }

  /** Builds a new snapshot: a shallow copy of every open container, innermost first. */
  private materialize(): void {
    this.dirty = false;
    const stack = this.stack;
    const top = stack.length - 1;
    const stringOpen = this.isValueStringOpen();
    if (top < 0) {
      this.snapshot = stringOpen ? this.str : this.root;
      return;
    }
    let child: JsonValue | undefined = stringOpen ? this.str : undefined;
    for (let i = top; i >= 0; i--) {
      const frame = stack[i]!;
      if (child !== undefined) frame.set(child);
      const snap = frame.copy();
      frame.snap = snap;
      child = snap;
    }
    if (stringOpen) markOpenString(stack[top]!.snap!, stack[top]!.slot);
    this.snapshot = stack[0]!.snap;
  }

  private isValueStringOpen(): boolean {
    const s = this.state;
    return (
      (s === STRING || s === ESCAPE || s === UNICODE || (s === FAILED && this.failedInString)) &&
      !this.strIsKey
    );
  }

  private scan(chunk: string, n: number): void {
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case STRING: {
          // The hot loop: everything up to the next quote, backslash or control character.
          let j = i;
          let c = 0;
          while (j < n) {
            c = chunk.charCodeAt(j);
            if (c === 34 || c === 92 || c < 32) break;
            j++;
          }
          if (j > i) this.appendString(chunk.slice(i, j));
          if (j === n) return;
          if (c === 34) {
            i = j + 1;
            this.finishString();
          } else if (c === 92) {
            i = j + 1;
            this.state = ESCAPE;
          } else {
            this.fail("unexpected-character", `Unescaped ${describe(chunk[j]!)} in string`, chunk, j);
          }
          break;
        }
        case AFTER: {
          const c = chunk.charCodeAt(i);
          if (c === 44) {
            // ,
            this.state = this.stack[this.stack.length - 1]!.isArray ? VALUE : KEY;
            i++;
          } else if (c === 125 || c === 93) {
            // } ]
            if (this.stack[this.stack.length - 1]!.isArray !== (c === 93)) this.unexpected(chunk, i);
            i++;
            this.closeContainer();
          } else if (c === 32 || c === 10 || c === 13 || c === 9) {
            i = this.skipWhitespace(chunk, i, n);
          } else {
            this.unexpected(chunk, i);
          }
          break;
        }
        case VALUE:
        case ARRAY_START: {
          const c = chunk.charCodeAt(i);
          if (c === 32 || c === 10 || c === 13 || c === 9) {
            i = this.skipWhitespace(chunk, i, n);
          } else if (c === 93 && this.state === ARRAY_START) {
            i++;
            this.closeContainer();
          } else {
            i = this.beginValue(chunk, i, n);
          }
          break;
        }
        case OBJECT_START:
        case KEY: {
          const c = chunk.charCodeAt(i);
          if (c === 34) {
            this.str = "";
            this.strIsKey = true;
            this.state = STRING;
            i++;
          } else if (c === 32 || c === 10 || c === 13 || c === 9) {
            i = this.skipWhitespace(chunk, i, n);
          } else if (c === 125 && this.state === OBJECT_START) {
            i++;
            this.closeContainer();
          } else {
            this.unexpected(chunk, i);
          }
          break;
        }
        case COLON: {
          const c = chunk.charCodeAt(i);
          if (c === 58) {
            this.state = VALUE;
            i++;
          } else if (c === 32 || c === 10 || c === 13 || c === 9) {
            i = this.skipWhitespace(chunk, i, n);
          } else {
            this.unexpected(chunk, i);
          }
          break;
        }
        case NUMBER:
          i = this.scanNumber(chunk, i, n);
          break;
        case ESCAPE:
          this.escape(chunk, i);
          i++;
          break;
        case UNICODE: {
          const digit = hexValue(chunk.charCodeAt(i));
          if (digit < 0) {
            this.fail("unexpected-character", `Invalid \\u escape: ${describe(chunk[i]!)}`, chunk, i);
          }
          this.unicodeCode = this.unicodeCode * 16 + digit;
          i++;
          if (++this.unicodeDigits === 4) {
            this.state = STRING;
            this.appendString(String.fromCharCode(this.unicodeCode));
          }
          break;
        }
        case LITERAL: {
          const text = this.litText;
          while (i < n && this.litPos < text.length) {
            if (chunk.charCodeAt(i) !== text.charCodeAt(this.litPos)) this.unexpected(chunk, i);
            i++;
            this.litPos++;
          }
          if (this.litPos === text.length) this.finishValue(this.litValue);
          break;
        }
        case END: {
          const c = chunk.charCodeAt(i);
          if (c === 32 || c === 10 || c === 13 || c === 9) {
            i = this.skipWhitespace(chunk, i, n);
          } else {
            this.fail(
              "unexpected-character",
              `Unexpected ${describe(chunk[i]!)} after the JSON value`,
              chunk,
              i,
            );
          }
          break;
        }
        case PROSE:
          i = this.skipProse(chunk, i, n);
          break;
        case IGNORE:
          return;
        default:
          throw this.error;
      }
    }
  }

  private skipWhitespace(chunk: string, i: number, n: number): number {
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) {
        this.newlines++;
        this.lastNewline = this.consumed + i;
      } else if (c !== 32 && c !== 13 && c !== 9) {
        break;
      }
    }
    return i;
  }

  private skipProse(chunk: string, i: number, n: number): number {
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 123 || c === 91) return this.beginValue(chunk, i, n);
      if (c === 10) {
        this.newlines++;
        this.lastNewline = this.consumed + i;
      }
    }
    return i;
  }

  /** Starts the value whose first character is `chunk[i]`; returns the index after what it consumed. */
  private beginValue(chunk: string, i: number, n: number): number {
    const c = chunk.charCodeAt(i);
    const top = this.stack[this.stack.length - 1];
    if (top) {
      top.slot = top.isArray ? (top.work as JsonValue[]).length : top.key;
      top.protoSlot = !top.isArray && top.key === "__proto__";
      top.open = true;
    }
    if (c === 34) {
      this.str = "";
      this.strIsKey = false;
      this.state = STRING;
      this.dirty = true;
      return i + 1;
    }
    if (c === 123 || c === 91) {
      if (this.depth >= this.maxDepth) {
        this.fail("max-depth", `Nesting deeper than maxDepth (${this.maxDepth})`, chunk, i);
      }
      this.stack.push(new Frame(c === 91));
      this.depth++;
      this.state = c === 91 ? ARRAY_START : OBJECT_START;
      this.dirty = true;
      return i + 1;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      this.numText = "";
      this.numState = c === 45 ? N_MINUS : c === 48 ? N_ZERO : N_INT;
      this.state = NUMBER;
      return this.scanNumber(chunk, i + 1, n, i);
    }
    if (c === 116) return this.beginLiteral("true", true, i);
    if (c === 102) return this.beginLiteral("false", false, i);
    if (c === 110) return this.beginLiteral("null", null, i);
    return this.unexpected(chunk, i);
  }

  private beginLiteral(text: string, value: JsonValue, i: number): number {
    this.litText = text;
    this.litValue = value;
    this.litPos = 1;
    this.state = LITERAL;
    return i + 1;
  }

  /** Reads number characters from `i`; `start` is where the number began if it began in this chunk. */
  private scanNumber(chunk: string, i: number, n: number, start = 0): number {
    let s = this.numState;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      const digit = c >= 48 && c <= 57;
      switch (s) {
        case N_MINUS:
          if (!digit) this.unexpected(chunk, i);
          s = c === 48 ? N_ZERO : N_INT;
          continue;
        case N_ZERO:
          break;
        case N_INT:
          if (digit) continue;
          break;
        case N_DOT:
          if (!digit) this.unexpected(chunk, i);
          s = N_FRAC;
          continue;
        case N_FRAC:
          if (digit) continue;
          break;
        case N_E:
          if (c === 43 || c === 45) {
            s = N_E_SIGN;
            continue;
          }
          if (!digit) this.unexpected(chunk, i);
          s = N_EXP;
          continue;
        case N_E_SIGN:
          if (!digit) this.unexpected(chunk, i);
          s = N_EXP;
          continue;
        default:
          if (digit) continue;
          this.numState = s;
          return this.finishNumber(chunk.slice(start, i), i);
      }
      // In N_ZERO, N_INT or N_FRAC and not a digit (or a digit after a leading zero).
      if (c === 46 && s !== N_FRAC) {
        s = N_DOT;
      } else if (c === 101 || c === 69) {
        s = N_E;
      } else if (digit) {
        // "01": a leading zero cannot be followed by a digit.
        this.unexpected(chunk, i);
      } else {
        this.numState = s;
        return this.finishNumber(chunk.slice(start, i), i);
      }
    }
    this.numState = s;
    this.numText += chunk.slice(start, n);
    return n;
  }

  private finishNumber(rest: string, i: number): number {
    const text = this.numText + rest;
    this.numText = "";
    if (!NUMBER_CAN_END[this.numState]) {
      this.fail("unexpected-character", "Unfinished number", "", 0, this.consumed + i);
    }
    this.finishValue(+text);
    return i;
  }

  private escape(chunk: string, i: number): void {
    const c = chunk.charCodeAt(i);
    let text: string;
    switch (c) {
      case 34:
        text = '"';
        break;
      case 92:
        text = "\\";
        break;
      case 47:
        text = "/";
        break;
      case 98:
        text = "\b";
        break;
      case 102:
        text = "\f";
        break;
      case 110:
        text = "\n";
        break;
      case 114:
        text = "\r";
        break;
      case 116:
        text = "\t";
        break;
      case 117:
        this.state = UNICODE;
        this.unicodeDigits = 0;
        this.unicodeCode = 0;
        return;
      default:
        this.fail("unexpected-character", `Invalid escape \\${chunk[i]}`, chunk, i);
    }
    this.state = STRING;
    this.appendString(text);
  }

  /** Appends decoded text to the string, holding back a final high surrogate until its pair is known. */
  private appendString(text: string): void {
    if (this.strHeld !== "") {
      text = this.strHeld + text;
      this.strHeld = "";
    }
    const last = text.length - 1;
    if (isHighSurrogate(text.charCodeAt(last))) {
      this.strHeld = text[last]!;
      if (last === 0) return;
      text = text.slice(0, last);
    }
    this.str += text;
    if (!this.strIsKey) this.dirty = true;
  }

  private finishString(): void {
    const text = this.str + this.strHeld;
    this.str = "";
    this.strHeld = "";
    if (this.strIsKey) {
      this.stack[this.stack.length - 1]!.key = text;
      this.state = COLON;
    } else {
      this.finishValue(text);
    }
  }

  private closeContainer(): void {
    const frame = this.stack.pop()!;
    this.depth--;
    const final = frame.work;
    markComplete(final);
    frame.snap = final;
    this.finishValue(final);
  }

  /** Records a complete value in its parent (or as the root) and moves to what may follow it. */
  private finishValue(value: JsonValue): void {
    this.dirty = true;
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.root = value;
      this.rootComplete = true;
      this.state = this.lenient ? IGNORE : END;
    } else {
      top.set(value);
      top.open = false;
      this.state = top.implicit ? (this.lenient ? PROSE : VALUE) : AFTER;
    }
    if (this.onComplete) this.notify(value);
  }

  private notify(value: JsonValue): void {
    const path: PathSegment[] = [];
    for (const frame of this.stack) path.push(frame.slot);
    try {
      this.onComplete!(value, path);
    } catch (error) {
      this.fail("callback", "The onComplete callback threw", "", 0, this.consumed, error);
    }
  }

  private unexpected(chunk: string, i: number): never {
    const what = i < chunk.length ? `Unexpected ${describe(chunk[i]!)}` : "Unexpected end of chunk";
    this.fail("unexpected-character", what, chunk, i);
  }

  /**
   * Stops the parser with a JsonStreamError at chunk index `i` (or at the absolute `offset` given).
   * The snapshot keeps what the valid prefix built.
   */
  private fail(
    code: JsonStreamErrorCode,
    message: string,
    chunk: string,
    i: number,
    offset = this.consumed + i,
    cause?: unknown,
  ): never {
    this.captureFailure(code, message, chunk, offset - this.consumed, cause);
    throw this.error;
  }

  private captureFailure(
    code: JsonStreamErrorCode,
    message: string,
    chunk: string,
    i: number,
    cause?: unknown,
  ): void {
    const offset = this.consumed + i;
    const text = this.tail + chunk;
    const at = i + this.tail.length;
    const excerpt = text
      .slice(Math.max(0, at - EXCERPT_RADIUS), Math.min(text.length, at + EXCERPT_RADIUS))
      .replace(/[\u0000-\u001f]/g, " ")
      .trim();
    const line = this.newlines + 1;
    const column = offset - this.lastNewline;
    this.failedInString = this.isValueStringOpen();
    this.state = FAILED;
    this.dirty = true;
    this.error = new JsonStreamError(message, { code, offset, line, column, excerpt, cause });
  }

  /** Keeps the end of the text seen so far, for error excerpts that straddle chunks. */
  private remember(chunk: string, n: number): void {
    const text = n === chunk.length ? chunk : chunk.slice(0, n);
    // Appending is cheap; trimming only once the tail has doubled keeps this O(1) per chunk.
    this.tail = text.length >= EXCERPT_RADIUS ? text : this.tail + text;
    if (this.tail.length > 2 * EXCERPT_RADIUS) this.tail = this.tail.slice(-EXCERPT_RADIUS);
  }
}

/**
 * Creates an incremental parser for one JSON text (or a sequence of them with `multiple`).
 * Feed it text as it arrives with `push`; read `value` whenever you like.
 */
export function createPartialParser(options?: PartialParserOptions): PartialParser {
  return new Parser(options);
}
