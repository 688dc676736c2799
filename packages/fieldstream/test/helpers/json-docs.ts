// Random JSON documents for property tests, written out the way a model might write them (any whitespace,
// optional escapes, duplicate keys), with the position of every value so a test can tell what a prefix shows.
import fc from "fast-check";
import type { JsonValue, PathSegment } from "../../src/json/types.js";

/**
 * A document as written rather than as parsed: objects are member lists so that duplicate keys survive,
 * and numbers keep their spelling (`-0`, `1E+400`, `0.10`).
 */
export type Doc =
  | { readonly kind: "object"; readonly members: readonly (readonly [string, Doc])[] }
  | { readonly kind: "array"; readonly items: readonly Doc[] }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "literal"; readonly text: "true" | "false" | "null" };

/** A written value: `start` is the index of its first character, `end` the index just after its last. */
export type Placed =
  | {
      readonly kind: "object";
      readonly start: number;
      readonly end: number;
      readonly members: readonly { readonly key: string; readonly value: Placed }[];
    }
  | {
      readonly kind: "array";
      readonly start: number;
      readonly end: number;
      readonly items: readonly Placed[];
    }
  | { readonly kind: "string"; readonly start: number; readonly end: number; readonly value: string }
  | {
      readonly kind: "number" | "literal";
      readonly start: number;
      readonly end: number;
      readonly text: string;
    };

/** How a document is written: the odds of whitespace between tokens and of `\uXXXX` for any character. */
export interface Style {
  readonly seed: number;
  readonly whitespace: number;
  readonly escapes: number;
}

export interface Written {
  readonly text: string;
  /** One entry per top-level value, positions counted in `text`. */
  readonly roots: readonly Placed[];
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

// Characters that exercise escaping, line terminators JSON allows raw, and surrogate pairs written whole.
const awkward = fc.constantFrom(
  '"',
  "\\",
  "/",
  "\n",
  "\r",
  "\t",
  "\b",
  "\f",
  "\u0000",
  "\u001f",
  "\u007f",
  "\u2028",
  "\u2029",
  "\ufeff",
  "😀",
  "👩‍👩‍👧",
  "𝄞",
  "é",
  "u",
  "0",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
);

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: loneSurrogate },
  { weight: 3, arbitrary: awkward },
);

/** Strings with astral characters, lone surrogates, control characters and everything JSON must escape. */
export const textArb = fc.string({ unit, maxLength: 24 });

const digits = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789"), minLength, maxLength });

const grammarNumber = fc
  .tuple(
    fc.boolean(),
    fc.oneof(
      fc.constant("0"),
      fc.tuple(fc.constantFrom(..."123456789"), digits(0, 24)).map(([first, rest]) => first + rest),
    ),
    fc.option(digits(1, 22)),
    fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), digits(1, 4))),
  )
  .map(
    ([negative, whole, fraction, exponent]) =>
      `${negative ? "-" : ""}${whole}${fraction === null ? "" : `.${fraction}`}${exponent === null ? "" : exponent.join("")}`,
  );

/** Number spellings: the whole grammar, overflow to Infinity, underflow to (-)0, more digits than a double. */
export const numberTextArb = fc.oneof(
  grammarNumber,
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(numberText),
  fc.integer().map(String),
  fc.constantFrom(
    "-0",
    "-0.0",
    "0e0",
    "-0E-0",
    "1e400",
    "-1e400",
    "1e-400",
    "-1E-400",
    "9007199254740993",
    "5e-324",
    "1.7976931348623157e308",
    "0.1",
    "100",
  ),
);

/** The keys that would reach a prototype through careless assignment, and a few ordinary ones. */
const riskyKeys = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "length",
  "0",
  "1",
  "",
  "id",
  "name",
  "items",
  "text",
);

export const keyArb = fc.oneof(
  { weight: 3, arbitrary: riskyKeys },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit, maxLength: 6 }) },
);

const leafArb: fc.Arbitrary<Doc> = fc.oneof(
  { weight: 5, arbitrary: textArb.map((value): Doc => ({ kind: "string", value })) },
  { weight: 3, arbitrary: numberTextArb.map((text): Doc => ({ kind: "number", text })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("true", "false", "null").map((text): Doc => ({ kind: "literal", text })),
  },
);

/**
 * Documents shaped like model output: mostly objects of strings, numbers and arrays, a few levels deep,
 * with empty containers and risky keys. With `duplicates`, a key may repeat within an object.
 */
export function docArb(options: { readonly duplicates: boolean }): fc.Arbitrary<Doc> {
  const member = (value: fc.Arbitrary<Doc>) => fc.tuple(keyArb, value);
  const { doc } = fc.letrec<{ doc: Doc; array: Doc; object: Doc }>((tie) => ({
    doc: fc.oneof(
      { depthSize: "small", maxDepth: 4, withCrossShrink: true },
      { weight: 5, arbitrary: leafArb },
      { weight: 2, arbitrary: tie("array") },
      { weight: 2, arbitrary: tie("object") },
    ),
    array: fc.array(tie("doc"), { maxLength: 5 }).map((items): Doc => ({ kind: "array", items })),
    object: (options.duplicates
      ? fc.array(member(tie("doc")), { maxLength: 6 })
      : fc.uniqueArray(member(tie("doc")), { maxLength: 6, selector: ([key]) => key })
    ).map((members): Doc => ({ kind: "object", members })),
  }));
  return doc;
}

/** Objects whose keys repeat, built by hand since no object value can hold them. */
export const duplicateKeysDocArb: fc.Arbitrary<Doc> = fc
  .tuple(docArb({ duplicates: true }), fc.constantFrom("__proto__", "a", "constructor"), leafArb, leafArb)
  .map(
    ([inner, key, first, second]): Doc => ({
      kind: "object",
      members: [
        [key, first],
        ["x", inner],
        [key, second],
      ],
    }),
  );

/** `fc.jsonValue()` turned into a document; -0 is spelled `-0` so that it survives the trip. */
export const jsonValueDocArb: fc.Arbitrary<Doc> = fc.jsonValue({ maxDepth: 4 }).map(toDoc);

export const styleArb: fc.Arbitrary<Style> = fc.record({
  seed: fc.integer(),
  whitespace: fc.constantFrom(0, 0.15, 0.6),
  escapes: fc.constantFrom(0, 0.15, 0.7),
});

export function toDoc(value: unknown): Doc {
  if (value === null) return { kind: "literal", text: "null" };
  if (typeof value === "boolean") return { kind: "literal", text: value ? "true" : "false" };
  if (typeof value === "number") return { kind: "number", text: numberText(value) };
  if (typeof value === "string") return { kind: "string", value };
  if (Array.isArray(value)) return { kind: "array", items: value.map(toDoc) };
  return {
    kind: "object",
    members: Object.entries(value as Record<string, unknown>).map(([key, member]) => [key, toDoc(member)]),
  };
}

function numberText(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

/** Whether some object of the document, at any depth, repeats a key. */
export function hasDuplicateKeys(doc: Doc): boolean {
  switch (doc.kind) {
    case "object": {
      const keys = new Set(doc.members.map(([key]) => key));
      return keys.size !== doc.members.length || doc.members.some(([, value]) => hasDuplicateKeys(value));
    }
    case "array":
      return doc.items.some(hasDuplicateKeys);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** A small seeded generator, so that one shrinkable integer decides every whitespace and escape choice. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  34: '\\"',
  92: "\\\\",
  8: "\\b",
  12: "\\f",
  10: "\\n",
  13: "\\r",
  9: "\\t",
};

class Writer {
  text: string;
  private readonly random: () => number;

  constructor(
    private readonly style: Style,
    before: string,
  ) {
    this.text = before;
    this.random = seededRandom(style.seed);
  }

  whitespace(): void {
    if (this.random() >= this.style.whitespace) return;
    const count = 1 + Math.floor(this.random() * 3);
    for (let i = 0; i < count; i++) this.text += " \t\n\r"[Math.floor(this.random() * 4)];
  }

  value(doc: Doc): Placed {
    const start = this.text.length;
    switch (doc.kind) {
      case "object": {
        this.text += "{";
        const members: { key: string; value: Placed }[] = [];
        doc.members.forEach(([key, value], index) => {
          if (index > 0) {
            this.whitespace();
            this.text += ",";
          }
          this.whitespace();
          this.string(key);
          this.whitespace();
          this.text += ":";
          this.whitespace();
          members.push({ key, value: this.value(value) });
        });
        this.whitespace();
        this.text += "}";
        return { kind: "object", start, end: this.text.length, members };
      }
      case "array": {
        this.text += "[";
        const items: Placed[] = [];
        doc.items.forEach((item, index) => {
          if (index > 0) {
            this.whitespace();
            this.text += ",";
          }
          this.whitespace();
          items.push(this.value(item));
        });
        this.whitespace();
        this.text += "]";
        return { kind: "array", start, end: this.text.length, items };
      }
      case "string":
        this.string(doc.value);
        return { kind: "string", start, end: this.text.length, value: doc.value };
      default:
        this.text += doc.text;
        return { kind: doc.kind, start, end: this.text.length, text: doc.text };
    }
  }

  /** Writes a string code unit by code unit, so a surrogate pair may end up half escaped and half raw. */
  private string(value: string): void {
    let out = '"';
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      const short = SHORT_ESCAPES[code];
      if (this.random() < this.style.escapes) {
        out += this.unicodeEscape(code);
      } else if (short !== undefined) {
        out += short;
      } else if (code < 0x20) {
        out += this.unicodeEscape(code);
      } else if (code === 0x2f && this.random() < 0.5) {
        out += "\\/";
      } else {
        out += value[i];
      }
    }
    this.text += `${out}"`;
  }

  private unicodeEscape(code: number): string {
    let hex = "";
    for (const digit of code.toString(16).padStart(4, "0")) {
      hex += this.random() < 0.5 ? digit : digit.toUpperCase();
    }
    return `\\u${hex}`;
  }
}

/** Writes one document, optionally after some text (lenient mode's prose) and before some more. */
export function write(doc: Doc, style: Style, around: { before?: string; after?: string } = {}): Written {
  const writer = new Writer(style, around.before ?? "");
  writer.whitespace();
  const root = writer.value(doc);
  writer.whitespace();
  return { text: writer.text + (around.after ?? ""), roots: [root] };
}

/** Writes documents as JSON Lines: each on its own line, with stray whitespace around. */
export function writeLines(docs: readonly Doc[], style: Style): Written {
  const writer = new Writer(style, "");
  const roots: Placed[] = [];
  for (const doc of docs) {
    writer.whitespace();
    roots.push(writer.value(doc));
    writer.whitespace();
    writer.text += "\n";
  }
  return { text: writer.text, roots };
}

// ---------------------------------------------------------------------------------------------------------
// What a prefix must show, worked out from positions alone

/** Whether a value is visible once `at` characters are read: scalars only once complete. */
export function isVisible(node: Placed, at: number, ended: boolean): boolean {
  if (node.kind === "number") return at > node.end || (ended && at >= node.end);
  if (node.kind === "literal") return at >= node.end;
  return at > node.start;
}

/** Whether a value is complete once `at` characters are read; a number only once something follows it. */
export function isCompleteAt(node: Placed, at: number, ended: boolean): boolean {
  if (node.kind === "number") return at > node.end || (ended && at >= node.end);
  return at >= node.end;
}

// Whole tokens of a string's text: anything but a backslash, or a finished escape.
const WHOLE_TOKENS = /^(?:[^\\]|\\u[0-9a-fA-F]{4}|\\[^u])*/;

/** The snapshot the contract prescribes for `text.slice(0, at)`, or `undefined` if nothing is visible. */
export function expectedAt(node: Placed, text: string, at: number, ended: boolean): JsonValue | undefined {
  if (!isVisible(node, at, ended)) return undefined;
  switch (node.kind) {
    case "object": {
      const object: { [key: string]: JsonValue } = {};
      for (const member of node.members) {
        const value = expectedAt(member.value, text, at, ended);
        // defineProperty, as JSON.parse does, so that "__proto__" is an own key and a repeated key keeps its place.
        if (value !== undefined) {
          Object.defineProperty(object, member.key, {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        }
      }
      return object;
    }
    case "array": {
      const array: JsonValue[] = [];
      for (const item of node.items) {
        const value = expectedAt(item, text, at, ended);
        if (value === undefined) break;
        array.push(value);
      }
      return array;
    }
    case "string": {
      if (at >= node.end) return node.value;
      const whole = WHOLE_TOKENS.exec(text.slice(node.start + 1, at))![0];
      const decoded = JSON.parse(`"${whole}"`) as string;
      const last = decoded.charCodeAt(decoded.length - 1);
      // A high surrogate at the end of an open string may yet be joined by its low half.
      return last >= 0xd800 && last <= 0xdbff ? decoded.slice(0, -1) : decoded;
    }
    default:
      return JSON.parse(node.text) as JsonValue;
  }
}

/** The written value a snapshot path refers to; with repeated keys, the last occurrence visible so far. */
export function placedAt(
  node: Placed,
  path: readonly PathSegment[],
  at: number,
  ended: boolean,
): Placed | undefined {
  let current: Placed | undefined = node;
  for (const segment of path) {
    if (current?.kind === "object") {
      let found: Placed | undefined;
      for (const member of current.members) {
        if (member.key === segment && isVisible(member.value, at, ended)) found = member.value;
      }
      current = found;
    } else if (current?.kind === "array") {
      current = current.items[segment as number];
    } else {
      return undefined;
    }
  }
  return current;
}

function isOpen(node: Placed, at: number, ended: boolean): boolean {
  return node.start < at && !isCompleteAt(node, at, ended);
}

/** The path of the innermost value begun and not complete, as `activePath` must report it. */
export function expectedActivePath(
  roots: readonly Placed[],
  at: number,
  ended: boolean,
  multiple: boolean,
): PathSegment[] | undefined {
  const path: PathSegment[] = [];
  let node: Placed | undefined;
  if (multiple) {
    if (ended) return undefined;
    const index = roots.findIndex((root) => isOpen(root, at, ended));
    if (index < 0) return path;
    path.push(index);
    node = roots[index];
  } else {
    node = roots.find((root) => isOpen(root, at, ended));
    if (node === undefined) return undefined;
  }
  for (;;) {
    if (node?.kind === "object") {
      const member = node.members.find((candidate) => isOpen(candidate.value, at, ended));
      if (member === undefined) return path;
      path.push(member.key);
      node = member.value;
    } else if (node?.kind === "array") {
      const index = node.items.findIndex((item) => isOpen(item, at, ended));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

/** Paths (as `pathKey`s) below which a repeated key lets a later member replace an earlier one. */
export function replaceablePaths(roots: readonly Placed[], multiple: boolean): Set<string> {
  const found = new Set<string>();
  const pending: { node: Placed; path: PathSegment[] }[] = roots.map((node, index) => ({
    node,
    path: multiple ? [index] : [],
  }));
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { node, path } = item;
    if (node.kind === "object") {
      const seen = new Set<string>();
      for (const { key, value } of node.members) {
        if (seen.has(key)) found.add(pathKey([...path, key]));
        seen.add(key);
        pending.push({ node: value, path: [...path, key] });
      }
    } else if (node.kind === "array") {
      node.items.forEach((value, index) => {
        pending.push({ node: value, path: [...path, index] });
      });
    }
  }
  return found;
}

export function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

// ---------------------------------------------------------------------------------------------------------
// Chunkings

/**
 * How a text is cut into chunks: whole, one UTF-16 code unit at a time, or at chosen points. A cut flagged
 * `true` lands on an awkward point (after a backslash or a high surrogate, between two digits or letters);
 * repeated cuts give empty chunks.
 */
export type Chunking =
  | { readonly kind: "whole" }
  | { readonly kind: "units" }
  | { readonly kind: "cuts"; readonly cuts: readonly (readonly [boolean, number])[] };

export const chunkingArb: fc.Arbitrary<Chunking> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Chunking>({ kind: "whole" }) },
  { weight: 2, arbitrary: fc.constant<Chunking>({ kind: "units" }) },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 40 })
      .map((cuts): Chunking => ({ kind: "cuts", cuts })),
  },
);

export function split(text: string, chunking: Chunking): string[] {
  if (chunking.kind === "whole") return [text];
  if (chunking.kind === "units") return Array.from({ length: text.length }, (_, index) => text[index]!);
  const awkward = awkwardCuts(text);
  const points = chunking.cuts
    .map(([preferAwkward, n]) =>
      preferAwkward && awkward.length > 0 ? awkward[n % awkward.length]! : n % (text.length + 1),
    )
    .sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

function awkwardCuts(text: string): number[] {
  const word = /[0-9A-Za-z+\-.]/;
  const cuts: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const before = text.charCodeAt(i - 1);
    if (
      before === 0x5c ||
      (before >= 0xd800 && before <= 0xdbff) ||
      (word.test(text[i - 1]!) && word.test(text[i]!))
    ) {
      cuts.push(i);
    }
  }
  return cuts;
}
