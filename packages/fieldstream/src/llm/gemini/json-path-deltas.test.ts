// The path-delta encoder must write exactly the JSON text of the value the paths describe, and every
// prefix of it must be something the partial parser accepts, however the strings are cut.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPartialParser } from "../../json/index.js";
import type { JsonValue } from "../../json/types.js";
import {
  createPathDeltaEncoder,
  MAX_SKIPPED_SLOTS,
  PathDeltaError,
  type PathDeltaValue,
  parseJsonPath,
} from "./json-path-deltas.js";

type Write = readonly [path: string, value: PathDeltaValue, willContinue?: boolean];

function encode(writes: readonly Write[]): string[] {
  const encoder = createPathDeltaEncoder();
  return [...writes.map(([path, value, more]) => encoder.write(path, value, more)), encoder.end()];
}

describe("parseJsonPath", () => {
  it("reads dotted names, indexes and quoted names", () => {
    expect(parseJsonPath("$")).toEqual([]);
    expect(parseJsonPath("$.a.b[0].c")).toEqual(["a", "b", 0, "c"]);
    expect(parseJsonPath('$["key with space"][12]')).toEqual(["key with space", 12]);
    expect(parseJsonPath("$['it\\'s']['a\"b']")).toEqual(["it's", 'a"b']);
    expect(parseJsonPath('$["\\u00e9\\n\\\\"]')).toEqual(["é\n\\"]);
    expect(parseJsonPath('$["0"][0]')).toEqual(["0", 0]);
  });

  it.each(["a.b", "$.", "$..a", "$[", "$[01]", "$[-1]", "$['a'", "$['a']x", '$["\\x"]'])(
    "refuses %s",
    (path) => {
      expect(() => parseJsonPath(path)).toThrow(PathDeltaError);
    },
  );
});

describe("createPathDeltaEncoder", () => {
  it("writes containers as paths open and leave them", () => {
    const text = encode([
      ["$.recipe.ingredients[0].amount", "16 oz"],
      ["$.recipe.ingredients[0].name", "Noodles"],
      ["$.recipe.ingredients[1].amount", "1 lb"],
      ["$.recipe.name", "Lasagna"],
      ["$.recipe.steps[0]", "Preheat"],
      ["$.count", 2],
      ["$.ok", true],
      ["$.none", null],
    ]).join("");
    expect(text).toBe(
      '{"recipe":{"ingredients":[{"amount":"16 oz","name":"Noodles"},{"amount":"1 lb"}],"name":"Lasagna",' +
        '"steps":["Preheat"]},"count":2,"ok":true,"none":null}',
    );
  });

  it("keeps a continued string open and appends to it, escaping each piece", () => {
    const encoder = createPathDeltaEncoder();
    expect(encoder.write("$.s", 'say "hi', true)).toBe('{"s":"say \\"hi');
    expect(encoder.write("$.s", "\\\n", true)).toBe("\\\\\\n");
    // As recorded: an empty piece that does not continue ends the string.
    expect(encoder.write("$.s", "")).toBe('"');
    expect(encoder.end()).toBe("}");
  });

  it("closes an open string when the next write is elsewhere", () => {
    expect(
      encode([
        ["$.a", "x", true],
        ["$.b[0]", "y", true],
        ["$.b[1]", 1],
      ]).join(""),
    ).toBe('{"a":"x","b":["y",1]}');
  });

  it("splits a surrogate pair across pieces into escapes JSON joins back", () => {
    const emoji = "😀";
    const text = encode([
      ["$.e", emoji[0]!, true],
      ["$.e", emoji[1]!, false],
    ]).join("");
    expect(JSON.parse(text)).toEqual({ e: emoji });
  });

  it("writes several leaves of one part in one go, and quoted keys", () => {
    expect(
      encode([
        ['$["a b"].c', 1],
        ["$['a b'].d", false],
      ]).join(""),
    ).toBe('{"a b":{"c":1,"d":false}}');
  });

  it("fills skipped array slots with null so indexes hold", () => {
    expect(JSON.parse(encode([["$.a[2]", 1]]).join(""))).toEqual({ a: [null, null, 1] });
    expect(
      JSON.parse(
        encode([
          ["$.a[0]", 0],
          ["$.a[3]", 3],
        ]).join(""),
      ),
    ).toEqual({ a: [0, null, null, 3] });
  });

  it(`skips at most ${MAX_SKIPPED_SLOTS} array slots in one write`, () => {
    const nulls = (n: number) => Array.from({ length: n }, () => null);
    expect(JSON.parse(encode([[`$.a[${MAX_SKIPPED_SLOTS}]`, 1]]).join(""))).toEqual({
      a: [...nulls(MAX_SKIPPED_SLOTS), 1],
    });
    expect(() => encode([[`$.a[${MAX_SKIPPED_SLOTS + 1}]`, 1]])).toThrow(PathDeltaError);
    const after = createPathDeltaEncoder();
    after.write("$.a[0]", 0);
    expect(() => after.write(`$.a[${MAX_SKIPPED_SLOTS + 2}]`, 1)).toThrow(
      `more than ${MAX_SKIPPED_SLOTS} past the next one`,
    );
  });

  it("refuses a 100-byte write that would fill 60 million slots, in bounded time and memory", () => {
    // In a child with a 64 MB heap: filling the slots would need gigabytes and end in a crash.
    const module = fileURLToPath(new URL("./json-path-deltas.ts", import.meta.url));
    const child = spawnSync(
      process.execPath,
      [
        "--max-old-space-size=64",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { createPathDeltaEncoder } = await import(process.argv[1]);
         const started = performance.now();
         let error;
         try { createPathDeltaEncoder().write("$.items[60000000]", "x", true); } catch (e) { error = e; }
         const ms = performance.now() - started;
         console.log(JSON.stringify({ name: error?.name, path: error?.path, ms, heap: process.memoryUsage().heapUsed }));`,
        module,
      ],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)), encoding: "utf8", timeout: 30_000 },
    );
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout) as { name: string; path: string; ms: number; heap: number };
    expect(result.name).toBe("PathDeltaError");
    expect(result.path).toBe("$.items[60000000]");
    expect(result.ms).toBeLessThan(50);
    expect(result.heap).toBeLessThan(64 * 1024 * 1024);
  });

  it("writes a top-level array or scalar", () => {
    expect(
      encode([
        ["$[0].a", "x"],
        ["$[1]", 2],
      ]).join(""),
    ).toBe('[{"a":"x"},2]');
    expect(
      encode([
        ["$", "whole", true],
        ["$", " text"],
      ]).join(""),
    ).toBe('"whole text"');
    expect(encode([["$", 3.5]]).join("")).toBe("3.5");
  });

  it("writes nothing at all for no writes", () => {
    expect(encode([]).join("")).toBe("");
  });

  it.each([
    [
      [
        ["$.a", 1],
        ["$.a", 2],
      ],
    ],
    [
      [
        ["$.a.b", 1],
        ["$.a", 2],
      ],
    ],
    [
      [
        ["$.a", 1],
        ["$.a.b", 2],
      ],
    ],
    [
      [
        ["$.a", 1],
        ["$.b", 2],
        ["$.a", 3],
      ],
    ],
    [
      [
        ["$.a[1]", 1],
        ["$.a[0]", 2],
      ],
    ],
    [
      [
        ["$.a", 1],
        ["$[0]", 2],
      ],
    ],
    [
      [
        ["$.a[0]", 1],
        ["$.a.b", 2],
      ],
    ],
    [
      [
        ["$", 1],
        ["$", 2],
      ],
    ],
    [
      [
        ["$.a", "x", true],
        ["$.a", 1],
      ],
    ],
  ] as const)("refuses writes that cannot follow each other: %j", (writes) => {
    expect(() => encode(writes as readonly Write[])).toThrow(PathDeltaError);
  });
});

// Property: any object made of leaves, flattened into path writes in document order with its strings
// cut into random pieces, encodes to its own JSON text.

type Leaf = string | number | boolean | null;

// Containers without members have no leaf to be written at, so the paths cannot describe them.
const leafArb: fc.Arbitrary<Leaf> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: fc.constantFrom("a", '"', "\\", "\n", "é", "\u0000", "\u2028"), maxLength: 8 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const keyArb = fc.oneof(
  fc.constantFrom("a", "name", "_x1", "0", "key with space", "it's", 'say "x"', "a.b", "[0]", "", "$", "é"),
  fc.string({ unit: "grapheme", maxLength: 6 }),
);
const { tree } = fc.letrec<{ tree: JsonValue; object: JsonValue; array: JsonValue }>((tie) => ({
  tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, leafArb, tie("object"), tie("array")),
  object: fc
    .uniqueArray(fc.tuple(keyArb, tie("tree")), { minLength: 1, maxLength: 5, selector: ([key]) => key })
    .map((members) => Object.fromEntries(members)),
  array: fc.array(tie("tree"), { minLength: 1, maxLength: 5 }),
}));
const rootArb = fc
  .uniqueArray(fc.tuple(keyArb, tree), { minLength: 1, maxLength: 6, selector: ([key]) => key })
  .map((members): JsonValue => Object.fromEntries(members));

function pathOf(segments: readonly (string | number)[]): string {
  return `$${segments
    .map((s) =>
      typeof s === "number"
        ? `[${s}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)
          ? `.${s}`
          : `[${JSON.stringify(s)}]`,
    )
    .join("")}`;
}

function leaves(value: JsonValue, at: (string | number)[] = []): [string, Leaf][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...at, i]));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return [[pathOf(at), value]];
}

/** Cuts a string at the given fractions; the last piece may be empty, as Gemini's closing piece is. */
function pieces(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * (text.length + 1))))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}

describe("createPathDeltaEncoder property", () => {
  it("encodes flattened writes back to the object, every prefix a valid partial JSON text", () => {
    fc.assert(
      fc.property(
        rootArb,
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 })),
        (value, cutsList) => {
          const writes: Write[] = [];
          for (const [i, [path, leaf]] of leaves(value).entries()) {
            if (typeof leaf !== "string") {
              writes.push([path, leaf]);
              continue;
            }
            const parts = pieces(leaf, cutsList[i % Math.max(1, cutsList.length)] ?? []);
            for (const [k, part] of parts.entries()) writes.push([path, part, k < parts.length - 1]);
          }
          const deltas = encode(writes);
          const parser = createPartialParser();
          for (const delta of deltas) parser.push(delta);
          const expected = JSON.parse(JSON.stringify(value)) as JsonValue;
          expect(JSON.parse(deltas.join(""))).toEqual(expected);
          expect(parser.end()).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
