// Parallel tool calls joined into one JSON list: in order, whatever the interleaving of their pieces.

import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors/index.js";
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

describe("CallList at scale", () => {
  it("joins 130,000 interleaved calls in linear time", () => {
    const calls = 130_000;
    const list = new CallList("items");
    const pieces: string[] = [];
    const started = performance.now();
    // Every call opens before any closes: each later call waits behind all the earlier ones.
    for (let i = 0; i < calls; i++) for (const piece of list.delta(i, '{"a":')) pieces.push(piece);
    for (let i = 0; i < calls; i++) for (const piece of list.delta(i, `${i}}`)) pieces.push(piece);
    pieces.push(list.end());
    const elapsed = performance.now() - started;
    const items = (JSON.parse(pieces.join("")) as { items: { a: number }[] }).items;
    expect(items.length).toBe(calls);
    expect(items.every((item, i) => item.a === i)).toBe(true);
    expect(elapsed).toBeLessThan(2000);
  });

  it("writes out waiting calls in order at the end, in linear time", () => {
    const calls = 130_000;
    const list = new CallList("items");
    let out = "";
    const started = performance.now();
    // Call 0 never closes, so every other call is still waiting when the list ends.
    for (const piece of list.delta(0, '{"a":0')) out += piece;
    for (let i = calls - 1; i > 0; i--) for (const piece of list.delta(i, `{"a":${i}}`)) out += piece;
    out += "}";
    out += list.end();
    expect(performance.now() - started).toBeLessThan(2000);
    const items = (JSON.parse(out) as { items: { a: number }[] }).items;
    expect(items.map((item) => item.a)).toEqual(Array.from({ length: calls }, (_, i) => i));
  });

  it("rejects an absurd call index with a ProviderError, before storing anything", () => {
    const list = new CallList("items");
    const pieces = () => [...list.delta(1_000_000_000, '{"a":1}')];
    expect(pieces).toThrow(ProviderError);
    expect(pieces).toThrow(/tool call/);
    expect(() => [...list.delta(-1, "{}")]).toThrow(ProviderError);
    expect(() => [...list.delta(1.5, "{}")]).toThrow(ProviderError);
    // The list is still usable: nothing was kept for the rejected calls.
    const rest = [...list.delta(0, '{"a":1}')].join("") + list.end();
    expect(JSON.parse(rest)).toEqual({ items: [{ a: 1 }] });
    const error = (() => {
      try {
        [...new CallList("items").delta(1e9, "{}")];
      } catch (e) {
        return e as ProviderError;
      }
    })();
    expect(error?.retryable).toBe(false);
  });
});
