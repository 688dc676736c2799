// toResponse → readObjectStream without a network: any document, any delta split, any coalescing,
// comes out as the same text, the same partials (parsePartial of the prefix received) and the same value.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { MemoryStore, readObjectStream, toResponse } from "../../src/http/index.js";
import { parsePartial, streamObject } from "../../src/index.js";
import { chunkingArb, docArb, split, styleArb, write } from "../helpers/json-docs.js";

/** Streams `deltas` through the transport and reads it back, checking each partial against its prefix. */
async function roundTrip(deltas: readonly string[], options: { coalesceMs: number; maxEventChars: number }) {
  const server = streamObject({ schema: {}, source: deltas });
  const response = toResponse(server, { ...options, store: new MemoryStore(), keepAliveMs: 0 });
  const wire = await response.clone().text();
  const client = readObjectStream(response, { schema: {} });
  let partials = 0;
  for await (const _ of client) {
    // Read together, so both describe the same instant.
    const partial = client.partial;
    const text = client.rawText;
    // A top-level number is only known to be whole at the end of the text.
    expect(partial).toEqual(client.isComplete() ? JSON.parse(text) : parsePartial(text));
    partials++;
  }
  return { client, server, wire, final: await client.final, partials };
}

describe("transport round trip", () => {
  it("rebuilds the exact text, every partial and the value, for random documents and splits", async () => {
    await fc.assert(
      fc.asyncProperty(
        docArb({ duplicates: false }),
        styleArb,
        chunkingArb,
        fc.constantFrom(0, 1, 20),
        fc.constantFrom(1, 3, 16_384),
        async (doc, style, chunking, coalesceMs, maxEventChars) => {
          const { text } = write(doc, style);
          const deltas = split(text, chunking);
          const { client, server, wire, final } = await roundTrip(deltas, { coalesceMs, maxEventChars });
          expect(client.rawText).toBe(text);
          expect(final).toEqual(JSON.parse(text));
          expect(final).toEqual(await server.final);
          // UTF-8 cannot carry a lone surrogate: none may have been replaced on the way.
          expect(wire.includes("\uFFFD")).toBe(text.includes("\uFFFD"));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is the same value as the server's for a zod schema", async () => {
    const schema = z.object({ title: z.string(), tags: z.array(z.string()), n: z.number().int() });
    const text = JSON.stringify({ title: "Plan ☕\nB", tags: ["🚀", "x"], n: 3 }, null, 2);
    const server = streamObject({ schema, source: split(text, { kind: "units" }) });
    const client = readObjectStream(toResponse(server, { store: new MemoryStore() }), { schema });
    expect(await client.final).toEqual(await server.final);
    expect(client.attempt).toBe(1);
  });
});

describe("SSE framing edge cases", () => {
  const cases: [string, string[]][] = [
    ["newlines", ['{"a":\n', '\n"b"', "\n}\n"]],
    ["\\r, \\r\\n and a lone \\r split from its \\n", ['{"a"\r', "\n:\r\r", '"x"\r\n}']],
    ["empty deltas", ["", '{"a"', "", "", ':"b"}', ""]],
    ["astral characters split across deltas", ['{"a":"\uD83D', "\uDE80\uD83D", "\uDE00", '"}']],
    ["a lone surrogate that stays lone", ['{"a":"x\uD83D', '"}']],
    ["a leading space and a leading colon", [' {"a"', ":", ' "b"', "}"]],
    ["text that looks like SSE", ['{"a":"\\ndata: x\\n\\nid:', '9:9\\nevent:done"}']],
  ];
  for (const [name, deltas] of cases) {
    it(`carries ${name}`, async () => {
      for (const coalesceMs of [0, 20]) {
        const { client, final, wire } = await roundTrip(deltas, { coalesceMs, maxEventChars: 16_384 });
        expect(client.rawText).toBe(deltas.join(""));
        expect(final).toEqual(JSON.parse(deltas.join("")));
        expect(wire).not.toContain("\uFFFD");
      }
    });
  }

  it("frames text as raw data lines, with ids that are positions", async () => {
    const server = streamObject({ schema: {}, source: ['{"a":', '\n"x"\n', "}"] });
    const wire = await toResponse(server, { id: "s1", coalesceMs: 0, store: new MemoryStore() }).text();
    expect(wire).toBe(
      'event:stream\ndata:{"id":"s1"}\n\n' +
        'id:1:5\ndata:{"a":\n\n' +
        'id:1:10\ndata:\ndata:"x"\ndata:\n\n' +
        "id:1:11\ndata:}\n\n" +
        'event:done\ndata:{"attempt":1,"length":11}\n\n',
    );
  });

  it("never leaves a surrogate pair split between events", async () => {
    const text = `{"a":"${"😀".repeat(50)}"}`;
    const server = streamObject({ schema: {}, source: split(text, { kind: "units" }) });
    const wire = await toResponse(server, { coalesceMs: 0, store: new MemoryStore() }).text();
    expect(wire).not.toContain("event:text");
    expect(wire).not.toContain("\uFFFD");
  });
});
