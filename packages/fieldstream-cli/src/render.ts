// The live view of a streamed value: a pure function from the schema, the newest partial and what is
// complete to the lines on screen, so the terminal code only decides when to draw.

import { memberSlot, type PathSegment, type Slot } from "fieldstream";
import pc from "picocolors";
import { displayWidth, truncateEnd, truncateStart, wrapWords } from "./text.js";

export type Style = "plain" | "dim" | "bold" | "accent" | "active" | "done" | "error" | "warn";

export interface Span {
  readonly text: string;
  readonly style?: Style;
}

/** A paragraph above the tree, wrapped to the width. */
export interface Paragraph {
  readonly text: string;
  readonly style?: Style;
}

export interface StatusInfo {
  /** Who answers, e.g. `openai · gpt-4o`. */
  readonly source: string;
  readonly state: "connecting" | "streaming" | "done" | "failed";
  readonly elapsedMs: number;
  /** e.g. `412 chars/s`; left out while nothing has arrived. */
  readonly rate?: string;
  readonly attempt: number;
}

export interface RenderInput {
  /** The name shown on the root row, e.g. the schema's name. */
  readonly title: string;
  /** The schema's root slot; without one the value is shown by its own shape. */
  readonly slot: Slot | undefined;
  readonly partial: unknown;
  /** As `ObjectStream.isComplete`: no argument for the root, a container, or a parent and key. */
  readonly isComplete: (node?: object, key?: PathSegment) => boolean;
  readonly activePath: readonly PathSegment[] | undefined;
  /** Completed fields that failed their schema (kept out of the partial). */
  readonly fieldErrors?: readonly { readonly path: readonly PathSegment[]; readonly message: string }[];
  readonly header?: readonly Paragraph[];
  readonly status: StatusInfo;
  readonly width: number;
  /** Rows available; the tree is windowed around the field being written when it does not fit. */
  readonly height?: number;
  readonly color: boolean;
}

export interface Frame {
  readonly lines: string[];
  /** Leaf fields written and complete, out of those known so far (unseen ones included). */
  readonly fields: { readonly complete: number; readonly total: number };
}

type State = "done" | "active" | "open" | "pending" | "absent" | "invalid";

interface Row {
  readonly depth: number;
  readonly label: string;
  /** The width of the label column among its siblings, so their values line up. */
  readonly pad: number;
  readonly state: State;
  readonly value: string;
  /** Counts as a field: a scalar, an empty container, or a placeholder for one not seen yet. */
  readonly leaf: boolean;
  /** Text still being written: when cut, its end (where the cursor is) is what matters. */
  readonly tail: boolean;
}

export const MARKS: Readonly<Record<State, string>> = {
  done: "✓",
  active: "▸",
  open: "▾",
  pending: "·",
  absent: "–",
  invalid: "✗",
};
export const CURSOR = "▌";
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** Deeper than this a value is shown on one line: a pathological document must not flood the screen. */
const MAX_DEPTH = 12;

const pathKey = (path: readonly PathSegment[]) => JSON.stringify(path);

interface Walk {
  readonly input: RenderInput;
  readonly rows: Row[];
  readonly active: string | undefined;
  readonly errors: ReadonlyMap<string, string>;
  /** Pending objects being expanded, so a recursive schema stops after one level. */
  readonly expanding: Set<Slot>;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/** For a discriminated union, the branch the value has chosen (or the fields all branches share). */
function slotFor(slot: Slot | undefined, value: unknown): Slot | undefined {
  const node = slot?.node;
  if (node?.kind !== "union") return slot;
  const discriminator = node.discriminator;
  if (!discriminator) return undefined;
  const chosen = isContainer(value) ? (value as Record<string, unknown>)[discriminator.key] : undefined;
  return (
    (chosen !== undefined ? discriminator.branches.get(chosen as never) : undefined) ?? discriminator.common
  );
}

function schemaKeys(slot: Slot | undefined): readonly string[] {
  return slot?.node.kind === "object" ? [...slot.node.fields.keys()] : [];
}

function labelWidth(labels: readonly string[]): number {
  return labels.reduce((max, label) => Math.max(max, displayWidth(label)), 0);
}

function scalarText(value: unknown, complete: boolean): string {
  if (typeof value === "string") {
    const quoted = JSON.stringify(value);
    return complete ? quoted : quoted.slice(0, -1);
  }
  return value === undefined ? "" : String(JSON.stringify(value));
}

function present(
  w: Walk,
  slot: Slot | undefined,
  value: unknown,
  complete: boolean,
  path: readonly PathSegment[],
  depth: number,
  label: string,
  pad: number,
): void {
  const row = { depth, label, pad, tail: false };
  if (!isContainer(value)) {
    // A visible scalar that is not complete can only be the string being written.
    const state: State = complete ? "done" : "active";
    w.rows.push({ ...row, state, value: scalarText(value, complete), leaf: true, tail: !complete });
    return;
  }
  const shaped = slotFor(slot, value);
  const state: State = complete ? "done" : "open";
  if (depth >= MAX_DEPTH) {
    w.rows.push({ ...row, state, value: JSON.stringify(value), leaf: true });
    return;
  }
  if (Array.isArray(value)) {
    const count = value.length;
    const summary = complete ? `${count} ${count === 1 ? "item" : "items"}` : `${count}…`;
    w.rows.push({ ...row, state, value: count === 0 ? (complete ? "[]" : "") : summary, leaf: count === 0 });
    const childPad = displayWidth(`[${Math.max(0, count - 1)}]`);
    value.forEach((item, index) => {
      const itemSlot = shaped ? memberSlot(shaped, index) : undefined;
      const itemComplete = isContainer(item) ? w.input.isComplete(item) : w.input.isComplete(value, index);
      present(w, itemSlot, item, itemComplete, [...path, index], depth + 1, `[${index}]`, childPad);
    });
    return;
  }
  const record = value as Record<string, unknown>;
  const known = schemaKeys(shaped);
  const extra = Object.keys(record).filter((key) => !known.includes(key));
  const keys = [...known, ...extra];
  const empty = Object.keys(record).length === 0;
  w.rows.push({
    ...row,
    state,
    value: empty && complete && known.length === 0 ? "{}" : "",
    leaf: keys.length === 0,
  });
  const childPad = labelWidth(keys);
  for (const key of keys) {
    const childSlot = shaped ? memberSlot(shaped, key) : undefined;
    const childPath = [...path, key];
    if (Object.hasOwn(record, key)) {
      const child = record[key];
      const childComplete = isContainer(child) ? w.input.isComplete(child) : w.input.isComplete(record, key);
      present(w, childSlot, child, childComplete, childPath, depth + 1, key, childPad);
    } else {
      pending(w, childSlot, complete, childPath, depth + 1, key, childPad);
    }
  }
}

/** A field the model has not written (yet): a placeholder, expanded for objects so their shape shows. */
function pending(
  w: Walk,
  slot: Slot | undefined,
  parentComplete: boolean,
  path: readonly PathSegment[],
  depth: number,
  label: string,
  pad: number,
): void {
  const id = pathKey(path);
  const row = { depth, label, pad, tail: false };
  const error = w.errors.get(id);
  if (error !== undefined) {
    w.rows.push({ ...row, state: "invalid", value: error, leaf: true });
    return;
  }
  // The key is written but its value not visible yet: an atomic value on its way, or a type to come.
  if (w.active === id) {
    w.rows.push({ ...row, state: "active", value: "", leaf: true });
    return;
  }
  if (parentComplete) {
    w.rows.push({ ...row, state: "absent", value: "—", leaf: false });
    return;
  }
  const keys = schemaKeys(slot);
  if (slot && keys.length > 0 && depth < MAX_DEPTH && !w.expanding.has(slot)) {
    w.rows.push({ ...row, state: "pending", value: "", leaf: false });
    w.expanding.add(slot);
    const childPad = labelWidth(keys);
    for (const key of keys) {
      pending(w, memberSlot(slot, key), false, [...path, key], depth + 1, key, childPad);
    }
    w.expanding.delete(slot);
    return;
  }
  w.rows.push({ ...row, state: "pending", value: "…", leaf: true });
}

function rowsOf(input: RenderInput): Row[] {
  const errors = new Map((input.fieldErrors ?? []).map((e) => [pathKey(e.path), e.message] as const));
  const w: Walk = {
    input,
    rows: [],
    active: input.activePath ? pathKey(input.activePath) : undefined,
    errors,
    expanding: new Set(),
  };
  const root = input.partial;
  if (root === undefined) {
    pending(w, input.slot, false, [], 0, input.title, 0);
  } else {
    const complete = isContainer(root) ? input.isComplete(root) : input.isComplete();
    present(w, input.slot, root, complete, [], 0, input.title, 0);
  }
  return w.rows;
}

type Painter = (style: Style | undefined, text: string) => string;

function painter(enabled: boolean): Painter {
  const c = pc.createColors(enabled);
  const styles: Record<Style, (text: string) => string> = {
    plain: (text) => text,
    dim: c.dim,
    bold: c.bold,
    accent: c.cyan,
    active: (text) => c.bold(c.cyan(text)),
    done: c.green,
    error: c.red,
    warn: c.yellow,
  };
  return (style, text) => (text === "" || style === undefined ? text : styles[style](text));
}

/** Cuts a line of spans to `width` columns, marking the cut with `…`. */
function clip(spans: readonly Span[], width: number): Span[] {
  const total = spans.reduce((sum, span) => sum + displayWidth(span.text), 0);
  if (total <= width) return [...spans];
  const out: Span[] = [];
  let room = width;
  for (const span of spans) {
    const spanWidth = displayWidth(span.text);
    if (spanWidth < room) {
      out.push(span);
      room -= spanWidth;
      continue;
    }
    out.push({ ...span, text: truncateEnd(span.text, room) });
    break;
  }
  return out;
}

const ROW_STYLES: Readonly<Record<State, { mark: Style; label: Style; value: Style }>> = {
  done: { mark: "done", label: "plain", value: "plain" },
  active: { mark: "active", label: "active", value: "active" },
  open: { mark: "accent", label: "plain", value: "dim" },
  pending: { mark: "dim", label: "dim", value: "dim" },
  absent: { mark: "dim", label: "dim", value: "dim" },
  invalid: { mark: "error", label: "plain", value: "error" },
};

function rowLine(row: Row, width: number): Span[] {
  const styles = ROW_STYLES[row.state];
  const indent = "  ".repeat(row.depth);
  const gap = " ".repeat(Math.max(0, row.pad - displayWidth(row.label)));
  const head: Span[] = [
    { text: `${indent}${MARKS[row.state]} `, style: styles.mark },
    { text: row.label, style: styles.label },
  ];
  const cursor = row.state === "active" && row.leaf;
  if (row.value === "" && !cursor) return clip(head, width);
  const prefixWidth = displayWidth(`${indent}${MARKS[row.state]} ${row.label}${gap}  `);
  const room = width - prefixWidth - (cursor ? 1 : 0);
  if (room < 2) return clip([...head, { text: `${gap}  ${row.value}` }], width);
  const value = row.tail ? truncateStart(row.value, room) : truncateEnd(row.value, room);
  return clip(
    [
      ...head,
      { text: `${gap}  ` },
      { text: value, style: styles.value },
      ...(cursor ? [{ text: CURSOR, style: "accent" as const }] : []),
    ],
    width,
  );
}

function formatElapsed(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

function statusLine(status: StatusInfo, fields: Frame["fields"], width: number): Span[] {
  const spin = SPINNER[Math.floor(status.elapsedMs / 80) % SPINNER.length]!;
  const symbol = status.state === "done" ? MARKS.done : status.state === "failed" ? MARKS.invalid : spin;
  const style: Style = status.state === "done" ? "done" : status.state === "failed" ? "error" : "accent";
  let state: Span = { text: `${symbol} ${status.state}`, style };
  // Dropped in this order when the terminal is too narrow: the counts matter most.
  const parts: { text: string; drop: number }[] = [
    { text: status.source, drop: 1 },
    ...(status.rate ? [{ text: status.rate, drop: 2 }] : []),
    { text: `fields ${fields.complete}/${fields.total}`, drop: 9 },
    { text: formatElapsed(status.elapsedMs), drop: 3 },
    { text: `attempt ${status.attempt}`, drop: status.attempt > 1 ? 5 : 4 },
  ];
  const compose = (kept: typeof parts): Span[] => [
    state,
    ...kept.flatMap((part): Span[] => [{ text: " · ", style: "dim" }, { text: part.text }]),
  ];
  const fits = (spans: readonly Span[]) =>
    spans.reduce((sum, span) => sum + displayWidth(span.text), 0) <= width;
  let kept = parts;
  for (let level = 1; level <= 5 && !fits(compose(kept)); level++) {
    kept = kept.filter((part) => part.drop > level);
  }
  if (!fits(compose(kept))) state = { text: symbol, style };
  return clip(compose(kept), width);
}

/** Which rows to show when the tree is taller than the room: around the field being written. */
function windowRows(count: number, focus: number, room: number): { start: number; end: number } {
  if (count <= room) return { start: 0, end: count };
  if (room < 3) {
    const start = Math.min(Math.max(0, focus - Math.floor(room / 2)), count - room);
    return { start, end: start + room };
  }
  // One line each for the "more above" and "more below" markers, when they are needed.
  const inner = room - 2;
  let start = Math.min(Math.max(0, focus - Math.floor(inner / 2)), count - inner);
  let end = start + inner;
  if (start === 0) end = room - 1;
  else if (end === count) start = count - (room - 1);
  return { start, end };
}

function focusRow(rows: readonly Row[]): number {
  const active = rows.findIndex((row) => row.state === "active");
  if (active >= 0) return active;
  for (let index = rows.length - 1; index >= 0; index--) {
    const state = rows[index]!.state;
    if (state !== "pending" && state !== "absent") return index;
  }
  return 0;
}

/** The screen for one moment of a stream: every line at most `width` columns, at most `height` lines. */
export function render(input: RenderInput): Frame {
  const width = Math.max(1, Math.floor(input.width));
  const paint = painter(input.color);
  const rows = rowsOf(input);
  const leaves = rows.filter((row) => row.leaf);
  const fields = { complete: leaves.filter((row) => row.state === "done").length, total: leaves.length };

  const header: Span[][] = (input.header ?? []).flatMap((paragraph) =>
    wrapWords(paragraph.text, width).map((text) => [
      { text, ...(paragraph.style ? { style: paragraph.style } : {}) },
    ]),
  );
  let body: Span[][] = rows.map((row) => rowLine(row, width));
  const status = statusLine(input.status, fields, width);

  let top: Span[][] = header.length > 0 ? [...header, []] : [];
  if (input.height !== undefined) {
    const height = Math.max(1, Math.floor(input.height));
    const room = height - 2;
    if (room < 1) return { lines: [status].map((line) => join(line, paint)), fields };
    // The header gives way first: the tree and the status line are what the screen is for.
    if (top.length + body.length > room && top.length > Math.floor(room / 3)) top = [];
    const bodyRoom = room - top.length;
    if (body.length > bodyRoom) {
      const { start, end } = windowRows(body.length, focusRow(rows), bodyRoom);
      const more = (count: number, where: string): Span[] =>
        clip([{ text: `  ⋮ ${count} more ${where}`, style: "dim" }], width);
      body = [
        ...(start > 0 ? [more(start, "above")] : []),
        ...body.slice(start, end),
        ...(end < body.length ? [more(body.length - end, "below")] : []),
      ];
    }
  }
  const lines = [...top, ...body, [], status].map((line) => join(line, paint));
  return { lines, fields };
}

function join(spans: readonly Span[], paint: Painter): string {
  return spans.map((span) => paint(span.style, span.text)).join("");
}
