// Invisible marks on snapshot objects: which containers are complete, and which string in a
// snapshot was still being written. Private class fields stamped onto the objects themselves.
//
// A base class whose constructor returns its argument lets a subclass install private fields on any
// object. Such fields are not properties: keys, JSON, spread, structuredClone and deep-equality
// never see them, and reading or writing them costs about what a property access does, which is
// far cheaper than a WeakMap entry on the per-read path.

import type { PathSegment } from "./types.js";

class Stamp {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: returning the target is what installs the fields on it.
    return target;
  }
}

/** A private slot that can be attached to any object, readable and writable only through it. */
export interface Mark<T> {
  get(target: object): T | undefined;
  set(target: object, value: T): void;
}

/** Creates a new, independent mark: each call defines its own private field. */
export function defineMark<T>(): Mark<T> {
  class Slot extends Stamp {
    #value: T;
    constructor(target: object, value: T) {
      super(target);
      this.#value = value;
    }
    static get(target: object): T | undefined {
      return #value in target ? target.#value : undefined;
    }
    static set(target: object, value: T): void {
      if (#value in target) target.#value = value;
      else new Slot(target, value);
    }
  }
  return { get: Slot.get, set: Slot.set };
}

const complete = defineMark<true>();
const openString = defineMark<PathSegment>();

/** Marks a container as complete, when it closes. */
export function markComplete(target: object): void {
  complete.set(target, true);
}

/** Whether the container was marked complete. */
export function isMarkedComplete(target: object): boolean {
  return complete.get(target) === true;
}

/** Records that, in this snapshot, the string at `slot` was still being written. */
export function markOpenString(target: object, slot: PathSegment): void {
  openString.set(target, slot);
}

/** The slot of the string being written when this snapshot was taken, if any. */
export function openStringSlot(target: object): PathSegment | undefined {
  return openString.get(target);
}
