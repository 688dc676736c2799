// Turns the parser's raw snapshots into what the schema allows to be seen: unknown keys dropped,
// atomic fields held until complete, defaults filled in, objects held back for required fields.
//
// Shaping follows the parser's structural sharing instead of undoing it. Each raw container is
// shaped once and the result remembered on it; when the shaped value would equal the raw one, the
// raw object itself is returned, so in the common case a read allocates nothing. An open array is
// reshaped from its last element only: the previous snapshot of the same array (the "hint") tells
// which prefix is already done, since only the last element of an open array can change.

import type { JsonValue, PathSegment } from "../json/index.js";
import { defineMark, isMarkedComplete, markComplete, markOpenString, openStringSlot } from "../json/marks.js";
import type { ArrayNode, ObjectNode, RecordNode, Slot, TupleNode, UnionNode } from "./node.js";

/** Marks a value the schema keeps out of the partial (for now or for good). */
const HIDDEN: unique symbol = Symbol("hidden");
type Shaped = JsonValue | typeof HIDDEN;
type JsonObject = { [key: string]: JsonValue };

interface Memo {
  readonly slot: Slot;
  readonly shaped: Shaped;
  /** The shaped value is the raw one. */
  readonly same: boolean;
  /** Arrays: how many shaped elements the last raw element gave (0 or 1). */
  readonly lastCount: number;
}

interface ObjectExtras {
  readonly defaults: readonly [string, JsonValue][];
  readonly required: readonly string[];
}

const extrasMark = defineMark<ObjectExtras>();

/** Defaults and required keys of an object node, computed on first use and kept on the node. */
function extrasOf(node: ObjectNode): ObjectExtras {
  let extras = extrasMark.get(node);
  if (!extras) {
    const defaults: [string, JsonValue][] = [];
    const required: string[] = [];
    for (const [key, slot] of node.fields) {
      if (slot.default) defaults.push([key, slot.default.value]);
      if (slot.required) required.push(key);
    }
    extras = { defaults, required };
    extrasMark.set(node, extras);
  }
  return extras;
}

function isPlainObject(value: JsonValue): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function setKey(target: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

export class Shaper {
  private readonly memo = defineMark<Memo>();
  private previous: JsonValue | undefined = undefined;
  /** Paths (as JSON) of completed values that failed their check: never shown. */
  private invalid: Set<string> | undefined = undefined;

  constructor(
    private readonly root: Slot,
    /** Whether the root value is complete (strings at the root have no parent to ask). */
    private readonly rootComplete: () => boolean,
  ) {}

  /** Keeps the value at `path` out of every later partial. */
  hide(path: readonly PathSegment[]): void {
    this.invalid ??= new Set();
    this.invalid.add(JSON.stringify(path));
  }

  /** The partial for this raw snapshot, or `undefined` if the schema lets nothing show yet. */
  shape(raw: JsonValue | undefined): JsonValue | undefined {
    if (raw === undefined) return undefined;
    const path: PathSegment[] | undefined = this.invalid ? [] : undefined;
    const out = this.slot(this.root, raw, this.previous, undefined, undefined, path);
    this.previous = raw;
    return out === HIDDEN ? undefined : out;
  }

  private slot(
    slot: Slot,
    raw: JsonValue,
    hint: JsonValue | undefined,
    parent: JsonValue[] | JsonObject | undefined,
    key: PathSegment | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    if (path && this.invalid!.has(JSON.stringify(path))) return HIDDEN;
    const node = slot.node;
    if (raw === null) {
      if (slot.nullable || node.kind === "any" || node.kind === "null") return null;
      return node.kind === "union" ? this.union(node, raw, hint, parent, key, path) : HIDDEN;
    }
    if (slot.atomic && !this.complete(raw, parent, key)) return HIDDEN;
    switch (node.kind) {
      case "string":
        return typeof raw === "string" ? raw : HIDDEN;
      case "number":
        return typeof raw === "number" ? raw : HIDDEN;
      case "boolean":
        return typeof raw === "boolean" ? raw : HIDDEN;
      case "enum":
        return node.values.includes(raw) ||
          (typeof raw === "string" && node.values.some((v) => typeof v === "string" && v.startsWith(raw)))
          ? raw
          : HIDDEN;
      case "any":
        return raw;
      case "object":
        return isPlainObject(raw) ? this.object(slot, node, raw, hint, path) : HIDDEN;
      case "record":
        return isPlainObject(raw) ? this.record(slot, node, raw, hint, path) : HIDDEN;
      case "array":
        return Array.isArray(raw) ? this.array(slot, node, raw, hint, path) : HIDDEN;
      case "tuple":
        return Array.isArray(raw) ? this.tuple(slot, node, raw, hint, path) : HIDDEN;
      case "union":
        return this.union(node, raw, hint, parent, key, path);
      default:
        return HIDDEN;
    }
  }

  private complete(
    raw: JsonValue,
    parent: JsonValue[] | JsonObject | undefined,
    key: PathSegment | undefined,
  ) {
    if (typeof raw === "object" && raw !== null) return isMarkedComplete(raw);
    if (typeof raw !== "string") return true;
    if (parent === undefined) return this.rootComplete();
    return openStringSlot(parent) !== key;
  }

  private child(
    slot: Slot,
    raw: JsonValue,
    hint: JsonValue | undefined,
    parent: JsonValue[] | JsonObject,
    key: PathSegment,
    path: PathSegment[] | undefined,
  ): Shaped {
    if (!path) return this.slot(slot, raw, hint, parent, key, undefined);
    path.push(key);
    const out = this.slot(slot, raw, hint, parent, key, path);
    path.pop();
    return out;
  }

  private object(
    slot: Slot,
    node: ObjectNode,
    raw: JsonObject,
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    // An open object is new in every snapshot and never met again: only complete ones are worth a memo.
    const complete = isMarkedComplete(raw);
    if (complete) {
      const memo = this.memo.get(raw);
      if (memo && memo.slot === slot) return memo.shaped;
    }
    const previous = hint !== undefined && isPlainObject(hint) ? hint : undefined;
    const fields = node.fields;
    let out: JsonObject | undefined;
    let index = 0;
    for (const key in raw) {
      const value = raw[key]!;
      const field = fields.get(key);
      let shaped: Shaped;
      if (field) shaped = this.child(field, value, previous?.[key], raw, key, path);
      else if (node.unknownKeys !== "keep") shaped = HIDDEN;
      else shaped = node.rest ? this.child(node.rest, value, previous?.[key], raw, key, path) : value;
      if (out === undefined && shaped !== value) out = this.copyKeys(raw, index);
      if (out !== undefined && shaped !== HIDDEN) setKey(out, key, shaped);
      index++;
    }
    const extras = extrasOf(node);
    const result: JsonObject = out ?? raw;
    for (const [key, value] of extras.defaults) {
      if (!Object.hasOwn(result, key)) {
        out ??= this.copyKeys(raw, index);
        setKey(out, key, value);
      }
    }
    if (out) carryMarks(raw, out);
    let shaped: Shaped = out ?? raw;
    for (const key of extras.required) {
      if (!Object.hasOwn(shaped as JsonObject, key)) {
        shaped = HIDDEN;
        break;
      }
    }
    if (complete) this.memo.set(raw, { slot, shaped, same: shaped === raw, lastCount: 0 });
    return shaped;
  }

  /** A new object with the first `count` keys of `raw`, which shaping left as they were. */
  private copyKeys(raw: JsonObject, count: number): JsonObject {
    const out: JsonObject = {};
    if (count === 0) return out;
    let i = 0;
    for (const key in raw) {
      if (i++ === count) break;
      setKey(out, key, raw[key]!);
    }
    return out;
  }

  private record(
    slot: Slot,
    node: RecordNode,
    raw: JsonObject,
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    const memo = this.memo.get(raw);
    if (memo && memo.slot === slot) return memo.shaped;
    const previous = hint !== undefined && isPlainObject(hint) ? hint : undefined;
    let out: JsonObject | undefined;
    let index = 0;
    for (const key in raw) {
      const value = raw[key]!;
      const shaped = this.child(node.value, value, previous?.[key], raw, key, path);
      if (out === undefined && shaped !== value) out = this.copyKeys(raw, index);
      if (out !== undefined && shaped !== HIDDEN) setKey(out, key, shaped);
      index++;
    }
    if (out) carryMarks(raw, out);
    const shaped = out ?? raw;
    this.memo.set(raw, { slot, shaped, same: shaped === raw, lastCount: 0 });
    return shaped;
  }

  private array(
    slot: Slot,
    node: ArrayNode,
    raw: JsonValue[],
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    const memo = this.memo.get(raw);
    if (memo && memo.slot === slot) return memo.shaped;
    const element = node.element;
    const previous = Array.isArray(hint) ? hint : undefined;
    let start = 0;
    let out: JsonValue[] | undefined;
    const known = previous && previous.length > 0 ? this.memo.get(previous) : undefined;
    if (known && known.slot === slot && known.shaped !== HIDDEN && raw.length >= previous!.length) {
      const h = previous!.length;
      // Everything before the previous snapshot's last element was complete then, so it is unchanged.
      if (h < 2 || raw[h - 2] === previous![h - 2]) {
        start = h - 1;
        if (!known.same) {
          const done = known.shaped as JsonValue[];
          out = done.slice(0, done.length - known.lastCount);
        }
      }
    }
    let lastCount = 0;
    for (let i = start; i < raw.length; i++) {
      const value = raw[i]!;
      const shaped = this.child(element, value, previous?.[i], raw, i, path);
      if (out === undefined && shaped !== value) out = raw.slice(0, i);
      if (out !== undefined && shaped !== HIDDEN) out.push(shaped);
      lastCount = shaped === HIDDEN ? 0 : 1;
    }
    if (out) carryMarks(raw, out);
    const shaped = out ?? raw;
    this.memo.set(raw, { slot, shaped, same: shaped === raw, lastCount });
    return shaped;
  }

  private tuple(
    slot: Slot,
    node: TupleNode,
    raw: JsonValue[],
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    const memo = this.memo.get(raw);
    if (memo && memo.slot === slot) return memo.shaped;
    const previous = Array.isArray(hint) ? hint : undefined;
    let out: JsonValue[] | undefined;
    for (let i = 0; i < raw.length; i++) {
      const value = raw[i]!;
      const item = node.items[i] ?? node.rest;
      const shaped = item ? this.child(item, value, previous?.[i], raw, i, path) : HIDDEN;
      if (out === undefined && shaped !== value) out = raw.slice(0, i);
      // A hidden item would shift the ones after it into the wrong positions: stop there.
      if (shaped === HIDDEN) break;
      if (out !== undefined) out.push(shaped);
    }
    if (out) carryMarks(raw, out);
    const shaped = out ?? raw;
    this.memo.set(raw, { slot, shaped, same: shaped === raw, lastCount: 0 });
    return shaped;
  }

  private union(
    node: UnionNode,
    raw: JsonValue,
    hint: JsonValue | undefined,
    parent: JsonValue[] | JsonObject | undefined,
    key: PathSegment | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    const discriminator = node.discriminator;
    if (discriminator && isPlainObject(raw)) {
      const tag = raw[discriminator.key];
      // Until the discriminator is whole, the branch is unknown: only the fields all branches share show.
      const branch =
        tag !== undefined && this.complete(tag, raw, discriminator.key)
          ? discriminator.branches.get(tag)
          : undefined;
      return this.slot(branch ?? discriminator.common, raw, hint, parent, key, path);
    }
    let best: Slot | undefined;
    let bestScore = -1;
    for (const option of node.options) {
      const score = fitness(option, raw);
      if (score > bestScore) {
        best = option;
        bestScore = score;
      }
    }
    return best && bestScore >= 0 ? this.slot(best, raw, hint, parent, key, path) : HIDDEN;
  }
}

/** A shaped copy answers completion questions as its raw original does. */
function carryMarks(raw: JsonValue[] | JsonObject, shaped: JsonValue[] | JsonObject): void {
  if (isMarkedComplete(raw)) {
    markComplete(shaped);
    return;
  }
  const open = openStringSlot(raw);
  if (open === undefined) return;
  if (Array.isArray(raw)) {
    const list = shaped as JsonValue[];
    if (open === raw.length - 1 && list.length > 0 && list[list.length - 1] === raw[open]) {
      markOpenString(shaped, list.length - 1);
    }
  } else {
    markOpenString(shaped, open);
  }
}

/** How well a raw value fits a union option: -1 not at all; for objects, the number of known keys. */
function fitness(slot: Slot, raw: JsonValue): number {
  const node = slot.node;
  if (raw === null) return slot.nullable || node.kind === "null" || node.kind === "any" ? 0 : -1;
  switch (node.kind) {
    case "string":
      return typeof raw === "string" ? 0 : -1;
    case "number":
      return typeof raw === "number" ? 0 : -1;
    case "boolean":
      return typeof raw === "boolean" ? 0 : -1;
    case "enum":
      return node.values.includes(raw) ||
        (typeof raw === "string" && node.values.some((v) => typeof v === "string" && v.startsWith(raw)))
        ? 0
        : -1;
    case "array":
    case "tuple":
      return Array.isArray(raw) ? 0 : -1;
    case "object": {
      if (!isPlainObject(raw)) return -1;
      let score = 0;
      for (const key in raw) if (node.fields.has(key)) score++;
      return score;
    }
    case "record":
      return isPlainObject(raw) ? 0 : -1;
    case "union":
      return Math.max(-1, ...node.options.map((o) => fitness(o, raw)));
    case "any":
      return 0;
    default:
      return -1;
  }
}
