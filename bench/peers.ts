// One adapter per parser, all behind the same interface: feed every chunk, look at the value after each.
// The adapters hold each library the way its own documentation uses it, so the numbers reflect real use.

import { JSONParser, type ParsedElementInfo } from "@streamparser/json";
import { parsePartialJson } from "ai";
import { createPartialParser } from "fieldstream";
import { parse as jsonriverParse } from "jsonriver";
import { parse as partialJsonParse } from "partial-json";

export interface Peer {
  readonly name: string;
  /** What "the value after each chunk" means for this parser, printed above the tables. */
  readonly reads: string;
  /** Reparses the whole buffer on every chunk, so cost grows with the square of the size. */
  readonly quadratic: boolean;
  /** Feeds every chunk, reading the current value after each one, and returns the final value. */
  run(chunks: readonly string[]): unknown;
}

/**
 * Every value read after a chunk is stored here, so the engine cannot drop a read whose result is unused.
 * A module-level store is enough: it has an observable effect, unlike a dead local.
 */
export let lastRead: unknown;
export let lastPartial: unknown;

export const fieldstream: Peer = {
  name: "fieldstream",
  reads: "parser.value: an immutable snapshot, structurally shared with the previous one",
  quadratic: false,
  run(chunks) {
    const parser = createPartialParser();
    for (const chunk of chunks) {
      parser.push(chunk);
      lastRead = parser.value;
    }
    return parser.end();
  },
};

/** jsonriver pulls its input from an async iterable; this is the cheapest one that can be written. */
async function* streamOf(chunks: readonly string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
}

export const jsonriver: Peer = {
  name: "jsonriver",
  reads: "each value parse() yields (at most one per chunk): the same root, mutated in place",
  quadratic: false,
  async run(chunks) {
    let value: unknown;
    for await (const next of jsonriverParse(streamOf(chunks))) {
      value = next;
      lastRead = next;
    }
    return value;
  },
};

export const streamparser: Peer = {
  name: "@streamparser/json",
  reads:
    "the live root (mutated in place; a string or number only lands in it once complete) plus the " +
    "latest partial event, which carries the string being written. Options: emitPartialTokens, " +
    "emitPartialValues, keepStack, no paths, since paths: ['$'] emits nothing until the root closes",
  quadratic: false,
  run(chunks) {
    const parser = new JSONParser({ emitPartialTokens: true, emitPartialValues: true, keepStack: true });
    let root: unknown;
    let partial: ParsedElementInfo | undefined;
    parser.onValue = (info) => {
      if (info.stack.length === 0) root = info.value;
      else if (root === undefined) root = info.stack.length === 1 ? info.parent : info.stack[1]!.value;
      if (info.partial) partial = info;
    };
    for (const chunk of chunks) {
      parser.write(chunk);
      lastRead = root;
      lastPartial = partial;
    }
    // Without a separator the parser ends itself when the root closes, and end() would then throw.
    if (!parser.isEnded) parser.end();
    return root;
  },
};

export const partialJson: Peer = {
  name: "partial-json",
  reads: "parse(buffer) of everything received so far, a fresh tree each time",
  quadratic: true,
  run(chunks) {
    let buffer = "";
    let value: unknown;
    for (const chunk of chunks) {
      buffer += chunk;
      try {
        value = partialJsonParse(buffer);
      } catch {
        // Some prefixes (e.g. a lone "-") are refused; callers keep the previous value, as we do.
      }
      lastRead = value;
    }
    return value;
  },
};

export const aiSdk: Peer = {
  name: "ai parsePartialJson",
  reads: "await parsePartialJson(buffer) of everything received so far, a fresh tree each time",
  quadratic: true,
  async run(chunks) {
    let buffer = "";
    let value: unknown;
    for (const chunk of chunks) {
      buffer += chunk;
      const result = await parsePartialJson(buffer);
      if (result.value !== undefined) value = result.value;
      lastRead = value;
    }
    return value;
  },
};

/** All streaming parsers, in table order. jsonriver comes second because the ratios are relative to it. */
export const peers: readonly Peer[] = [fieldstream, jsonriver, streamparser, partialJson, aiSdk];

/** Whether two parsed JSON values are equal as data; prototypes and key order are not part of JSON. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const key of keys) if (!Object.hasOwn(rb, key) || !jsonEqual(ra[key], rb[key])) return false;
  return true;
}
