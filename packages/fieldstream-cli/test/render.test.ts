// The live view as a pure function: given the schema, a partial cut anywhere in the answer and what
// the parser says is complete, the lines must mark, highlight, dim, count and fit as promised.

import { createPartialParser, outlineOf, type PathSegment } from "fieldstream";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { MeetingInfo, meetingAnswer } from "../src/meeting.js";
import { CURSOR, MARKS, type RenderInput, render } from "../src/render.js";
import { displayWidth } from "../src/text.js";

const answer = JSON.stringify(meetingAnswer);
const slot = outlineOf(MeetingInfo);
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (line: string) => line.replace(ANSI, "");

/** What the stream knows after `text`: the partial, completion and the path being written. */
function streamed(text: string): Pick<RenderInput, "partial" | "isComplete" | "activePath"> {
  const parser = createPartialParser();
  parser.push(text);
  return {
    partial: parser.value,
    isComplete: (node?: object, key?: PathSegment) =>
      node === undefined
        ? parser.isComplete()
        : key === undefined
          ? parser.isComplete(node)
          : parser.isComplete(node, key),
    activePath: parser.activePath,
  };
}

/** The prefix of the answer that ends right after `marker` (its first occurrence). */
function upTo(marker: string, text = answer): string {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${marker} is not in the answer`);
  return text.slice(0, at + marker.length);
}

function frame(text: string | undefined, overrides: Partial<RenderInput> = {}) {
  return render({
    title: "MeetingInfo",
    slot,
    ...(text === undefined
      ? { partial: undefined, isComplete: () => false, activePath: undefined }
      : streamed(text)),
    status: {
      source: "openai · gpt-4o",
      state: "streaming",
      elapsedMs: 2300,
      rate: "412 chars/s",
      attempt: 1,
    },
    width: 100,
    color: false,
    ...overrides,
  });
}

/** The row of a field: the first line whose label (after the mark) is `label` and that contains `also`. */
function row(lines: readonly string[], label: string, also = ""): string {
  const found = lines
    .map(plain)
    .find(
      (line) =>
        new RegExp(`^\\s*\\S ${label.replace(/[[\]]/g, "\\$&")}(\\s|$)`).test(line) && line.includes(also),
    );
  if (found === undefined) throw new Error(`no row ${label} ${also} in\n${lines.map(plain).join("\n")}`);
  return found;
}

const markOf = (line: string) => line.trim()[0];

describe("render: the tree", () => {
  it("shows every field of the schema as a dimmed placeholder before anything arrives", () => {
    const { lines, fields } = frame(undefined, {
      status: { source: "s", state: "connecting", elapsedMs: 0, attempt: 1 },
    });
    for (const field of ["users", "date", "location", "budget", "deadline"]) {
      const line = row(lines, field);
      expect(markOf(line)).toBe(MARKS.pending);
      expect(line.trimEnd().endsWith("…")).toBe(true);
    }
    expect(markOf(row(lines, "MeetingInfo"))).toBe(MARKS.pending);
    expect(fields).toEqual({ complete: 0, total: 5 });
    expect(plain(lines.at(-1)!)).toMatch(/connecting · s · fields 0\/5 · 0\.0s · attempt 1$/);
  });

  it("marks completed fields, highlights the one being written with a cursor, dims the rest", () => {
    const { lines, fields } = frame(upTo('"name":"Tomás Ol'));
    expect(markOf(row(lines, "name", '"Priya Raman"'))).toBe(MARKS.done);
    expect(markOf(row(lines, "email", "priya.raman@example.org"))).toBe(MARKS.done);
    expect(markOf(row(lines, "[0]"))).toBe(MARKS.done);
    const active = row(lines, "name", "Tomás");
    expect(markOf(active)).toBe(MARKS.active);
    // The string has no closing quote yet, and the cursor stands where the next token will go.
    expect(active.trimEnd().endsWith(`"Tomás Ol${CURSOR}`)).toBe(true);
    expect(markOf(row(lines, "[1]"))).toBe(MARKS.open);
    expect(markOf(row(lines, "users"))).toBe(MARKS.open);
    for (const field of ["date", "location", "budget", "deadline"])
      expect(markOf(row(lines, field))).toBe(MARKS.pending);
    // users[1].email and .twitter: placeholders inside the element being written.
    const pendingInUser = lines.map(plain).filter((line) => /^\s{6}· (email|twitter)\s+…$/.test(line));
    expect(pendingInUser).toHaveLength(2);
    expect(fields).toEqual({ complete: 3, total: 10 });
    expect(plain(lines.at(-1)!)).toContain("fields 3/10");
  });

  it("shows a number being written as an active placeholder, never its first digits", () => {
    const { lines } = frame(upTo('"budget":485'));
    const budget = row(lines, "budget");
    expect(markOf(budget)).toBe(MARKS.active);
    expect(budget).not.toMatch(/\d/);
    expect(budget.trimEnd().endsWith(CURSOR)).toBe(true);
    expect(markOf(row(lines, "location"))).toBe(MARKS.done);
  });

  it("marks everything complete at the end and counts every field", () => {
    const { lines, fields } = frame(answer, {
      status: {
        source: "openai · gpt-4o",
        state: "done",
        elapsedMs: 9000,
        attempt: 1,
        rate: "110 tokens, 12 tok/s",
      },
    });
    const rows = lines
      .map(plain)
      .filter((line) =>
        /^\s*\S (MeetingInfo|users|\[\d\]|name|email|twitter|date|location|budget|deadline)(\s|$)/.test(line),
      );
    expect(rows).toHaveLength(1 + 1 + 3 + 9 + 4);
    for (const line of rows) expect(markOf(line)).toBe(MARKS.done);
    expect(row(lines, "users")).toMatch(/users\s+3 items$/);
    expect(row(lines, "budget")).toMatch(/budget\s+48500$/);
    expect(lines.some((line) => line.includes(CURSOR))).toBe(false);
    expect(fields).toEqual({ complete: 13, total: 13 });
    expect(plain(lines.at(-1)!)).toBe(
      "✓ done · openai · gpt-4o · 110 tokens, 12 tok/s · fields 13/13 · 9.0s · attempt 1",
    );
  });

  it("gives the values of one object a common column", () => {
    const { lines } = frame(answer);
    const starts = ["date", "location", "budget", "deadline"].map((field) => {
      const line = row(lines, field);
      return line.indexOf(field === "budget" ? "48500" : '"');
    });
    expect(new Set(starts).size).toBe(1);
  });

  it("shows optional fields the model left out as absent, and does not count them", () => {
    const schema = z.object({ title: z.string(), subtitle: z.string().optional() });
    const { lines, fields } = render({
      title: "Book",
      slot: outlineOf(schema),
      ...streamed('{"title":"Dune"}'),
      status: { source: "s", state: "done", elapsedMs: 1, attempt: 1 },
      width: 60,
      color: false,
    });
    expect(markOf(row(lines, "subtitle"))).toBe(MARKS.absent);
    expect(fields).toEqual({ complete: 1, total: 1 });
  });

  it("expands a nested object not seen yet, once even when the schema is recursive", () => {
    const Person: z.ZodType = z.object({
      name: z.string(),
      address: z.object({ city: z.string(), zip: z.string() }),
      get manager() {
        return Person.optional();
      },
    });
    const { lines } = render({
      title: "Person",
      slot: outlineOf(Person),
      ...streamed('{"name":"Ada"'),
      status: { source: "s", state: "streaming", elapsedMs: 1, attempt: 1 },
      width: 60,
      color: false,
    });
    expect(markOf(row(lines, "city"))).toBe(MARKS.pending);
    expect(markOf(row(lines, "zip"))).toBe(MARKS.pending);
    expect(lines.filter((line) => plain(line).includes("manager")).length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThan(30);
  });

  it("draws a value by its own shape when there is no schema", () => {
    const { lines, fields } = render({
      title: "value",
      slot: undefined,
      ...streamed('{"a":[1,2],"b":{"c":"x'),
      status: { source: "s", state: "streaming", elapsedMs: 1, attempt: 1 },
      width: 60,
      color: false,
    });
    expect(markOf(row(lines, "[1]"))).toBe(MARKS.done);
    expect(row(lines, "c")).toContain(`"x${CURSOR}`);
    expect(fields).toEqual({ complete: 2, total: 3 });
  });

  it("shows a field that failed its schema with the reason", () => {
    // A failing field is kept out of the partial; the view says why it is missing.
    const { lines } = render({
      title: "MeetingInfo",
      slot,
      partial: { users: [{ name: "Priya Raman" }] },
      isComplete: (node?: object, key?: PathSegment) => node !== undefined && key === "name",
      activePath: ["users", 0, "twitter"],
      fieldErrors: [{ path: ["users", 0, "email"], message: "Invalid email address" }],
      status: { source: "s", state: "streaming", elapsedMs: 1, attempt: 2 },
      width: 80,
      color: false,
    });
    const line = row(lines, "email");
    expect(markOf(line)).toBe(MARKS.invalid);
    expect(line).toContain("Invalid email address");
    expect(plain(lines.at(-1)!)).toContain("attempt 2");
  });
});

describe("render: colour", () => {
  const mid = upTo('"email":"tomas.o@exa');

  it("uses no escape codes at all without colour", () => {
    for (const line of frame(mid).lines) expect(line).not.toMatch(/\x1b/);
  });

  it("paints done marks green, the active field bold cyan and placeholders dim", () => {
    const { lines } = frame(mid, { color: true });
    const find = (label: string, also = "") => lines.find((line) => plain(line) === row(lines, label, also))!;
    expect(find("name", "Priya")).toContain(`\x1b[32m      ${MARKS.done} `);
    const active = find("email", "tomas.o@exa");
    expect(active).toContain("\x1b[1m\x1b[36m");
    expect(active).toContain(`\x1b[36m${CURSOR}`);
    expect(find("date")).toMatch(/^\x1b\[2m/);
    expect(lines.at(-1)).toContain("\x1b[36m"); // the spinner
  });
});

describe("render: small terminals", () => {
  const cuts = Array.from({ length: Math.ceil(answer.length / 7) }, (_, i) => answer.slice(0, i * 7));

  it("never draws a line wider than the terminal, at any point of the stream", () => {
    for (const width of [6, 12, 20, 32, 48]) {
      for (const text of cuts) {
        const { lines } = frame(text, { width, color: true });
        for (const line of lines)
          expect(displayWidth(plain(line)), `${width}: ${plain(line)}`).toBeLessThanOrEqual(width);
      }
    }
  });

  it("keeps the end of a long value being written in view, next to the cursor", () => {
    const { lines } = frame(upTo('"location":"Hall B, Riverside Convention'), { width: 34 });
    const location = row(lines, "location");
    expect(displayWidth(location)).toBeLessThanOrEqual(34);
    expect(location).toMatch(new RegExp(`…[^"]*Convention${CURSOR}$`));
  });

  it("cuts a finished value at its end, wide characters counted as two columns", () => {
    const schema = z.object({ city: z.string() });
    const { lines } = render({
      title: "Place",
      slot: outlineOf(schema),
      ...streamed('{"city":"東京都千代田区丸の内"}'),
      status: { source: "s", state: "done", elapsedMs: 1, attempt: 1 },
      width: 20,
      color: false,
    });
    const city = row(lines, "city");
    expect(displayWidth(city)).toBeLessThanOrEqual(20);
    expect(city.endsWith("…")).toBe(true);
  });

  it("windows the tree around the field being written when it is taller than the terminal", () => {
    const { lines } = frame(upTo('"twitter":"@hannah'), {
      height: 10,
      header: [{ text: "Offline replay." }, { text: "To go live, set OPENAI_API_KEY." }],
    });
    expect(lines.length).toBeLessThanOrEqual(10);
    const text = lines.map(plain);
    expect(text.some((line) => line.includes(`"@hannah${CURSOR}`))).toBe(true);
    expect(text.some((line) => /⋮ \d+ more above/.test(line))).toBe(true);
    expect(text.at(-1)).toContain("fields 8/13");
    // The header gives way before the tree does.
    expect(text.some((line) => line.includes("Offline replay"))).toBe(false);
  });

  it("wraps the header to the width and keeps it when there is room", () => {
    const text = "Offline replay: a scripted answer streamed through the real openai SDK.";
    const { lines } = frame(undefined, { width: 30, height: 40, header: [{ text }] });
    const header = lines.slice(0, 3).map(plain);
    expect(header.join(" ")).toBe(text);
    for (const line of header) expect(displayWidth(line)).toBeLessThanOrEqual(30);
  });

  it("keeps the field count in the status line when the terminal is narrow", () => {
    const { lines } = frame(upTo('"date":"2025'), { width: 24 });
    expect(plain(lines.at(-1)!)).toMatch(/fields 9\/13/);
    expect(displayWidth(plain(lines.at(-1)!))).toBeLessThanOrEqual(24);
  });
});
