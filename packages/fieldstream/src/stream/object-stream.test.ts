// ObjectStream with zod schemas: what partials show, when each field is judged, what elements and
// final deliver, and how the stream stops (abort, bad JSON, invalid fields, a stalled source).

import { describe, expect, it } from "vitest";
import * as z from "zod";
import { chunk, collect, source, stalling } from "../../test/helpers/sources.js";
import { JsonStreamError } from "../json/index.js";
import {
  atomic,
  FieldValidationError,
  Iterable,
  Partial,
  required,
  ValidationError,
} from "../schema/index.js";
import { streamObject } from "./index.js";

/** Every partial of `text` fed one character at a time, read after each character. */
async function everyPartial<S extends z.ZodType>(schema: S, text: string) {
  const stream = streamObject({ schema, source: source([...text]) });
  const seen: unknown[] = [];
  for await (const partial of stream) seen.push(structuredClone(partial));
  return { seen, final: await stream.final, stream };
}

describe("what partials show", () => {
  it("holds enums and literals until complete", async () => {
    const schema = z.object({ status: z.enum(["active", "inactive"]), kind: z.literal("user") });
    const { seen, final } = await everyPartial(schema, '{"status":"active","kind":"user"}');
    for (const partial of seen as { status?: string; kind?: string }[]) {
      if (partial.status !== undefined) expect(partial.status).toBe("active");
      if (partial.kind !== undefined) expect(partial.kind).toBe("user");
    }
    expect(seen.some((p) => (p as { status?: string }).status === "active")).toBe(true);
    expect(final).toEqual({ status: "active", kind: "user" });
  });

  it("grows plain strings and shows numbers only whole", async () => {
    const schema = z.object({ name: z.string(), budget: z.number().int() });
    const { seen } = await everyPartial(schema, '{"name":"Jason","budget":12345}');
    expect(seen).toContainEqual({ name: "Ja" });
    for (const partial of seen as { budget?: number }[]) {
      if (partial.budget !== undefined) expect(partial.budget).toBe(12345);
    }
  });

  it("drops keys the schema does not know, in every partial", async () => {
    const schema = z.object({ a: z.string() });
    const { seen, final } = await everyPartial(schema, '{"extra":{"deep":[1,2]},"a":"x","more":"y"}');
    for (const partial of seen) expect(Object.keys(partial as object)).not.toContain("extra");
    for (const partial of seen) expect(Object.keys(partial as object)).not.toContain("more");
    expect(final).toEqual({ a: "x" });
  });

  it("keeps a loose object's unknown keys", async () => {
    const schema = z.looseObject({ a: z.string() });
    const { seen, final } = await everyPartial(schema, '{"a":"x","more":"y"}');
    expect(seen.at(-1)).toEqual({ a: "x", more: "y" });
    expect(final).toEqual({ a: "x", more: "y" });
  });

  it("shows a default until the model writes the field", async () => {
    const schema = z.object({ title: z.string(), lang: z.string().default("en") });
    const { seen, final } = await everyPartial(schema, '{"title":"Hi","lang":"fr"}');
    expect(seen[0]).toEqual({ lang: "en" });
    expect(seen).toContainEqual({ title: "Hi", lang: "en" });
    expect(seen).toContainEqual({ title: "Hi", lang: "f" });
    expect(final).toEqual({ title: "Hi", lang: "fr" });
  });

  it("shows the input side of a transform and parses it at the end", async () => {
    const schema = z.object({ n: z.string().transform((s) => Number.parseInt(s, 10)) });
    const { seen, final } = await everyPartial(schema, '{"n":"42"}');
    expect(seen).toContainEqual({ n: "4" });
    expect(final).toEqual({ n: 42 });
  });

  it("handles optional and nullable fields", async () => {
    const schema = z.object({ a: z.string().optional(), b: z.number().nullable(), c: z.string().nullable() });
    const { seen, final } = await everyPartial(schema, '{"b":null,"c":"x"}');
    expect(seen).toContainEqual({ b: null });
    expect(seen).not.toContainEqual({ b: null, c: null });
    expect(final).toEqual({ b: null, c: "x" });
  });

  it("holds an object back until its required fields are present", async () => {
    const schema = z.object({ items: z.array(z.object({ id: required(z.string()), note: z.string() })) });
    const { seen } = await everyPartial(schema, '{"items":[{"note":"first","id":"a1"}]}');
    for (const partial of seen as { items?: { id?: string }[] }[]) {
      for (const item of partial.items ?? []) expect(item.id).toBeDefined();
    }
    expect(seen).toContainEqual({ items: [] });
    expect(seen.at(-1)).toEqual({ items: [{ note: "first", id: "a1" }] });
  });

  it("shows a string marked atomic only once complete", async () => {
    const schema = z.object({ url: atomic(z.string()), text: z.string() });
    const { seen } = await everyPartial(schema, '{"url":"https://x.y","text":"ab"}');
    for (const partial of seen as { url?: string }[]) {
      if (partial.url !== undefined) expect(partial.url).toBe("https://x.y");
    }
  });

  it("shows only the common fields of a discriminated union until the discriminator arrives", async () => {
    const schema = z.object({
      shape: z.discriminatedUnion("type", [
        z.object({ type: z.literal("circle"), id: z.string(), radius: z.number() }),
        z.object({ type: z.literal("rect"), id: z.string(), width: z.number() }),
      ]),
    });
    const { seen, final } = await everyPartial(schema, '{"shape":{"id":"s1","radius":3,"type":"circle"}}');
    const before = seen.filter((p) => (p as { shape?: { type?: string } }).shape?.type === undefined);
    for (const partial of before)
      expect(Object.keys((partial as { shape?: object }).shape ?? {})).not.toContain("radius");
    expect(before).toContainEqual({ shape: { id: "s1" } });
    expect(seen.at(-1)).toEqual({ shape: { id: "s1", radius: 3, type: "circle" } });
    expect(final).toEqual({ shape: { type: "circle", id: "s1", radius: 3 } });
  });

  it("keeps unchanged parts identical between partials", async () => {
    const schema = z.object({ users: z.array(z.object({ name: z.string() })) });
    const stream = streamObject({ schema, source: source([...'{"users":[{"name":"Ann"},{"name":"Bob"}]}']) });
    const partials: { users?: { name?: string }[] }[] = [];
    for await (const partial of stream) partials.push(partial);
    const withBob = partials.filter((p) => (p.users?.length ?? 0) === 2);
    expect(withBob.length).toBeGreaterThan(2);
    for (const partial of withBob) expect(partial.users![0]).toBe(withBob[0]!.users![0]);
    expect(stream.isComplete(withBob[0]!.users![0]!)).toBe(true);
  });
});

describe("when fields are judged", () => {
  it("never judges a half-written min(3) string, and judges it once complete", async () => {
    const errors: FieldValidationError[] = [];
    const schema = z.object({ name: z.string().min(3), city: z.string() });
    const stream = streamObject({
      schema,
      source: source(chunk('{"name":"Al","city":"Paris"}', 1)),
      onFieldError: (e) => errors.push(e),
    });
    const seen: unknown[] = [];
    const thrown = await (async () => {
      for await (const partial of stream) seen.push(structuredClone(partial));
    })().catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(seen).toContainEqual({ name: "A" });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FieldValidationError);
    expect(errors[0]!.path).toEqual(["name"]);
    expect(errors[0]!.value).toBe("Al");
    expect(errors[0]!.issues[0]!.path).toEqual(["name"]);
    // After it failed, the field is no longer shown.
    expect(seen.at(-1)).toEqual({ city: "Paris" });
    const failure = await stream.final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).text).toBe('{"name":"Al","city":"Paris"}');
    expect(stream.fieldErrors).toHaveLength(1);
  }, 10_000);

  it("judges a regex only on the complete string", async () => {
    const errors: FieldValidationError[] = [];
    const schema = z.object({ zip: z.string().regex(/^\d{5}$/), ok: z.boolean() });
    const stream = streamObject({
      schema,
      source: source([...'{"zip":"12345","ok":true}']),
      onFieldError: (e) => errors.push(e),
    });
    expect(await stream.final).toEqual({ zip: "12345", ok: true });
    expect(errors).toEqual([]);
  });

  it("runs an object's refinement when the object completes", async () => {
    const order: string[] = [];
    const range = z
      .object({ from: z.number(), to: z.number() })
      .refine((r) => r.from < r.to, { message: "from must be before to" });
    const schema = z.object({ range, after: z.string() });
    const stream = streamObject({
      schema,
      source: source(chunk('{"range":{"from":5,"to":1},"after":"x"}', 3)),
      onFieldError: (e) => order.push(`${e.path.join(".")}: ${e.issues[0]!.message}`),
    });
    await stream.final.catch(() => {});
    expect(order).toEqual(["range: from must be before to"]);
  });

  it("aborts at once on an invalid field when asked to, cancelling the source", async () => {
    const schema = z.object({ email: z.email(), bio: z.string() });
    const text = `{"email":"not-an-email","bio":"${"x".repeat(200)}"}`;
    const input = source(chunk(text, 4));
    const stream = streamObject({ schema, source: input, onInvalidField: "abort" });
    const failure = await stream.final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FieldValidationError);
    expect((failure as FieldValidationError).path).toEqual(["email"]);
    // The source learns of it as soon as its pending read settles.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(input.cancelled).toBe(true);
    expect(input.pulled).toBeLessThan(input.chunks.length / 2);
    expect(stream.signal.aborted).toBe(true);
    expect(stream.status).toBe("failed");
  });

  it("reports a missing required field when its object completes", async () => {
    const errors: FieldValidationError[] = [];
    const schema = z.object({ user: z.object({ name: z.string(), age: z.number() }) });
    const stream = streamObject({
      schema,
      source: source(['{"user":{"name":"A"}}']),
      onFieldError: (e) => errors.push(e),
    });
    await stream.final.catch(() => {});
    expect(errors.map((e) => e.path)).toEqual([["user"]]);
  });
});

describe("elements", () => {
  it("yields each element of a root array once complete and valid, in order", async () => {
    const schema = z.array(z.object({ id: z.number(), tags: z.array(z.string()) }));
    const text = '[{"id":1,"tags":["a"]},{"id":"bad","tags":[]},{"id":3,"tags":["b","c"]}]';
    const stream = streamObject({ schema, source: source(chunk(text, 2)) });
    const items: unknown[] = [];
    const thrown = await (async () => {
      for await (const item of stream.elements) items.push(item);
    })().catch((e: unknown) => e);
    expect(items).toEqual([
      { id: 1, tags: ["a"] },
      { id: 3, tags: ["b", "c"] },
    ]);
    // The invalid element is left out of the elements and fails the whole value at the end.
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(stream.fieldErrors.map((e) => e.path)).toEqual([[1, "id"]]);
  });

  it("unwraps Iterable(schema) and parses each item (transforms included)", async () => {
    const Task = z.object({ title: z.string(), due: z.string().transform((s) => s.length) });
    const stream = streamObject({
      schema: Iterable(Task),
      source: source(chunk('{"items":[{"title":"a","due":"xx"},{"title":"b","due":"yyy"}]}', 5)),
    });
    const items: { title: string; due: number }[] = [];
    for await (const item of stream.elements) items.push(item);
    expect(items).toEqual([
      { title: "a", due: 2 },
      { title: "b", due: 3 },
    ]);
    expect(await stream.final).toEqual(items);
  });

  it("gives every reader all elements, even one that starts late", async () => {
    const stream = streamObject({ schema: z.array(z.number()), source: source(["[1,", "2,", "3]"]) });
    await stream.final;
    const late: number[] = [];
    for await (const n of stream.elements) late.push(n);
    expect(late).toEqual([1, 2, 3]);
  });
});

describe("Partial()", () => {
  it("accepts an answer with fields left out, at every depth", async () => {
    const schema = Partial(z.object({ a: z.string(), b: z.object({ c: z.number(), d: z.string() }) }));
    const stream = streamObject({ schema, source: source(['{"b":{"c":1}}']) });
    expect(await stream.final).toEqual({ b: { c: 1 } });
  });
});

describe("stopping", () => {
  it("keeps the last partial readable when the JSON breaks", async () => {
    const schema = z.object({ a: z.string(), b: z.number() });
    const stream = streamObject({ schema, source: source(['{"a":"x",', '"b":1', "]"]) });
    const failure = await stream.final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JsonStreamError);
    // The "]" ends the number before it turns out to be the wrong bracket.
    expect(stream.partial).toEqual({ a: "x", b: 1 });
    await expect(collect(stream)).rejects.toBeInstanceOf(JsonStreamError);
  });

  it("reports a cut-off answer as unexpected-end", async () => {
    const stream = streamObject({ schema: z.object({ a: z.string() }), source: source(['{"a":"hal']) });
    const failure = (await stream.final.catch((e: unknown) => e)) as JsonStreamError;
    expect(failure.code).toBe("unexpected-end");
    expect(stream.partial).toEqual({ a: "hal" });
  });

  it("aborts a stalled source promptly through the signal", async () => {
    const input = stalling(['{"a":"x', "yz"]);
    const controller = new AbortController();
    const stream = streamObject({
      schema: z.object({ a: z.string() }),
      source: input,
      signal: controller.signal,
    });
    await input.stalled;
    controller.abort(new Error("user stopped"));
    const failure = await stream.final.catch((e: unknown) => e);
    expect((failure as Error).message).toBe("user stopped");
    expect(input.cancelled).toBe(true);
    expect(stream.partial).toEqual({ a: "xyz" });
  });

  it("hands its signal to a source function", async () => {
    let received: AbortSignal | undefined;
    const stream = streamObject({
      schema: z.object({ a: z.string() }),
      source: (signal) => {
        received = signal;
        return stalling(['{"a":']);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    stream.abort();
    await stream.final.catch(() => {});
    expect(received?.aborted).toBe(true);
  });
});

describe("retries", () => {
  it("starts a new attempt when asked, with fresh partials and the errors of the last one", async () => {
    const contexts: { attempt: number; error: unknown; text: string; partial: unknown }[] = [];
    const stream = streamObject({
      schema: z.object({ name: z.string().min(3), city: z.string() }),
      source: source(chunk('{"name":"Al","city":"Paris"}', 3)),
      onInvalidField: "abort",
      retry: (context) => {
        contexts.push(context);
        return source(chunk('{"name":"Alice","city":"Paris"}', 3));
      },
    });
    const attempts = new Set<number>();
    const seen: unknown[] = [];
    for await (const partial of stream) {
      attempts.add(stream.attempt);
      seen.push(structuredClone(partial));
    }
    expect(await stream.final).toEqual({ name: "Alice", city: "Paris" });
    expect(stream.attempt).toBe(2);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.error).toBeInstanceOf(FieldValidationError);
    expect(contexts[0]!.text).toBe('{"name":"Al"');
    // The second attempt's partials grow from nothing again.
    expect(seen).toContainEqual({ name: "Ali" });
    expect([...attempts]).toEqual([1, 2]);
  });

  it("fails with the last error when retry gives up", async () => {
    let calls = 0;
    const stream = streamObject({
      schema: z.object({ n: z.number() }),
      source: source(['{"n":"x"}']),
      retry: ({ attempt }) => {
        calls++;
        return attempt < 3 ? source(['{"n":', '"y"}']) : undefined;
      },
    });
    const failure = await stream.final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(calls).toBe(3);
    expect(stream.attempt).toBe(3);
  });

  it("does not repeat elements a failed attempt already delivered", async () => {
    const stream = streamObject({
      schema: z.array(z.object({ id: z.number() })),
      source: source(['[{"id":1},{"id":2},{"id":"x"}]']),
      retry: ({ attempt }) => (attempt === 1 ? source(['[{"id":1},{"id":2},{"id":3}]']) : undefined),
    });
    const ids: number[] = [];
    for await (const item of stream.elements) ids.push(item.id);
    expect(ids).toEqual([1, 2, 3]);
  });

  it("never retries after the stream itself was aborted", async () => {
    let calls = 0;
    const input = stalling(['{"a":']);
    const stream = streamObject({
      schema: z.object({ a: z.string() }),
      source: input,
      retry: () => {
        calls++;
        return source(['{"a":"b"}']);
      },
    });
    await input.stalled;
    stream.abort(new Error("stop"));
    await stream.final.catch(() => {});
    expect(calls).toBe(0);
  });
});

describe("push sources", () => {
  it("takes text written by a producer loop", async () => {
    const stream = streamObject({
      schema: z.object({ a: z.array(z.number()) }),
      source: {
        pushInto: async (write) => {
          for (const piece of ['{"a":[', "1,", "2]}"]) {
            await new Promise((resolve) => setTimeout(resolve, 1));
            write(piece);
          }
        },
      },
    });
    const seen = await collect(stream);
    expect(seen).toContainEqual({ a: [1] });
    expect(await stream.final).toEqual({ a: [1, 2] });
  });

  it("fails with the JSON error and tells the producer to stop", async () => {
    let stopped: unknown;
    const stream = streamObject({
      schema: z.object({ a: z.number() }),
      source: {
        pushInto: async (write, signal) => {
          write('{"a":]');
          stopped = signal.aborted ? signal.reason : undefined;
        },
      },
    });
    const failure = await stream.final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JsonStreamError);
    expect(stopped).toBe(failure);
  });

  it("stops waiting for a producer that does not notice the abort", async () => {
    const stream = streamObject({
      schema: z.object({ a: z.string() }),
      source: {
        pushInto: (write) => {
          write('{"a":"x');
          return new Promise<void>(() => {});
        },
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    stream.abort(new Error("enough"));
    expect(((await stream.final.catch((e: unknown) => e)) as Error).message).toBe("enough");
    expect(stream.partial).toEqual({ a: "x" });
  });
});

describe("events", () => {
  it("replays the raw text by attempt, the attempt changes and the end, to every reader", async () => {
    const stream = streamObject({
      schema: z.object({ n: z.number().min(5) }),
      source: source(['{"n":', " 1", "}"]),
      retry: ({ attempt }) => (attempt === 1 ? source(['{"n":', "7}"]) : undefined),
    });
    const live: unknown[] = [];
    for await (const event of stream.events()) live.push(event);
    const late: unknown[] = [];
    for await (const event of stream.events()) late.push(event);
    expect(late).toEqual(live);
    expect(live).toEqual([
      { type: "text", attempt: 1, offset: 0, text: '{"n":' },
      { type: "text", attempt: 1, offset: 5, text: " 1" },
      { type: "text", attempt: 1, offset: 7, text: "}" },
      { type: "attempt", attempt: 2 },
      { type: "text", attempt: 2, offset: 0, text: '{"n":' },
      { type: "text", attempt: 2, offset: 5, text: "7}" },
      { type: "done", value: { n: 7 } },
    ]);
  });

  it("ends with the error when the stream fails", async () => {
    const stream = streamObject({ schema: z.object({ n: z.number() }), source: source(['{"n":', "x"]) });
    const events: { type: string }[] = [];
    for await (const event of stream.events()) events.push(event);
    expect(events.map((e) => e.type)).toEqual(["text", "text", "error"]);
  });
});

describe("sources", () => {
  it("decodes bytes split inside multi-byte characters from a ReadableStream", async () => {
    const bytes = new TextEncoder().encode('{"name":"Zoë 漢字 😀"}');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i++) controller.enqueue(bytes.subarray(i, i + 1));
        controller.close();
      },
    });
    const stream = streamObject({ schema: z.object({ name: z.string() }), source: body });
    const seen = await collect(stream);
    for (const partial of seen as { name?: string }[]) expect(partial.name ?? "").not.toMatch(/\uFFFD/);
    expect(await stream.final).toEqual({ name: "Zoë 漢字 😀" });
  });

  it("gives a slow reader the newest partial and never a backlog", async () => {
    const text = JSON.stringify({ notes: Array.from({ length: 50 }, (_, i) => `note ${i}`) });
    const stream = streamObject({
      schema: z.object({ notes: z.array(z.string()) }),
      source: source(chunk(text, 3)),
    });
    let reads = 0;
    let last: unknown;
    for await (const partial of stream) {
      reads++;
      last = partial;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(reads).toBeLessThan(chunk(text, 3).length / 3);
    expect(last).toEqual(JSON.parse(text));
  });

  it("reads prose around the value when lenient", async () => {
    const stream = streamObject({
      schema: z.object({ a: z.number() }),
      source: source(["Sure:\n```json\n", '{"a":', "1}\n```"]),
      lenient: true,
    });
    expect(await stream.final).toEqual({ a: 1 });
  });
});
