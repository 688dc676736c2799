// Property tests of the partial-value contract: random documents written with random whitespace and escapes,
// fed in random chunkings, checked snapshot by snapshot against JSON.parse and against the text's own layout.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Chunking,
  chunkingArb,
  type Doc,
  docArb,
  duplicateKeysDocArb,
  expectedActivePath,
  expectedAt,
  isCompleteAt,
  jsonValueDocArb,
  keyArb,
  type Placed,
  pathKey,
  placedAt,
  replaceablePaths,
  split,
  styleArb,
  textArb,
  type Written,
  write,
  writeLines,
} from "../../test/helpers/json-docs.js";
import {
  canonical,
  completionMarks,
  difference,
  type Fed,
  feed,
  nodesOf,
  notEarlier,
  type Step,
  under,
  valueAt,
} from "../../test/helpers/snapshots.js";
import { JsonStreamError } from "../errors/index.js";
import { parsePartial } from "./parse-partial.js";
import { createPartialParser } from "./parser.js";
import type { JsonValue, PartialParserOptions, PathSegment } from "./types.js";

// Model output is mostly an object of strings, numbers and arrays, so that shape gets its own weight.
const llmObjectArb: fc.Arbitrary<Doc> = fc
  .uniqueArray(fc.tuple(keyArb, docArb({ duplicates: false })), { maxLength: 6, selector: ([key]) => key })
  .map((members): Doc => ({ kind: "object", members }));

const anyDocArb: fc.Arbitrary<Doc> = fc.oneof(
  { weight: 4, arbitrary: llmObjectArb },
  { weight: 2, arbitrary: docArb({ duplicates: false }) },
  { weight: 2, arbitrary: jsonValueDocArb },
  { weight: 1, arbitrary: duplicateKeysDocArb },
  { weight: 1, arbitrary: docArb({ duplicates: true }) },
);

interface Case extends Written {
  readonly chunks: readonly string[];
}

function caseArb(doc: fc.Arbitrary<Doc>): fc.Arbitrary<Case> {
  return fc.tuple(doc, styleArb, chunkingArb).map(([value, style, chunking]) => {
    const written = write(value, style);
    return { ...written, chunks: split(written.text, chunking) };
  });
}

/** A fixed case for `examples`: the document written plainly, cut into the given chunks. */
function exampleOf(doc: Doc, chunks: readonly string[]): Case {
  const written = write(doc, { seed: 0, whitespace: 0, escapes: 0 });
  if (chunks.join("") !== written.text)
    throw new Error(`chunks do not spell ${JSON.stringify(written.text)}`);
  return { ...written, chunks };
}

/** Enough to replay a failure by hand: the exact chunks pushed. */
function replay(chunks: readonly string[]): string {
  return `chunks ${JSON.stringify(chunks)}`;
}

function rootOf(written: Written): Placed {
  return written.roots[0]!;
}

/** The completion marks a snapshot must carry, from the positions of the values in the text. */
function expectedMarks(
  roots: readonly Placed[],
  value: JsonValue | undefined,
  at: number,
  ended: boolean,
  multiple: boolean,
): string {
  const marks: string[] = [];
  for (const { node, path, parent } of nodesOf(value)) {
    if (multiple && path.length === 0) {
      marks.push(`[] ${ended ? "complete" : "open"}`);
      continue;
    }
    const placed = multiple
      ? placedAt(roots[path[0] as number]!, path.slice(1), at, ended)
      : placedAt(roots[0]!, path, at, ended);
    if (placed === undefined) return `no written value at ${pathKey(path)}`;
    const complete = isCompleteAt(placed, at, ended);
    if (typeof node === "object" && node !== null) {
      marks.push(`${pathKey(path)}${complete ? " complete" : " open"}`);
    } else if (typeof node === "string" && parent !== undefined && !complete) {
      marks.push(`${pathKey(path)} open string`);
    }
  }
  return marks.join("\n");
}

/** Everything a reader can see after a push, as one string: if it is unchanged, nothing new happened. */
function observable(step: Step): string {
  return `${canonical(step.value)}\n${step.complete}\n${step.marks}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

describe("partial parser: random documents in random chunkings", () => {
  it("ends with exactly what JSON.parse returns: -0, own __proto__ keys, plain prototypes", () => {
    fc.assert(
      fc.property(caseArb(anyDocArb), ({ text, chunks }) => {
        const expected = JSON.parse(text) as JsonValue;
        const fed = feed(chunks);
        expect(fed.error, replay(chunks)).toBeUndefined();
        expect(fed.final).toEqual(expected);
        expect(difference(fed.final, expected), replay(chunks)).toBeUndefined();
        for (const { node, path } of nodesOf(fed.final)) {
          if (typeof node !== "object" || node === null) continue;
          const prototype = Array.isArray(node) ? Array.prototype : Object.prototype;
          expect(Object.getPrototypeOf(node) === prototype, `prototype at ${pathKey(path)}`).toBe(true);
          if (!Array.isArray(node) && Object.hasOwn(valueAt(expected, path) as object, "__proto__")) {
            expect(Object.hasOwn(node, "__proto__"), `own __proto__ at ${pathKey(path)}`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("only ever shows an earlier state of the final value", () => {
    fc.assert(
      fc.property(caseArb(anyDocArb), (written) => {
        const { chunks } = written;
        const fed = feed(chunks);
        const final = fed.final;
        expect(fed.error, replay(chunks)).toBeUndefined();
        // A repeated key may change type or shrink when its last occurrence replaces the first.
        const replaceable = replaceablePaths(written.roots, false);
        let previous: JsonValue | undefined;
        for (const step of fed.steps) {
          const message = `${replay(chunks)} after ${step.at} characters`;
          expect(notEarlier(step.value, final, replaceable), message).toBeUndefined();
          expect(notEarlier(previous, step.value, replaceable), message).toBeUndefined();
          previous = step.value;
          for (const { node, path, parent, key } of nodesOf(step.value, (p) => under(replaceable, p))) {
            if (typeof node !== "string") continue;
            const open = parent === undefined ? !step.complete : !fed.parser.isComplete(parent, key!);
            const finalString = valueAt(final, path) as string;
            if (!open) expect(node, `${message}, complete string at ${pathKey(path)}`).toBe(finalString);
            // An escape is shown decoded or not at all: its text never leaks into the value.
            for (let index = node.indexOf("\\u"); index >= 0; index = node.indexOf("\\u", index + 1)) {
              expect(finalString.startsWith("\\u", index), `${message}, ${pathKey(path)} leaks \\u`).toBe(
                true,
              );
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never shows half of a surrogate pair", () => {
    // "\ud800" followed by another high surrogate is known to stay lone, so it may show; the second
    // one may still pair with what comes next, so it must not.
    const twoHighSurrogates = exampleOf({ kind: "string", value: "\ud800\ud800\udc00" }, [
      '"\ud800\ud800',
      '\udc00"',
    ]);
    fc.assert(
      fc.property(caseArb(anyDocArb), (written) => {
        const { chunks } = written;
        const fed = feed(chunks);
        expect(fed.error, replay(chunks)).toBeUndefined();
        // A repeated key may hold another string by the end, so its final value says nothing here.
        const replaceable = replaceablePaths(written.roots, false);
        for (const step of fed.steps) {
          for (const { node, path } of nodesOf(step.value, (p) => under(replaceable, p))) {
            if (typeof node !== "string" || !isHighSurrogate(node.charCodeAt(node.length - 1))) continue;
            const final = valueAt(fed.final, path) as string;
            const next = final.charCodeAt(node.length);
            const message = `${replay(chunks)} after ${step.at} characters: ${pathKey(path)} is ${JSON.stringify(node)}`;
            expect(next >= 0xdc00 && next <= 0xdfff, message).toBe(false);
          }
        }
      }),
      {
        numRuns: 200,
        examples: [
          [twoHighSurrogates],
          [
            exampleOf(
              {
                kind: "object",
                members: [
                  ["__proto__", { kind: "string", value: "  \ud800" }],
                  ["__proto__", { kind: "string", value: " \ud800\ud800\udc00" }],
                ],
              },
              ['{"__proto__":"  \ud800', '","__proto__":" \ud800', '\ud800\udc00"}'],
            ),
          ],
        ],
      },
    );
  });

  it("shows exactly what the prefix read so far allows: values and completion marks", () => {
    fc.assert(
      fc.property(caseArb(anyDocArb), (written) => {
        const { text, chunks } = written;
        const root = rootOf(written);
        const fed = feed(chunks);
        expect(fed.error, replay(chunks)).toBeUndefined();
        for (const step of fed.steps) {
          const message = `${replay(chunks)} after ${step.at} characters`;
          const expected = expectedAt(root, text, step.at, false);
          expect(difference(step.value, expected), message).toBeUndefined();
          expect(step.marks, message).toBe(expectedMarks(written.roots, step.value, step.at, false, false));
          expect(step.complete, message).toBe(isCompleteAt(root, step.at, false));
        }
        expect(difference(fed.final, expectedAt(root, text, text.length, true))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it("shares structure: complete subtrees keep their identity, snapshots are never mutated", () => {
    fc.assert(
      fc.property(caseArb(anyDocArb), (written) => {
        const { chunks } = written;
        const fed = feed(chunks);
        expect(fed.error, replay(chunks)).toBeUndefined();
        const { parser } = fed;
        const final = fed.final!;
        const replaceable = replaceablePaths(written.roots, false);
        const skip = (path: readonly PathSegment[]) => under(replaceable, path);
        const frozen = new Map<string, object>();
        const reads: { value: JsonValue | undefined; copy: JsonValue | undefined; at: number }[] = [
          ...fed.steps,
          { value: final, copy: structuredClone(final), at: Number.POSITIVE_INFINITY },
        ];
        let previous: (typeof reads)[number] | undefined;
        for (const read of reads) {
          const message = `${replay(chunks)} after ${read.at} characters`;
          for (const { node, path } of nodesOf(read.value, skip)) {
            if (typeof node !== "object" || node === null) continue;
            const known = frozen.get(pathKey(path));
            if (known !== undefined) {
              expect(node === known, `${message}: complete ${pathKey(path)} was replaced`).toBe(true);
            } else if (parser.isComplete(node)) {
              frozen.set(pathKey(path), node);
            }
          }
          // A container handed out again must still hold what it held when first read.
          if (previous !== undefined) {
            const pending: PathSegment[][] = [[]];
            for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
              if (skip(path)) continue;
              const before = valueAt(previous.value, path);
              const after = valueAt(read.value, path);
              if (typeof before !== "object" || before === null || after === undefined) continue;
              if (before === after) {
                const unchanged = difference(after, valueAt(previous.copy, path));
                expect(unchanged, `${message}: ${pathKey(path)} reused after a change`).toBeUndefined();
              } else {
                for (const key of Array.isArray(before) ? before.keys() : Object.keys(before)) {
                  pending.push([...path, key]);
                }
              }
            }
          }
          previous = read;
        }
        for (const read of reads) {
          expect(difference(read.value, read.copy), `${replay(chunks)}: snapshot mutated`).toBeUndefined();
        }
        // onComplete promises the very object that later snapshots hold.
        for (const { value, path } of fed.completions) {
          if (typeof value !== "object" || value === null || skip(path)) continue;
          expect(value === valueAt(final, path), `${replay(chunks)}: onComplete at ${pathKey(path)}`).toBe(
            true,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it("depends only on the prefix, not on its chunking; push reports exactly the visible changes", () => {
    fc.assert(
      fc.property(
        caseArb(anyDocArb),
        fc.array(fc.boolean(), { minLength: 1 }),
        ({ text, chunks, roots }, reads) => {
          const fed = feed(chunks);
          expect(fed.error, replay(chunks)).toBeUndefined();
          // A repeated key can replace a value by one that looks the same, so only there may a change be invisible.
          const repeatsKeys = replaceablePaths(roots, false).size > 0;
          let previous: Step | undefined;
          for (const step of fed.steps) {
            const prefix = text.slice(0, step.at);
            const message = `${replay(chunks)} after ${step.at} characters`;
            expect(difference(step.value, parsePartial(prefix)), message).toBeUndefined();
            const single = createPartialParser();
            single.push(prefix);
            expect(difference(step.value, single.value), message).toBeUndefined();
            expect(step.marks, message).toBe(completionMarks(single, single.value));
            expect(step.activePath, message).toEqual(single.activePath);
            expect(step.complete, message).toBe(single.isComplete());
            expect(single.offset, message).toBe(step.at);
            if (previous !== undefined) {
              if (step.changed === false) {
                expect(step.value === previous.value, `${message}: push returned false`).toBe(true);
              } else if (!repeatsKeys) {
                expect(observable(step), `${message}: push returned true`).not.toBe(observable(previous));
              }
            }
            previous = step;
          }
          // Snapshots are built lazily, so a reader who skips some pushes must still see the same values.
          const sparse = createPartialParser();
          chunks.forEach((chunk, index) => {
            sparse.push(chunk);
            if (reads[index % reads.length]) {
              const message = `${replay(chunks)}, read after chunk ${index} only`;
              expect(difference(sparse.value, fed.steps[index + 1]!.value), message).toBeUndefined();
            }
          });
          expect(difference(sparse.end(), fed.final), replay(chunks)).toBeUndefined();
          const events = (fed: Fed) =>
            fed.completions.map(({ path, value }) => `${pathKey(path)} ${canonical(value)}`);
          expect(events(fed), replay(chunks)).toEqual(events(feed([text])));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("knows what is complete: the root and every container", () => {
    fc.assert(
      fc.property(caseArb(anyDocArb), (written) => {
        const { chunks } = written;
        const root = rootOf(written);
        const fed = feed(chunks);
        expect(fed.error, replay(chunks)).toBeUndefined();
        const { parser } = fed;
        const final = fed.final!;
        const replaceable = replaceablePaths(written.roots, false);
        for (const step of fed.steps) {
          const message = `${replay(chunks)} after ${step.at} characters`;
          // Complete as soon as the last character of the value is read, except a number, which needs one more.
          expect(step.complete, message).toBe(isCompleteAt(root, step.at, false));
          for (const { node, path } of nodesOf(step.value, (p) => under(replaceable, p))) {
            if (typeof node === "object" && node !== null && parser.isComplete(node)) {
              expect(difference(node, valueAt(final, path)), `${message}, ${pathKey(path)}`).toBeUndefined();
            }
          }
        }
        expect(parser.isComplete()).toBe(true);
        expect(parser.activePath).toBeUndefined();
        for (const { node, path, parent, key } of nodesOf(final)) {
          if (typeof node === "object" && node !== null) {
            expect(parser.isComplete(node), `${replay(chunks)}: ${pathKey(path)} after end()`).toBe(true);
          }
          if (parent !== undefined) expect(parser.isComplete(parent, key!)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("says a member not shown yet is not complete, whatever its key", () => {
    // Keys such as "constructor" name inherited members, which must not count as a complete child.
    const inheritedKey = exampleOf(
      { kind: "object", members: [["constructor", { kind: "number", text: "12" }]] },
      ['{"constructor":1', "2}"],
    );
    fc.assert(
      fc.property(caseArb(anyDocArb), (written) => {
        const { chunks } = written;
        const fed = feed(chunks);
        expect(fed.error, replay(chunks)).toBeUndefined();
        const replaceable = replaceablePaths(written.roots, false);
        for (const step of fed.steps) {
          for (const { node, path } of nodesOf(step.value, (p) => under(replaceable, p))) {
            if (typeof node !== "object" || node === null) continue;
            const later = valueAt(fed.final, path) as object;
            const missing = Array.isArray(later)
              ? Array.from(
                  { length: later.length - (node as unknown[]).length },
                  (_, i) => i + (node as unknown[]).length,
                )
              : Object.keys(later).filter((key) => !Object.hasOwn(node, key));
            for (const key of missing) {
              const message = `${replay(chunks)} after ${step.at} characters: ${pathKey([...path, key])}`;
              expect(fed.parser.isComplete(node, key), message).toBe(false);
            }
          }
        }
      }),
      { numRuns: 200, examples: [[inheritedKey]] },
    );
  });

  it("reports as activePath the value being written, and only that string as incomplete", () => {
    // At the top level, a string inside an escape and a literal being read are still being written.
    const rootEscape = exampleOf({ kind: "string", value: '"' }, ['"\\', '""']);
    const rootLiteral = exampleOf({ kind: "literal", text: "true" }, ["t", "rue"]);
    fc.assert(
      fc.property(caseArb(anyDocArb), (written) => {
        const { chunks } = written;
        const fed = feed(chunks);
        expect(fed.error, replay(chunks)).toBeUndefined();
        const replaceable = replaceablePaths(written.roots, false);
        for (const step of fed.steps) {
          const message = `${replay(chunks)} after ${step.at} characters`;
          expect(step.activePath, message).toEqual(expectedActivePath(written.roots, step.at, false, false));
          const active = step.activePath === undefined ? undefined : pathKey(step.activePath);
          for (const { node, path, parent, key } of nodesOf(step.value, (p) => under(replaceable, p))) {
            if (typeof node !== "string") continue;
            const open = parent === undefined ? !step.complete : !fed.parser.isComplete(parent, key!);
            expect(open, `${message}, string at ${pathKey(path)}`).toBe(active === pathKey(path));
          }
        }
        expect(fed.parser.activePath).toBeUndefined();
      }),
      { numRuns: 200, examples: [[rootEscape], [rootLiteral]] },
    );
  });
});

describe("partial parser: truncated and corrupted text", () => {
  const cutArb = fc.tuple(caseArb(anyDocArb), fc.nat(), chunkingArb);

  it("fails a truncated text with unexpected-end at its length, unless the prefix is itself JSON", () => {
    fc.assert(
      fc.property(cutArb, ([{ text }, cut, chunking]) => {
        const prefix = text.slice(0, cut % (text.length + 1));
        const chunks = split(prefix, chunking);
        let expected: { value: JsonValue } | undefined;
        try {
          expected = { value: JSON.parse(prefix) as JsonValue };
        } catch {
          expected = undefined;
        }
        const fed = feed(chunks);
        // A prefix of valid JSON is never rejected while it is being read.
        expect(fed.steps.length, replay(chunks)).toBe(chunks.length + 1);
        if (expected !== undefined) {
          expect(fed.error, replay(chunks)).toBeUndefined();
          expect(difference(fed.final, expected.value), replay(chunks)).toBeUndefined();
          return;
        }
        expect(fed.error, replay(chunks)).toBeInstanceOf(JsonStreamError);
        const error = fed.error as JsonStreamError;
        expect(error.code, replay(chunks)).toBe("unexpected-end");
        expect(error.offset, replay(chunks)).toBe(prefix.length);
        expect([error.line, error.column], replay(chunks)).toEqual(lineAndColumn(prefix, prefix.length));
        expect(difference(fed.afterError, fed.steps.at(-1)!.value), replay(chunks)).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  const significant = fc.constantFrom(...'{}[],:"\\ \t\n\r-+.0123456789eEtrufalsnxu/');
  const editArb = fc.record({
    kind: fc.constantFrom("replace", "insert", "delete"),
    position: fc.nat(),
    char: fc.oneof(
      { weight: 4, arbitrary: significant },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)) },
      { weight: 1, arbitrary: textArb.filter((s) => s.length > 0).map((s) => s[0]!) },
    ),
  });

  it("agrees with JSON.parse on a corrupted text, and fails at the same offset in any chunking", () => {
    fc.assert(
      fc.property(caseArb(anyDocArb), editArb, chunkingArb, ({ text, roots }, edit, chunking) => {
        const bad = applyEdit(text, edit);
        const replaceable = replaceablePaths(roots, false);
        let expected: { value: JsonValue } | { message: string };
        try {
          expected = { value: JSON.parse(bad) as JsonValue };
        } catch (error) {
          expected = { message: (error as Error).message };
        }
        const chunkings: Chunking[] = [{ kind: "whole" }, { kind: "units" }, chunking];
        const outcomes = chunkings.map((how) => ({ chunks: split(bad, how), fed: feed(split(bad, how)) }));
        for (const { chunks, fed } of outcomes) {
          if ("value" in expected) {
            expect(fed.error, replay(chunks)).toBeUndefined();
            expect(difference(fed.final, expected.value), replay(chunks)).toBeUndefined();
            continue;
          }
          expect(fed.error, `${replay(chunks)}; JSON.parse: ${expected.message}`).toBeInstanceOf(
            JsonStreamError,
          );
          const error = fed.error as JsonStreamError;
          const first = outcomes[0]!.fed.error as JsonStreamError;
          const message = `${replay(chunks)}; ours: ${error.message}; JSON.parse: ${expected.message}`;
          expect([error.code, error.offset, error.line, error.column], message).toEqual([
            first.code,
            first.offset,
            first.line,
            first.column,
          ]);
          expect(error.code, message).toBe(
            error.offset === bad.length ? "unexpected-end" : "unexpected-character",
          );
          expect([error.line, error.column], message).toEqual(lineAndColumn(bad, error.offset));
          // Everything before the offset is a valid start of JSON: the offset names the first bad character.
          expect(() => parsePartial(bad.slice(0, error.offset)), message).not.toThrow();
          const position = /at position (\d+)/.exec(expected.message);
          if (position !== null) expect(error.offset, message).toBe(Number(position[1]));
          // What was shown before the error stays, and the state after it does not depend on the chunking.
          expect(notEarlier(fed.steps.at(-1)!.value, fed.afterError, replaceable), message).toBeUndefined();
          expect(difference(fed.afterError, outcomes[0]!.fed.afterError), message).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("partial parser modes", () => {
  it("multiple: reads JSON Lines into the array of their values, in any chunking", () => {
    const linesArb = fc
      .tuple(
        fc.array(fc.oneof(anyDocArb, docArb({ duplicates: false })), { maxLength: 5 }),
        styleArb,
        chunkingArb,
      )
      .map(([docs, style, chunking]) => {
        const written = writeLines(docs, style);
        return { ...written, chunks: split(written.text, chunking) };
      });
    const options: PartialParserOptions = { multiple: true };
    fc.assert(
      fc.property(linesArb, (written) => {
        const { text, chunks, roots } = written;
        const expected = roots.map((root) => JSON.parse(text.slice(root.start, root.end)) as JsonValue);
        const fed = feed(chunks, options);
        expect(fed.error, replay(chunks)).toBeUndefined();
        expect(difference(fed.final, expected), replay(chunks)).toBeUndefined();
        const replaceable = replaceablePaths(roots, true);
        let previous: JsonValue | undefined;
        for (const step of fed.steps) {
          const message = `${replay(chunks)} after ${step.at} characters`;
          const shown: JsonValue[] = [];
          for (const root of roots) {
            const value = expectedAt(root, text, step.at, false);
            if (value === undefined) break;
            shown.push(value);
          }
          expect(difference(step.value, shown), message).toBeUndefined();
          expect(
            difference(step.value, parsePartial(text.slice(0, step.at), options)),
            message,
          ).toBeUndefined();
          expect(notEarlier(step.value, fed.final, replaceable), message).toBeUndefined();
          expect(notEarlier(previous, step.value, replaceable), message).toBeUndefined();
          expect(step.activePath, message).toEqual(expectedActivePath(roots, step.at, false, true));
          expect(step.marks, message).toBe(expectedMarks(roots, step.value, step.at, false, true));
          previous = step.value;
        }
        expect(fed.parser.isComplete()).toBe(true);
        expect(fed.parser.isComplete(fed.final as object)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("lenient: skips prose and a ```json fence before the value and anything after it", () => {
    const proseUnit = fc.oneof(
      textArb.filter((s) => s.length > 0).map((s) => s[0]!),
      fc.constantFrom("`", "\n", " ", "}", "]", '"', ":", "json", "Here is the JSON:"),
    );
    const prose = fc.string({ unit: proseUnit, maxLength: 12 }).map((s) => s.replace(/[{[]/g, "("));
    const containerArb = fc
      .oneof(llmObjectArb, docArb({ duplicates: true }))
      .map(
        (doc): Doc => (doc.kind === "object" || doc.kind === "array" ? doc : { kind: "array", items: [doc] }),
      );
    const lenientArb = fc
      .tuple(
        prose,
        fc.constantFrom("", "```json\n", "```JSON\n", "```\n", "``` json\n"),
        containerArb,
        fc.constantFrom("", "\n```", "\n```\n"),
        fc.string({ unit: proseUnit, maxLength: 12 }),
        styleArb,
        chunkingArb,
      )
      .map(([before, fence, doc, close, after, style, chunking]) => {
        const written = write(doc, style, { before: before + fence, after: close + after });
        return { ...written, chunks: split(written.text, chunking) };
      });
    const options: PartialParserOptions = { lenient: true };
    fc.assert(
      fc.property(lenientArb, (written) => {
        const { text, chunks } = written;
        const root = rootOf(written);
        const fed = feed(chunks, options);
        expect(fed.error, replay(chunks)).toBeUndefined();
        const expected = JSON.parse(text.slice(root.start, root.end)) as JsonValue;
        expect(difference(fed.final, expected), replay(chunks)).toBeUndefined();
        let previous: Step | undefined;
        for (const step of fed.steps) {
          const message = `${replay(chunks)} after ${step.at} characters`;
          expect(difference(step.value, expectedAt(root, text, step.at, false)), message).toBeUndefined();
          expect(
            difference(step.value, parsePartial(text.slice(0, step.at), options)),
            message,
          ).toBeUndefined();
          expect(step.complete, message).toBe(step.at >= root.end);
          // Once the value is complete, the rest of the text changes nothing.
          if (previous?.complete) {
            expect(step.changed, message).toBe(false);
            expect(step.value === previous.value, message).toBe(true);
          }
          previous = step;
        }
      }),
      { numRuns: 200 },
    );
  });
});

function lineAndColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const lines = before.split("\n").length;
  return [lines, offset - before.lastIndexOf("\n")];
}

function applyEdit(text: string, edit: { kind: string; position: number; char: string }): string {
  if (edit.kind === "insert") {
    const at = edit.position % (text.length + 1);
    return text.slice(0, at) + edit.char + text.slice(at);
  }
  if (text.length === 0) return edit.char;
  const at = edit.position % text.length;
  return text.slice(0, at) + (edit.kind === "replace" ? edit.char : "") + text.slice(at + 1);
}
