// Validates each value the moment the parser reports it complete, by the schema of the place it
// stands in; reports failures and, for element streaming, each valid element's parsed output.
//
// Finding the schema of a path costs O(1) amortised: the slots of the open containers are kept by
// level and reused while the path below them is unchanged. A discriminated union's branch is
// learnt when its discriminator completes; members read before that are judged with the whole
// object when it completes.

import { FieldValidationError } from "../errors/index.js";
import type { JsonValue, PathSegment } from "../json/index.js";
import { type CheckResult, memberSlot, type Slot } from "./node.js";
import { prefixIssues } from "./standard-check.js";

export interface FieldCheckerEvents {
  /** A completed value failed its schema. */
  invalid(error: FieldValidationError): void;
  /** A completed, valid element of the streamed array, as its schema parses it. Called in order. */
  element?(output: unknown, index: number): void;
}

export class FieldChecker {
  private readonly slots: (Slot | undefined)[];
  private readonly segments: PathSegment[] = [];
  /** Per level: the branch chosen by a discriminator already read. */
  private readonly branches: (Slot | undefined)[] = [];
  private count = 1;
  /** Paths of the failures reported so far, newest last. */
  private readonly failed: (readonly PathSegment[])[] = [];
  /** Asynchronous checks still running, chained so that elements keep their order. */
  private pending: Promise<void> | undefined;

  constructor(
    root: Slot,
    private readonly events: FieldCheckerEvents,
    /** Where the streamed array sits: `[]` for a root array, `["items"]` for a wrapped one. */
    private readonly elementsAt?: readonly PathSegment[],
  ) {
    this.slots = [root];
  }

  /** Resolves once every asynchronous check started so far has reported. */
  settled(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  /** The parser's completion callback. */
  complete(value: JsonValue, path: readonly PathSegment[]): void {
    const depth = path.length;
    if (depth === 0) return; // The root is validated whole at the end.
    let reuse = true;
    for (let level = 1; level <= depth; level++) {
      if (reuse && level < this.count && this.segments[level] === path[level - 1]) continue;
      reuse = false;
      const parent = this.branches[level - 1] ?? this.slots[level - 1];
      this.slots[level] = parent ? memberSlot(parent, path[level - 1]!) : undefined;
      this.segments[level] = path[level - 1]!;
      this.branches[level] = undefined;
    }
    // This value's own level ends here; the levels above it are still open.
    this.count = depth;
    const parentSlot = this.slots[depth - 1];
    const discriminator = parentSlot?.node.kind === "union" ? parentSlot.node.discriminator : undefined;
    if (discriminator && path[depth - 1] === discriminator.key) {
      this.branches[depth - 1] = discriminator.branches.get(value);
    }
    const slot = this.slots[depth];
    const element = this.elementIndex(path);
    if (slot) this.check(slot, value, path, element);
  }

  private elementIndex(path: readonly PathSegment[]): number | undefined {
    const at = this.elementsAt;
    if (!this.events.element || at === undefined || path.length !== at.length + 1) return undefined;
    for (let i = 0; i < at.length; i++) if (path[i] !== at[i]) return undefined;
    const last = path[at.length];
    return typeof last === "number" ? last : undefined;
  }

  private check(
    slot: Slot,
    value: JsonValue,
    path: readonly PathSegment[],
    element: number | undefined,
  ): void {
    const check = slot.check;
    if (!check) {
      if (element !== undefined) this.report({ value }, slot, value, path, element);
      return;
    }
    if (element === undefined && !slot.checkWhole && typeof value === "object" && value !== null) {
      // Members were checked as they completed; only keys that never came can still be wrong.
      if (!this.missingRequired(slot, value)) return;
    }
    const result = check(value);
    if (result instanceof Promise || this.pending) {
      const previous = this.pending ?? Promise.resolve();
      const done = previous.then(() => result).then((r) => this.report(r, slot, value, path, element));
      this.pending = done.catch(() => {});
    } else {
      this.report(result, slot, value, path, element);
    }
  }

  /** Whether a failure inside `path` was reported. Members complete before their container, so
   * their failures are the most recent ones. */
  private failedBelow(path: readonly PathSegment[]): boolean {
    for (let i = this.failed.length - 1; i >= 0; i--) {
      const other = this.failed[i]!;
      if (other.length <= path.length) return false;
      if (path.every((segment, k) => other[k] === segment)) return true;
    }
    return false;
  }

  private missingRequired(slot: Slot, value: object): boolean {
    const node = slot.node;
    if (node.kind !== "object") return false;
    for (const [key, field] of node.fields) {
      if (!field.optional && !Object.hasOwn(value, key)) return true;
    }
    return false;
  }

  private report(
    result: CheckResult,
    _slot: Slot,
    value: JsonValue,
    path: readonly PathSegment[],
    element: number | undefined,
  ): void {
    if (result.issues) {
      // A container whose member already failed fails for that reason: say it once.
      if (this.failedBelow(path)) return;
      const at = [...path];
      this.failed.push(at);
      this.events.invalid(new FieldValidationError(at, prefixIssues(at, result.issues), value));
    } else if (element !== undefined) {
      this.events.element?.(result.value, element);
    }
  }
}
