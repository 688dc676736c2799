// Finding the fields that completed between two partials, for the line-per-field and NDJSON outputs:
// each reported once, in document order, without walking again what was already reported whole.

import { formatPath, type PathSegment } from "fieldstream";

export interface CompletedField {
  readonly path: readonly PathSegment[];
  readonly value: unknown;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/**
 * Remembers what was reported. A field is a scalar, or an empty array or object (which has no fields
 * of its own to report). Completed containers keep their identity, so one reported in full is skipped.
 */
export class FieldTracker {
  private readonly reported = new Set<string>();
  private readonly finished = new WeakSet<object>();

  constructor(private readonly isComplete: (node?: object, key?: PathSegment) => boolean) {}

  /** The fields of `partial` that are complete and were not reported before. */
  take(partial: unknown): CompletedField[] {
    const out: CompletedField[] = [];
    if (partial === undefined) return out;
    if (!isContainer(partial)) {
      if (this.isComplete()) this.report([], partial, out);
      return out;
    }
    this.visit(partial, [], out);
    return out;
  }

  private report(path: readonly PathSegment[], value: unknown, out: CompletedField[]): void {
    const key = JSON.stringify(path);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    out.push({ path, value });
  }

  private visit(node: object, path: readonly PathSegment[], out: CompletedField[]): void {
    if (this.finished.has(node)) return;
    const complete = this.isComplete(node);
    const entries: [PathSegment, unknown][] = Array.isArray(node)
      ? node.map((item, index) => [index, item])
      : Object.entries(node);
    if (entries.length === 0) {
      if (complete) this.report(path, node, out);
    }
    for (const [key, child] of entries) {
      if (isContainer(child)) this.visit(child, [...path, key], out);
      else if (this.isComplete(node, key)) this.report([...path, key], child, out);
    }
    if (complete) this.finished.add(node);
  }
}

/** `users[0].name = "Priya Raman"`. */
export function fieldLine(field: CompletedField): string {
  return `${formatPath(field.path)} = ${JSON.stringify(field.value)}`;
}
