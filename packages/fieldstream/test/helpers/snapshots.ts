// Feeds text to a partial parser chunk by chunk and keeps everything observable after each push, plus the
// comparisons the property tests need: exact equality (own keys, -0, prototypes) and "is an earlier state of".
import { createPartialParser } from "../../src/json/parser.js";
import type { JsonValue, PartialParser, PartialParserOptions, PathSegment } from "../../src/json/types.js";
import { pathKey } from "./json-docs.js";

export interface Step {
  /** Characters pushed so far. */
  readonly at: number;
  /** What `push` returned; `undefined` for the read before the first push. */
  readonly changed: boolean | undefined;
  readonly value: JsonValue | undefined;
  /** A deep copy taken when the snapshot was read, to catch later mutation. */
  readonly copy: JsonValue | undefined;
  readonly activePath: readonly PathSegment[] | undefined;
  readonly complete: boolean;
  readonly marks: string;
}

export interface Completion {
  readonly path: readonly PathSegment[];
  readonly value: JsonValue;
}

export interface Fed {
  readonly parser: PartialParser;
  readonly steps: readonly Step[];
  readonly completions: readonly Completion[];
  /** Present when every chunk was accepted and `end()` returned. */
  readonly final?: JsonValue;
  /** What `push` or `end()` threw. */
  readonly error?: unknown;
  /** The snapshot right after the error, which must keep what the valid prefix built. */
  readonly afterError?: JsonValue | undefined;
}

export function feed(chunks: readonly string[], options: PartialParserOptions = {}, finish = true): Fed {
  const completions: Completion[] = [];
  const parser = createPartialParser({
    ...options,
    onComplete: (value, path) => {
      completions.push({ value, path: [...path] });
    },
  });
  const steps: Step[] = [read(parser, 0, undefined)];
  let at = 0;
  for (const chunk of chunks) {
    let changed: boolean;
    try {
      changed = parser.push(chunk);
    } catch (error) {
      return { parser, steps, completions, error, afterError: parser.value };
    }
    at += chunk.length;
    steps.push(read(parser, at, changed));
  }
  if (!finish) return { parser, steps, completions };
  try {
    return { parser, steps, completions, final: parser.end() };
  } catch (error) {
    return { parser, steps, completions, error, afterError: parser.value };
  }
}

function read(parser: PartialParser, at: number, changed: boolean | undefined): Step {
  const value = parser.value;
  const activePath = parser.activePath;
  return {
    at,
    changed,
    value,
    copy: structuredClone(value),
    activePath: activePath === undefined ? undefined : [...activePath],
    complete: parser.isComplete(),
    marks: completionMarks(parser, value),
  };
}

/** Which containers of a snapshot are complete and which string is open, as one comparable string. */
export function completionMarks(parser: PartialParser, value: JsonValue | undefined): string {
  const marks: string[] = [];
  for (const { node, path, parent, key } of nodesOf(value)) {
    if (typeof node === "object" && node !== null) {
      marks.push(`${pathKey(path)}${parser.isComplete(node) ? " complete" : " open"}`);
    } else if (typeof node === "string" && parent !== undefined && !parser.isComplete(parent, key!)) {
      marks.push(`${pathKey(path)} open string`);
    }
  }
  return marks.join("\n");
}

export interface Visit {
  readonly node: JsonValue;
  readonly path: readonly PathSegment[];
  readonly parent: object | undefined;
  readonly key: PathSegment | undefined;
}

/** Every value of a tree, parents before children; `skip` prunes a path and everything below it. */
export function nodesOf(
  root: JsonValue | undefined,
  skip?: (path: readonly PathSegment[]) => boolean,
): Visit[] {
  const visits: Visit[] = [];
  if (root === undefined) return visits;
  const pending: Visit[] = [{ node: root, path: [], parent: undefined, key: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    if (skip?.(visit.path)) continue;
    visits.push(visit);
    const { node, path } = visit;
    if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index--) {
        pending.push({ node: node[index]!, path: [...path, index], parent: node, key: index });
      }
    } else if (typeof node === "object" && node !== null) {
      const keys = Object.keys(node);
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index]!;
        pending.push({ node: node[key]!, path: [...path, key], parent: node, key });
      }
    }
  }
  return visits;
}

/** The value at a path, or `undefined` where the path leads nowhere. */
export function valueAt(root: JsonValue | undefined, path: readonly PathSegment[]): JsonValue | undefined {
  let current = root;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    if (Array.isArray(current)) {
      current = typeof segment === "number" ? current[segment] : undefined;
    } else {
      current = typeof segment === "string" && Object.hasOwn(current, segment) ? current[segment] : undefined;
    }
  }
  return current;
}

/**
 * The first difference between two trees, or `undefined`. Stricter than `toEqual`: own enumerable keys only
 * and in the same order, plain prototypes, no hidden properties, and -0 apart from 0.
 */
export function difference(actual: unknown, expected: unknown): string | undefined {
  const pending: { path: string; actual: unknown; expected: unknown }[] = [{ path: "$", actual, expected }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { path, actual: a, expected: e } = item;
    if (typeof a !== "object" || a === null || typeof e !== "object" || e === null) {
      if (!Object.is(a, e)) return `${path}: ${show(a)} instead of ${show(e)}`;
      continue;
    }
    if (Array.isArray(a) !== Array.isArray(e)) return `${path}: ${show(a)} instead of ${show(e)}`;
    const prototype = Array.isArray(e) ? Array.prototype : Object.prototype;
    if (Object.getPrototypeOf(a) !== prototype)
      return `${path}: not a plain ${Array.isArray(e) ? "array" : "object"}`;
    const actualKeys = Reflect.ownKeys(a).filter((key) => !(Array.isArray(a) && key === "length"));
    const expectedKeys = Object.keys(e);
    if (
      pathKey(actualKeys.map(String)) !== pathKey(expectedKeys) ||
      actualKeys.some((k) => typeof k !== "string")
    ) {
      return `${path}: keys ${show(actualKeys.map(String))} instead of ${show(expectedKeys)}`;
    }
    for (const key of expectedKeys) {
      const descriptor = Object.getOwnPropertyDescriptor(a, key)!;
      if (!descriptor.enumerable || !("value" in descriptor))
        return `${path}[${show(key)}]: not a data property`;
      pending.push({
        path: `${path}[${show(key)}]`,
        actual: descriptor.value,
        expected: (e as Record<string, unknown>)[key],
      });
    }
  }
  return undefined;
}

/**
 * Why `before` cannot be an earlier snapshot of the same text as `after`, or `undefined`: scalars final,
 * strings growing at the end, arrays and key sets growing, no change of type. Paths in `replaceable`
 * (a repeated key, where the last occurrence wins) are not compared.
 */
export function notEarlier(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  replaceable: ReadonlySet<string> = new Set(),
): string | undefined {
  if (before === undefined) return undefined;
  if (after === undefined) return `$: ${show(before)} disappeared`;
  const pending: { path: PathSegment[]; before: JsonValue; after: JsonValue }[] = [
    { path: [], before, after },
  ];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { path, before: b, after: a } = item;
    if (replaceable.has(pathKey(path))) continue;
    const where = pathKey(path);
    if (kindOf(b) !== kindOf(a)) return `${where}: ${kindOf(b)} ${show(b)} became ${kindOf(a)} ${show(a)}`;
    if (typeof b === "string") {
      if (!(a as string).startsWith(b)) return `${where}: ${show(b)} is not a prefix of ${show(a)}`;
    } else if (Array.isArray(b)) {
      const later = a as JsonValue[];
      if (b.length > later.length) return `${where}: ${b.length} elements, later ${later.length}`;
      b.forEach((element, index) => {
        pending.push({ path: [...path, index], before: element, after: later[index]! });
      });
    } else if (typeof b === "object" && b !== null) {
      const later = a as { [key: string]: JsonValue };
      for (const key of Object.keys(b)) {
        if (!Object.hasOwn(later, key)) return `${where}: key ${show(key)} vanished`;
        pending.push({ path: [...path, key], before: b[key]!, after: later[key]! });
      }
    } else if (!Object.is(a, b)) {
      return `${where}: ${show(b)} became ${show(a)}`;
    }
  }
  return undefined;
}

/** Whether a path or one of its ancestors is in the set. */
export function under(paths: ReadonlySet<string>, path: readonly PathSegment[]): boolean {
  if (paths.size === 0) return false;
  for (let length = 0; length <= path.length; length++) {
    if (paths.has(pathKey(path.slice(0, length)))) return true;
  }
  return false;
}

/** A serialization that tells -0 from 0 and keeps key order, for "did this subtree change". */
export function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  return `{${Object.keys(value)
    .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
    .join(",")}}`;
}

function kindOf(value: JsonValue): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

function show(value: unknown): string {
  const text = typeof value === "number" && Object.is(value, -0) ? "-0" : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
