// Type tests for DeepPartial and the types streamObject infers from a zod schema: what a partial,
// an element and the final value look like to the compiler.

import { describe, expectTypeOf, it } from "vitest";
import * as z from "zod";
import { streamObject } from "../stream/index.js";
import type { DeepPartial } from "./deep-partial.js";
import { Iterable } from "./helpers.js";

describe("DeepPartial", () => {
  it("makes object fields optional at every depth and keeps scalars whole", () => {
    type Meeting = {
      users: { name: string; age: number }[];
      date: string;
      budget: number;
      ok: boolean | null;
    };
    expectTypeOf<DeepPartial<Meeting>>().toEqualTypeOf<{
      users?: { name?: string; age?: number }[];
      date?: string;
      budget?: number;
      ok?: boolean | null;
    }>();
  });

  it("keeps tuples positional and leaves scalars, dates and functions alone", () => {
    expectTypeOf<DeepPartial<[string, { a: number }]>>().toEqualTypeOf<[string?, { a?: number }?]>();
    expectTypeOf<DeepPartial<string>>().toEqualTypeOf<string>();
    expectTypeOf<DeepPartial<Date>>().toEqualTypeOf<Date>();
    expectTypeOf<DeepPartial<() => void>>().toEqualTypeOf<() => void>();
  });

  it("distributes over unions", () => {
    type Shape = { type: "a"; x: number } | { type: "b"; y: string };
    expectTypeOf<DeepPartial<Shape>>().toEqualTypeOf<
      { type?: "a"; x?: number } | { type?: "b"; y?: string }
    >();
  });
});

describe("streamObject's types", () => {
  const schema = z.object({
    name: z.string(),
    count: z.string().transform((s) => s.length),
    tags: z.array(z.string()).default([]),
  });

  it("partials are deep partials of the schema's input; final is its output", () => {
    const stream = streamObject({ schema, source: [] });
    expectTypeOf(stream.partial).toEqualTypeOf<
      { name?: string; count?: string; tags?: string[] | undefined } | undefined
    >();
    expectTypeOf(stream.final).toEqualTypeOf<Promise<{ name: string; count: number; tags: string[] }>>();
  });

  it("elements are the parsed items of an array or an Iterable", () => {
    const list = streamObject({ schema: z.array(z.object({ id: z.number() })), source: [] });
    expectTypeOf(list.elements).toEqualTypeOf<AsyncIterable<{ id: number }>>();
    const wrapped = streamObject({
      schema: Iterable(z.object({ id: z.string().transform(Number) })),
      source: [],
    });
    expectTypeOf(wrapped.elements).toEqualTypeOf<AsyncIterable<{ id: number }>>();
    expectTypeOf(wrapped.final).toEqualTypeOf<Promise<{ id: number }[]>>();
    expectTypeOf(wrapped.partial).toEqualTypeOf<{ items?: { id?: string }[] } | undefined>();
  });
});
