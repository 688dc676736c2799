// Random zod schemas, random values of them, random chunkings: every partial is a partial of the
// final value in the DeepPartial sense, and the final value is what zod parses from the whole text.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import type { JsonValue } from "../json/index.js";
import { streamObject } from "../stream/index.js";

/** A schema shape the generator can turn both into a zod schema and into values of it. */
type Shape =
  | { kind: "string" | "number" | "int" | "boolean" }
  | { kind: "enum"; values: [string, ...string[]] }
  | { kind: "nullable"; inner: Shape }
  | { kind: "array"; element: Shape }
  | { kind: "object"; fields: { key: string; shape: Shape; optional: boolean }[] };

// No prototype-named keys here: zod drops an own "__proto__" and reads an absent optional
// "constructor" from Object.prototype. The parser tests cover those keys.
const key = fc.constantFrom("id", "name", "email", "tags", "items", "score", "ok", "note", "é");

const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Shape>({ kind: "string" }, { kind: "number" }, { kind: "int" }, { kind: "boolean" }),
    fc
      .uniqueArray(fc.constantFrom("active", "act", "inactive", "pending"), { minLength: 1, maxLength: 3 })
      .map((values) => ({ kind: "enum", values: values as [string, ...string[]] }) as Shape),
    tie("shape").map((inner) => ({ kind: "nullable", inner }) as Shape),
    tie("shape").map((element) => ({ kind: "array", element }) as Shape),
    fc
      .uniqueArray(fc.record({ key, shape: tie("shape"), optional: fc.boolean() }), {
        selector: (f) => f.key,
        maxLength: 4,
      })
      .map((fields) => ({ kind: "object", fields }) as Shape),
  ),
})).shape;

function toZod(shape: Shape): z.ZodType {
  switch (shape.kind) {
    case "string":
      return z.string();
    case "number":
      return z.number();
    case "int":
      return z.number().int();
    case "boolean":
      return z.boolean();
    case "enum":
      return z.enum(shape.values);
    case "nullable":
      return toZod(shape.inner).nullable();
    case "array":
      return z.array(toZod(shape.element));
    case "object":
      return z.object(
        Object.fromEntries(
          shape.fields.map((f) => [f.key, f.optional ? toZod(f.shape).optional() : toZod(f.shape)]),
        ),
      );
  }
}

function valuesOf(shape: Shape): fc.Arbitrary<JsonValue> {
  switch (shape.kind) {
    case "string":
      return fc.string({ unit: "grapheme", maxLength: 12 });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
    case "int":
      return fc.integer({ min: -1e9, max: 1e9 });
    case "boolean":
      return fc.boolean();
    case "enum":
      return fc.constantFrom(...shape.values);
    case "nullable":
      return fc.option(valuesOf(shape.inner), { nil: null });
    case "array":
      return fc.array(valuesOf(shape.element), { maxLength: 4 });
    case "object": {
      const entries = shape.fields.map((f) =>
        f.optional
          ? fc.option(
              valuesOf(f.shape).map((v) => [f.key, v] as const),
              { nil: undefined },
            )
          : valuesOf(f.shape).map((v) => [f.key, v] as const),
      );
      return fc.tuple(...entries).map((pairs) => {
        const out: Record<string, JsonValue> = {};
        for (const pair of pairs) {
          if (pair)
            Object.defineProperty(out, pair[0], {
              value: pair[1],
              enumerable: true,
              writable: true,
              configurable: true,
            });
        }
        return out;
      });
    }
  }
}

function cuts(text: string): fc.Arbitrary<string[]> {
  return fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 64 }).map((sizes) => {
    const chunks: string[] = [];
    for (let i = 0, k = 0; i < text.length; k++) {
      const n = sizes[k % sizes.length]!;
      chunks.push(text.slice(i, i + n));
      i += n;
    }
    return chunks;
  });
}

const atomicKinds = new Set(["number", "int", "boolean", "enum"]);

/** Why `partial` is not a partial of `final` under `shape`, or undefined when it is. */
function notPartialOf(shape: Shape, partial: unknown, final: unknown, at: string): string | undefined {
  if (partial === null) return final === null ? undefined : `${at}: null before ${JSON.stringify(final)}`;
  if (shape.kind === "nullable") return notPartialOf(shape.inner, partial, final, at);
  if (atomicKinds.has(shape.kind))
    return Object.is(partial, final) ? undefined : `${at}: ${partial} is not ${final}`;
  if (shape.kind === "string") {
    return typeof partial === "string" && typeof final === "string" && final.startsWith(partial)
      ? undefined
      : `${at}: ${JSON.stringify(partial)} is not a prefix of ${JSON.stringify(final)}`;
  }
  if (shape.kind === "array") {
    if (!Array.isArray(partial) || !Array.isArray(final) || partial.length > final.length)
      return `${at}: array`;
    for (let i = 0; i < partial.length; i++) {
      const why = notPartialOf(shape.element, partial[i], final[i], `${at}[${i}]`);
      if (why) return why;
    }
    return undefined;
  }
  if (shape.kind !== "object") return `${at}: unexpected ${shape.kind}`;
  if (typeof partial !== "object" || typeof final !== "object" || Array.isArray(partial) || final === null) {
    return `${at}: object`;
  }
  for (const k of Object.keys(partial)) {
    const field = shape.fields.find((f) => f.key === k);
    if (!field) return `${at}.${k}: not in the schema`;
    if (!Object.hasOwn(final, k)) return `${at}.${k}: not in the final value`;
    const why = notPartialOf(
      field.shape,
      (partial as Record<string, unknown>)[k],
      (final as Record<string, unknown>)[k],
      `${at}.${k}`,
    );
    if (why) return why;
  }
  return undefined;
}

describe("streamObject over random schemas", () => {
  it("yields only partials of the final value, and the final value zod parses", async () => {
    const cases = shapeArb.chain((shape) =>
      valuesOf(shape).chain((value) => {
        const text = JSON.stringify(value);
        return fc.tuple(fc.constant(shape), fc.constant(text), cuts(text));
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([shape, text, chunks]) => {
        const schema = toZod(shape);
        const partials: unknown[] = [];
        let stream: ReturnType<typeof streamObject<z.ZodType>> | undefined;
        // Reading the partial when the source is asked for the next chunk sees every chunk's effect.
        async function* read() {
          for (const chunk of chunks) {
            yield chunk;
            partials.push(stream!.partial);
          }
        }
        stream = streamObject({ schema, source: read() });
        const final = await stream.final;
        expect(final).toEqual(schema.parse(JSON.parse(text)));
        for (const partial of partials) {
          if (partial === undefined) continue;
          const why = notPartialOf(shape, partial, final, "$");
          expect(why, `${text} / ${JSON.stringify(partial)}`).toBeUndefined();
        }
        expect(stream.partial).toEqual(final);
      }),
      { numRuns: 300 },
    );
  });
});
