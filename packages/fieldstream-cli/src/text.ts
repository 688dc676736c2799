// Measuring and cutting text by the columns it takes on a terminal, so that no line the command draws
// is ever wider than the screen (a wider one wraps, and an in-place redraw then leaves debris behind).

import stringWidth from "string-width";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The columns `text` takes on a terminal (wide CJK characters and emoji count two). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

function pieces(text: string): { text: string; width: number }[] {
  return Array.from(graphemes.segment(text), ({ segment }) => ({
    text: segment,
    width: stringWidth(segment),
  }));
}

/** The start of `text` that fits in `width` columns, ending in `…` when something was cut. */
export function truncateEnd(text: string, width: number): string {
  if (width <= 0) return "";
  if (displayWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const piece of pieces(text)) {
    if (used + piece.width > width - 1) break;
    out += piece.text;
    used += piece.width;
  }
  return `${out}…`;
}

/** The end of `text` that fits in `width` columns, starting with `…` when something was cut. */
export function truncateStart(text: string, width: number): string {
  if (width <= 0) return "";
  if (displayWidth(text) <= width) return text;
  const all = pieces(text);
  let out = "";
  let used = 0;
  for (let index = all.length - 1; index >= 0; index--) {
    const piece = all[index]!;
    if (used + piece.width > width - 1) break;
    out = piece.text + out;
    used += piece.width;
  }
  return `…${out}`;
}

/** Breaks `text` into lines of at most `width` columns, at spaces where it can. */
export function wrapWords(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    // A word longer than the line is cut hard rather than overflowing.
    let rest = word;
    while (displayWidth(rest) > width) {
      let head = "";
      let used = 0;
      for (const piece of pieces(rest)) {
        if (used + piece.width > width) break;
        head += piece.text;
        used += piece.width;
      }
      if (head === "") return lines;
      lines.push(head);
      rest = rest.slice(head.length);
    }
    line = rest;
  }
  if (line !== "") lines.push(line);
  return lines;
}
