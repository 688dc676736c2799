// Parallel tool calls joined into one JSON list: in order, whatever the interleaving of their pieces.

import { describe, expect, it } from "vitest";
import { CallList } from "./call-list.js";

function join(pieces: [number, string][]): string {
  const list = new CallList("items");
  let out = "";
  for (const [index, text] of pieces) for (const piece of list.delta(index, text)) out += piece;
  return out + list.end();
}

describe("CallList", () => {
  it("joins calls that stream one after another", () => {
    const text = join([
      [0, '{"a":'],
      [0, "1}"],
      [1, '{"a":2'],
      [1, "}"],
    ]);
    expect(JSON.parse(text)).toEqual({ items: [{ a: 1 }, { a: 2 }] });
  });

  it("holds back a later call's pieces until the earlier call is done", () => {
    const text = join([
      [0, '{"a":'],
      [1, '{"b":'],
      [0, "1}"],
      [2, '{"c":3}'],
      [1, "2}"],
    ]);
    expect(JSON.parse(text)).toEqual({ items: [{ a: 1 }, { b: 2 }, { c: 3 }] });
  });

  it("writes an empty list when no call came, and starts at the first index seen", () => {
    expect(JSON.parse(join([]))).toEqual({ items: [] });
    expect(JSON.parse(join([[3, "[1]"]]))).toEqual({ items: [[1]] });
  });
});
