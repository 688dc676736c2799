// Unit tests of the incremental parser, one behaviour of the partial-value contract at a time.
// Random inputs live in parser.property.test.ts; standard corpora in conformance.test.ts.

import { describe, expect, it } from "vitest";
import {
  createPartialParser,
  JsonStreamError,
  type JsonValue,
  type PathSegment,
  parsePartial,
} from "./index.js";

/** Feeds the chunks and returns the snapshot read after each one. */
function snapshots(chunks: string[], options?: Parameters<typeof createPartialParser>[0]) {
  const parser = createPartialParser(options);
  const seen: (JsonValue | undefined)[] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    seen.push(parser.value);
  }
  return { parser, seen };
}

function caught(fn: () => unknown): JsonStreamError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonStreamError);
    return error as JsonStreamError;
  }
  throw new Error("expected a JsonStreamError");
}

describe("visibility", () => {
  it("shows numbers, booleans and null only once complete", () => {
    expect(parsePartial('{"a":12')).toEqual({});
    expect(parsePartial('{"a":12,')).toEqual({ a: 12 });
    expect(parsePartial('{"a":12}')).toEqual({ a: 12 });
    expect(parsePartial("[1.5e")).toEqual([]);
    expect(parsePartial("[1.5e3 ")).toEqual([1500]);
    expect(parsePartial('{"a":tru')).toEqual({});
    expect(parsePartial('{"a":true')).toEqual({ a: true });
    expect(parsePartial("[nul")).toEqual([]);
    expect(parsePartial("[null")).toEqual([null]);
    expect(parsePartial("-")).toBeUndefined();
    expect(parsePartial("12")).toBeUndefined();
  });

  it("completes a top-level number at the end of input", () => {
    const parser = createPartialParser();
    parser.push("-0.5");
    expect(parser.value).toBeUndefined();
    expect(parser.end()).toBe(-0.5);
    expect(Object.is(withText("-0").end(), -0)).toBe(true);
  });

  it("grows strings and shows a key as soon as its value's type is known", () => {
    const { seen } = snapshots(['{"na', 'me"', ":", ' "Jo', 'hn"', ', "tags": ', "[", '"x', '"]}']);
    expect(seen).toEqual([
      {},
      {},
      {},
      { name: "Jo" },
      { name: "John" },
      { name: "John" },
      { name: "John", tags: [] },
      { name: "John", tags: ["x"] },
      { name: "John", tags: ["x"] },
    ]);
  });

  it("never shows half an escape", () => {
    const { seen } = snapshots(['["a\\', "n", "\\u00", "e9", '\\"']);
    expect(seen).toEqual([["a"], ["a\n"], ["a\n"], ["a\né"], ['a\né"']]);
  });

  it("never shows a lone high surrogate that its low half may still follow", () => {
    const escaped = snapshots(['{"e":"x\\ud83d', "\\ude00", '"}']).seen;
    expect(escaped).toEqual([{ e: "x" }, { e: "x😀" }, { e: "x😀" }]);
    const emoji = "😀";
    const raw = snapshots([`["${emoji[0]}`, `${emoji[1]}"]`]).seen;
    expect(raw).toEqual([[""], [emoji]]);
    // A high surrogate followed by anything else is lone for good, as JSON.parse keeps it.
    const lone = snapshots(['["\\ud83d', 'a"]']).seen;
    expect(lone).toEqual([[""], [JSON.parse('"\\ud83da"')]]);
    expect(withText('"\\ud83d"').end()).toBe(JSON.parse('"\\ud83d"'));
  });

  it("keeps JSON.parse's key order and last-wins rule for duplicate keys", () => {
    const text = '{"a":1,"b":2,"a":{"c":3}}';
    const parser = createPartialParser();
    parser.push(text);
    expect(Object.keys(parser.end() as object)).toEqual(Object.keys(JSON.parse(text)));
    expect(parser.value).toEqual(JSON.parse(text));
  });
});

/** A parser that has read `text`: lets one-line assertions call end() on it. */
function withText(text: string) {
  const parser = createPartialParser();
  parser.push(text);
  return parser;
}

describe("structural sharing", () => {
  it("keeps unchanged subtrees identical and replaces only the path to the change", () => {
    const parser = createPartialParser();
    parser.push('{"meta":{"v":1},"users":[{"name":"Ann","tags":["a"]},{"name":"Bo');
    const before = parser.value as { meta: object; users: { name: string }[] };
    parser.push("b");
    const after = parser.value as typeof before;
    expect(after).not.toBe(before);
    expect(after.meta).toBe(before.meta);
    expect(after.users).not.toBe(before.users);
    expect(after.users[0]).toBe(before.users[0]);
    expect(after.users[1]).not.toBe(before.users[1]);
    expect(before.users[1]!.name).toBe("Bo");
    expect(after.users[1]!.name).toBe("Bob");
  });

  it("hands out the same object for every read until something changes", () => {
    const parser = createPartialParser();
    expect(parser.push('{"a":"x"')).toBe(true);
    const first = parser.value;
    expect(parser.value).toBe(first);
    expect(parser.push("  ")).toBe(false);
    expect(parser.value).toBe(first);
    expect(parser.push(',"b":')).toBe(false);
    expect(parser.value).toBe(first);
    expect(parser.push("1")).toBe(false);
    expect(parser.push("}")).toBe(true);
    expect(parser.value).not.toBe(first);
  });

  it("keeps a completed container's identity through to the final value", () => {
    const parser = createPartialParser();
    parser.push('[{"id":1},');
    const done = (parser.value as object[])[0]!;
    expect(parser.isComplete(done)).toBe(true);
    parser.push('{"id":2,"name":"long');
    parser.push(' name"}]');
    const final = parser.end() as object[];
    expect(final[0]).toBe(done);
  });

  it("never mutates a snapshot once handed out", () => {
    const parser = createPartialParser();
    parser.push('{"list":[1,2],"s":"ab');
    const snap = parser.value;
    const copy = structuredClone(snap);
    parser.push('c","list2":[3]}');
    parser.end();
    expect(snap).toEqual(copy);
  });
});

describe("completion and the active path", () => {
  it("answers for containers, for scalars by parent and key, and for the root", () => {
    const parser = createPartialParser();
    parser.push('{"done":{"x":1},"name":"Al');
    const v = parser.value as { done: object; name: string };
    expect(parser.isComplete(v.done)).toBe(true);
    expect(parser.isComplete(v)).toBe(false);
    expect(parser.isComplete(v, "done")).toBe(true);
    expect(parser.isComplete(v, "name")).toBe(false);
    expect(parser.isComplete(v, "missing")).toBe(false);
    expect(parser.isComplete()).toBe(false);
    expect(parser.activePath).toEqual(["name"]);
    parser.push('ice"');
    const w = parser.value as typeof v;
    expect(parser.isComplete(w, "name")).toBe(true);
    // The older snapshot still says its string was unfinished when it was taken.
    expect(parser.isComplete(v, "name")).toBe(false);
    expect(parser.activePath).toEqual([]);
    parser.push("}");
    expect(parser.isComplete()).toBe(true);
    expect(parser.isComplete(parser.value as object)).toBe(true);
    expect(parser.activePath).toBeUndefined();
  });

  it("reports the path of a number being written even though it is not visible yet", () => {
    const parser = createPartialParser();
    parser.push('{"a":[{"b":12');
    expect(parser.activePath).toEqual(["a", 0, "b"]);
    expect(parser.value).toEqual({ a: [{}] });
  });

  it("names the root as the active path inside an escape or a literal", () => {
    for (const text of ['"ab\\', '"ab\\u00', "t", "nul", "-1"]) {
      expect(withText(text).activePath, text).toEqual([]);
    }
  });

  it("does not take a key inherited from Object.prototype for a member", () => {
    const parser = withText('{"constructor":1');
    const value = parser.value as object;
    expect(parser.isComplete(value, "constructor")).toBe(false);
    expect(parser.isComplete(value, "toString")).toBe(false);
    expect(parser.isComplete(withText("[1,").value as object, "length")).toBe(false);
  });

  it("calls onComplete innermost first with each value's path", () => {
    const events: [JsonValue, readonly PathSegment[]][] = [];
    const parser = createPartialParser({ onComplete: (value, path) => events.push([value, [...path]]) });
    for (const ch of '{"a":[1,"x",{"b":null}],"c":true}') parser.push(ch);
    parser.end();
    expect(events).toEqual([
      [1, ["a", 0]],
      ["x", ["a", 1]],
      [null, ["a", 2, "b"]],
      [{ b: null }, ["a", 2]],
      [[1, "x", { b: null }], ["a"]],
      [true, ["c"]],
      [{ a: [1, "x", { b: null }], c: true }, []],
    ]);
    const final = parser.value as { a: unknown[] };
    expect(events[4]![0]).toBe(final.a);
  });

  it("turns an exception in onComplete into a JsonStreamError and keeps the snapshot", () => {
    const parser = createPartialParser({
      onComplete: (_value, path) => {
        if (path[0] === "b") throw new Error("no b");
      },
    });
    const error = caught(() => parser.push('{"a":1,"b":2}'));
    expect(error.code).toBe("callback");
    expect((error as Error & { cause: Error }).cause.message).toBe("no b");
    expect(parser.value).toEqual({ a: 1, b: 2 });
  });
});

describe("errors", () => {
  it("names the offset, line, column and shows an excerpt", () => {
    const parser = createPartialParser();
    parser.push('{\n  "a": 1,\n');
    const error = caught(() => parser.push('  "b": tru3\n}'));
    expect(error.name).toBe("JsonStreamError");
    expect(error.code).toBe("unexpected-character");
    expect(error.offset).toBe(22);
    expect(error.line).toBe(3);
    expect(error.column).toBe(11);
    expect(error.excerpt).toContain('"b": tru3');
    expect(error.message).toContain("line 3, column 11");
  });

  it("keeps the last good snapshot readable and keeps failing", () => {
    const parser = createPartialParser();
    parser.push('{"a":[1,2],"s":"par');
    const error = caught(() => parser.push('tial\u0001"}'));
    expect(parser.value).toEqual({ a: [1, 2], s: "partial" });
    expect(caught(() => parser.push("}"))).toBe(error);
    expect(caught(() => parser.end())).toBe(error);
  });

  it("reports an early end at the end of the text", () => {
    const parser = createPartialParser();
    parser.push('{"a":"b"');
    const error = caught(() => parser.end());
    expect(error.code).toBe("unexpected-end");
    expect(error.offset).toBe(8);
    expect(parser.value).toEqual({ a: "b" });
  });

  it("rejects trailing data in strict mode", () => {
    expect(caught(() => withText("{} x")).code).toBe("unexpected-character");
    expect(caught(() => withText("Here: {}")).offset).toBe(0);
  });

  it("refuses a push after end", () => {
    const parser = withText("[]");
    expect(parser.end()).toEqual([]);
    expect(parser.end()).toEqual([]);
    expect(() => parser.push("1")).toThrow(/after end/);
  });
});

describe("limits", () => {
  it("fails a million nested arrays at maxDepth with a typed error", () => {
    const parser = createPartialParser();
    const error = caught(() => parser.push("[".repeat(1_000_000)));
    expect(error.code).toBe("max-depth");
    expect(error.offset).toBe(512);
    expect(Array.isArray(parser.value)).toBe(true);
  });

  it("parses a million nested arrays without recursion when the limit allows it", () => {
    const depth = 1_000_000;
    const parser = createPartialParser({ maxDepth: depth });
    parser.push("[".repeat(depth));
    parser.push("]".repeat(depth));
    let node = parser.end() as JsonValue[];
    let levels = 1;
    while (node.length === 1) {
      node = node[0] as JsonValue[];
      levels++;
    }
    expect(node).toEqual([]);
    expect(levels).toBe(depth);
  });

  it("stops a 100 MB string at maxLength and keeps what fit", () => {
    const parser = createPartialParser();
    const block = "a".repeat(1 << 20);
    parser.push('["');
    let error: JsonStreamError | undefined;
    for (let i = 0; i < 100 && !error; i++) {
      try {
        parser.push(block);
      } catch (e) {
        error = e as JsonStreamError;
      }
    }
    expect(error).toBeInstanceOf(JsonStreamError);
    expect(error!.code).toBe("max-length");
    expect(error!.offset).toBe(64 * 1024 * 1024);
    const value = parser.value as string[];
    expect(value[0]!.length).toBe(64 * 1024 * 1024 - 2);
  });

  it("reads a 100 MB string when maxLength allows it", () => {
    const parser = createPartialParser({ maxLength: 128 * 1024 * 1024 });
    const block = "b".repeat(1 << 20);
    parser.push('{"blob":"');
    for (let i = 0; i < 100; i++) parser.push(block);
    parser.push('"}');
    const final = parser.end() as { blob: string };
    expect(final.blob.length).toBe(100 * (1 << 20));
  });
});

describe("prototype keys", () => {
  it("makes __proto__, constructor and prototype own data properties, as JSON.parse does", () => {
    const text = '{"__proto__":{"x":1},"constructor":{"prototype":{"polluted":true}},"prototype":2}';
    for (const chunks of [[text], [...text]]) {
      const parser = createPartialParser();
      for (const chunk of chunks) {
        parser.push(chunk);
        void parser.value;
      }
      const value = parser.end() as Record<string, unknown>;
      expect(value).toEqual(JSON.parse(text));
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.hasOwn(value, "__proto__")).toBe(true);
      expect(value.x).toBeUndefined();
      expect(Object.getOwnPropertyNames(value)).toEqual(Object.getOwnPropertyNames(JSON.parse(text)));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it("keeps __proto__ an own property in intermediate snapshots too", () => {
    const { seen } = snapshots(['{"__proto__":{"x":', "1}"]);
    const first = seen[0] as Record<string, unknown>;
    expect(Object.hasOwn(first, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(first.x).toBeUndefined();
  });
});

describe("lenient mode", () => {
  it("skips prose and a fence before the value and ignores what follows", () => {
    const text = 'Sure! Here it is:\n```json\n{"a": [1, 2], "b": "c"}\n```\nAnything {else}.';
    for (const chunks of [[text], [...text]]) {
      const { parser } = snapshots(chunks, { lenient: true });
      expect(parser.end()).toEqual({ a: [1, 2], b: "c" });
    }
  });

  it("shows the value while prose is still being skipped and after it ends", () => {
    const { seen } = snapshots(["Thinking", "... [", '"x"', "] done"], { lenient: true });
    expect(seen).toEqual([undefined, [], ["x"], ["x"]]);
  });

  it("fails with no-value when the text holds no object or array", () => {
    const parser = createPartialParser({ lenient: true });
    parser.push("I cannot help with that.");
    expect(caught(() => parser.end()).code).toBe("no-value");
  });

  it("ignores trailing text without counting it against maxLength", () => {
    const parser = createPartialParser({ lenient: true, maxLength: 10 });
    parser.push("[1]");
    parser.push("x".repeat(100));
    expect(parser.end()).toEqual([1]);
  });
});

describe("multiple values", () => {
  it("reads JSON Lines into an array whose last element may be partial", () => {
    const { parser, seen } = snapshots(['{"a":1}\n{"b"', ':"x', '"}\n3\n', "[true]"], { multiple: true });
    expect(seen).toEqual([
      [{ a: 1 }, {}],
      [{ a: 1 }, { b: "x" }],
      [{ a: 1 }, { b: "x" }, 3],
      [{ a: 1 }, { b: "x" }, 3, [true]],
    ]);
    expect(parser.end()).toEqual([{ a: 1 }, { b: "x" }, 3, [true]]);
    expect(parser.isComplete()).toBe(true);
  });

  it("accepts empty input and a final number without a newline", () => {
    expect(createPartialParser({ multiple: true }).end()).toEqual([]);
    expect(withMultiple("1 2").end()).toEqual([1, 2]);
  });

  it("skips prose between values when lenient", () => {
    const parser = createPartialParser({ multiple: true, lenient: true });
    parser.push('first: {"a":1} then [2] and done');
    expect(parser.end()).toEqual([{ a: 1 }, [2]]);
  });
});

function withMultiple(text: string) {
  const parser = createPartialParser({ multiple: true });
  parser.push(text);
  return parser;
}
