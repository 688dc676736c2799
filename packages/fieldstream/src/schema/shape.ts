// Turns the parser's raw snapshots into what the schema allows to be seen: unknown keys dropped,
// atomic fields held until complete, defaults filled in, objects held back for required fields.
//
// Shaping follows the parser's structural sharing instead of undoing it. Each raw container is
// shaped once and the result remembered on it; when the shaped value would equal the raw one, the
// raw object itself is returned, so in the common case a read allocates nothing. An open array is
// reshaped from its last element only: the previous snapshot of the same array (the "hint") tells
// which prefix is already done, since only the last element of an open array can change.

import type { JsonValue, PathSegment } from "../json/index.js";
import {
  defineMark,
  isMarkedComplete,
  markComplete,
  markOpenString,
  openStringSlot,
} from "../json/internal.js";
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

  /**
   * The memo of a container already shaped for this slot. Open containers are new in every snapshot
   * and never met again, so only complete ones are worth remembering, except open arrays, whose memo is
   * the hint their next snapshot is reshaped from.
   */
  private recall(raw: JsonValue[] | JsonObject, slot: Slot): Memo | undefined {
    const memo = this.memo.get(raw);
    return memo && memo.slot === slot ? memo : undefined;
  }

  /** The result for `raw`: its shaped copy (answering completion as `raw` does), or `raw` itself. */
  private settle<T extends JsonValue[] | JsonObject>(
    slot: Slot,
    raw: T,
    out: T | undefined,
    shaped: Shaped = out ?? raw,
    lastCount = 0,
  ): Shaped {
    if (out) carryMarks(raw, out);
    if (Array.isArray(raw) || isMarkedComplete(raw)) {
      this.memo.set(raw, { slot, shaped, same: shaped === raw, lastCount });
    }
    return shaped;
  }

  /**
   * Shapes an object's members, each by the slot `slotFor` gives its key (`null`: kept as it is,
   * `undefined`: left out). Returns a new object only once a member differs from the raw one.
   */
  private members(
    raw: JsonObject,
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
    slotFor: (key: string) => Slot | null | undefined,
  ): JsonObject | undefined {
    const previous = hint !== undefined && isPlainObject(hint) ? hint : undefined;
    let out: JsonObject | undefined;
    let index = 0;
    for (const key in raw) {
      const value = raw[key]!;
      const slot = slotFor(key);
      const shaped =
        slot === undefined
          ? HIDDEN
          : slot === null
            ? value
            : this.child(slot, value, previous?.[key], raw, key, path);
      if (out === undefined && shaped !== value) out = this.copyKeys(raw, index);
      if (out !== undefined && shaped !== HIDDEN) setKey(out, key, shaped);
      index++;
    }
    return out;
  }

  private object(
    slot: Slot,
    node: ObjectNode,
    raw: JsonObject,
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    const memo = isMarkedComplete(raw) ? this.recall(raw, slot) : undefined;
    if (memo) return memo.shaped;
    const fields = node.fields;
    const keep = node.unknownKeys === "keep" ? (node.rest ?? null) : undefined;
    let out = this.members(raw, hint, path, (key) => fields.get(key) ?? keep);
    const extras = extrasOf(node);
    for (const [key, value] of extras.defaults) {
      if (!Object.hasOwn(out ?? raw, key)) {
        out ??= { ...raw };
        setKey(out, key, value);
      }
    }
    const result = out ?? raw;
    const missing = extras.required.some((key) => !Object.hasOwn(result, key));
    return this.settle(slot, raw, out, missing ? HIDDEN : result);
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
    const memo = this.recall(raw, slot);
    if (memo) return memo.shaped;
    return this.settle(
      slot,
      raw,
      this.members(raw, hint, path, () => node.value),
    );
  }

  private array(
    slot: Slot,
    node: ArrayNode,
    raw: JsonValue[],
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    const memo = this.recall(raw, slot);
    if (memo) return memo.shaped;
    const element = node.element;
    const previous = Array.isArray(hint) ? hint : undefined;
    let start = 0;
    let out: JsonValue[] | undefined;
    const known = previous && previous.length > 0 ? this.recall(previous, slot) : undefined;
    if (known && known.shaped !== HIDDEN && raw.length >= previous!.length) {
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
    return this.settle(slot, raw, out, out ?? raw, lastCount);
  }

  private tuple(
    slot: Slot,
    node: TupleNode,
    raw: JsonValue[],
    hint: JsonValue | undefined,
    path: PathSegment[] | undefined,
  ): Shaped {
    const memo = this.recall(raw, slot);
    if (memo) return memo.shaped;
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
    return this.settle(slot, raw, out);
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
