// Turns a stream of (JSON path, leaf value) writes, such as Gemini 3's streamed function-call arguments,
// back into the JSON text a model would have written, so they reach the parser like any other delta.

/** A leaf value as the writes carry it. Containers are implied by the paths. */
export type PathDeltaValue = string | number | boolean | null;

export interface PathDeltaEncoder {
  /**
   * Writes the value at `jsonPath` (`$.a.b[0]`, `$["key with space"]`) and returns the JSON text to
   * append. A string written with `willContinue` stays open: later writes to the same path append to
   * it, and the first write that does not continue closes it. Writes must come in document order.
   * Throws a `PathDeltaError` for a malformed path, one that cannot follow the previous writes, or
   * one whose array index skips more than `MAX_SKIPPED_SLOTS` elements.
   */
  write(jsonPath: string, value: PathDeltaValue, willContinue?: boolean): string;
  /** Closes the open string and every open container; returns the text that does so. */
  end(): string;
}

export type JsonPathSegment = string | number;

/**
 * How many array slots one write may skip (each written as `null`). Writes come in document order,
 * so the next index is the usual one; a gap only stands for elements that had nothing to write (an
 * empty object or array). Without a bound, one short path like `$.items[60000000]` would expand
 * into hundreds of megabytes of `null`s.
 */
export const MAX_SKIPPED_SLOTS = 32;

/** A path that cannot be parsed, or that does not follow the writes before it. */
export class PathDeltaError extends Error {
  override readonly name = "PathDeltaError";
  readonly path: string;

  constructor(message: string, path: string) {
    super(`${message}: ${path}`);
    this.path = path;
  }
}

interface Frame {
  readonly array: boolean;
  /** The member being written: a key or an index; `undefined` before the first member. */
  current: JsonPathSegment | undefined;
  /** Keys written so far (objects), to refuse a key that would silently duplicate an earlier one. */
  readonly keys: Set<string>;
}

export function createPathDeltaEncoder(): PathDeltaEncoder {
  // stack[i] is the container at the first i segments of the path being written.
  const stack: Frame[] = [];
  let openString = false;
  let rootWritten = false;

  function closeString(): string {
    if (!openString) return "";
    openString = false;
    return '"';
  }

  function closeFrames(keep: number): string {
    let out = "";
    while (stack.length > keep) out += stack.pop()!.array ? "]" : "}";
    return out;
  }

  function isOpenStringAt(segments: readonly JsonPathSegment[]): boolean {
    if (!openString || segments.length !== stack.length) return false;
    return stack.every((frame, i) => frame.current === segments[i]);
  }

  /** Starts member `segment` of `frame`, filling skipped array slots with `null` so indexes hold. */
  function enter(frame: Frame, segment: JsonPathSegment, path: string): string {
    let out = "";
    if (frame.array) {
      if (typeof segment !== "number") throw new PathDeltaError("A key inside an array", path);
      const next = frame.current === undefined ? 0 : (frame.current as number) + 1;
      if (segment < next) throw new PathDeltaError("An array index written out of order", path);
      if (segment - next > MAX_SKIPPED_SLOTS) {
        throw new PathDeltaError(`An array index more than ${MAX_SKIPPED_SLOTS} past the next one`, path);
      }
      for (let i = next; i < segment; i++) out += i === 0 ? "null" : ",null";
      if (segment > 0) out += ",";
    } else {
      if (typeof segment !== "string") throw new PathDeltaError("An index inside an object", path);
      if (frame.keys.has(segment)) throw new PathDeltaError("A key written twice", path);
      out += `${frame.current === undefined ? "" : ","}${JSON.stringify(segment)}:`;
      frame.keys.add(segment);
    }
    frame.current = segment;
    return out;
  }

  function open(next: JsonPathSegment): string {
    const array = typeof next === "number";
    stack.push({ array, current: undefined, keys: new Set() });
    return array ? "[" : "{";
  }

  return {
    write(jsonPath, value, willContinue = false) {
      const segments = parseJsonPath(jsonPath);
      if (isOpenStringAt(segments)) {
        if (typeof value !== "string")
          throw new PathDeltaError("A string continued with a non-string", jsonPath);
        const text = escapeChars(value);
        if (willContinue) return text;
        openString = false;
        return `${text}"`;
      }
      let out = closeString();

      // Keep the containers shared with the previous path; close the rest.
      let keep = stack.length === 0 ? 0 : 1;
      while (
        keep < stack.length &&
        keep < segments.length &&
        stack[keep - 1]!.current === segments[keep - 1]
      ) {
        keep++;
      }
      out += closeFrames(keep);

      if (keep === 0 || segments.length === 0) {
        if (rootWritten) throw new PathDeltaError("A second top-level value", jsonPath);
        rootWritten = true;
        if (segments.length > 0) out += open(segments[0]!);
        keep = 1;
      } else if (stack[keep - 1]!.current === segments[keep - 1]) {
        // The previous path ran through this very member: it is written already, as a leaf or as a
        // container that has just been closed.
        throw new PathDeltaError("A value written twice", jsonPath);
      }
      for (let i = keep - 1; i < segments.length; i++) {
        out += enter(stack[i]!, segments[i]!, jsonPath);
        if (i + 1 < segments.length) out += open(segments[i + 1]!);
      }

      if (typeof value === "string") {
        openString = willContinue;
        return `${out}"${escapeChars(value)}${willContinue ? "" : '"'}`;
      }
      if (segments.length === 0) return out + JSON.stringify(value);
      // JSON has no NaN or Infinity; JSON.stringify writes them as null, as it would in an object.
      return out + (typeof value === "number" ? String(JSON.stringify(value)) : String(value));
    },

    end() {
      rootWritten = true;
      return closeString() + closeFrames(0);
    },
  };
}

/** The characters of a string value as they appear between the quotes of a JSON string. */
function escapeChars(value: string): string {
  // Escaping piece by piece is exact even when a surrogate pair is split between pieces: each half is
  // written as its own \u escape, and JSON reads the two escapes back as the pair.
  return JSON.stringify(value).slice(1, -1);
}

const SHORTHAND_END = /[.[]/g;

/**
 * Splits a JSONPath made of member names and indexes: `$`, `.name`, `[0]`, `['name']`, `["name"]`
 * (with JSON-style escapes, as RFC 9535 allows). A dotted name runs to the next `.` or `[`.
 */
export function parseJsonPath(path: string): JsonPathSegment[] {
  if (path[0] !== "$") throw new PathDeltaError("A JSON path must start with $", path);
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      SHORTHAND_END.lastIndex = i + 1;
      const end = SHORTHAND_END.exec(path)?.index ?? path.length;
      if (end === i + 1) throw new PathDeltaError("An empty member name", path);
      segments.push(path.slice(i + 1, end));
      i = end;
    } else if (c === "[") {
      const quote = path[i + 1];
      if (quote === '"' || quote === "'") {
        const [name, after] = readQuoted(path, i + 1);
        if (path[after] !== "]") throw new PathDeltaError("An unclosed bracket", path);
        segments.push(name);
        i = after + 1;
      } else {
        const close = path.indexOf("]", i);
        const digits = close === -1 ? "" : path.slice(i + 1, close).trim();
        if (!/^(0|[1-9][0-9]*)$/.test(digits)) throw new PathDeltaError("An invalid array index", path);
        segments.push(Number(digits));
        i = close + 1;
      }
    } else {
      throw new PathDeltaError(`An unexpected "${c}" in a JSON path`, path);
    }
  }
  return segments;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  "/": "/",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Reads the quoted name starting at `start`; returns it and the position after the closing quote. */
function readQuoted(path: string, start: number): [string, number] {
  const quote = path[start];
  let name = "";
  let i = start + 1;
  while (i < path.length) {
    const c = path[i]!;
    if (c === quote) return [name, i + 1];
    if (c !== "\\") {
      name += c;
      i++;
      continue;
    }
    const e = path[i + 1] ?? "";
    if (e === "u") {
      const hex = path.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PathDeltaError("An invalid \\u escape", path);
      name += String.fromCharCode(Number.parseInt(hex, 16));
      i += 6;
    } else {
      const decoded = SIMPLE_ESCAPES[e];
      if (decoded === undefined) throw new PathDeltaError("An invalid escape", path);
      name += decoded;
      i += 2;
    }
  }
  throw new PathDeltaError("An unclosed quoted name", path);
}
