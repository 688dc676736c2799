// A thousand concurrent streams from one process against one node:http server on loopback, each a
// different document in small paced deltas: every client must end with exactly the server's text and value.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { MemoryStore, readObjectStream, resumeResponse, toResponse } from "../../src/http/index.js";
import { streamObject } from "../../src/index.js";
import { seededRandom } from "../helpers/json-docs.js";
import { serve, type TestServer } from "../http/helpers/node-server.js";

const STREAMS = 1000;
const DELTA = 4;
const PACE_MS = 2;

const Meeting = z.object({
  id: z.number().int(),
  users: z.array(z.object({ name: z.string(), email: z.string(), twitter: z.string() })),
  date: z.string(),
  location: z.string(),
  budget: z.number().int(),
  notes: z.array(z.string()),
});

const words = [
  "plan",
  "venue",
  "café",
  "東京",
  "budget",
  "🚀 launch",
  "travel",
  "catering",
  "talks",
  "naïve",
];

/** A meeting-shaped document of ~1 KB, different for every seed. */
function documentFor(seed: number): string {
  const random = seededRandom(seed);
  const pick = () => words[Math.floor(random() * words.length)]!;
  const users = Array.from({ length: 3 + Math.floor(random() * 4) }, (_, i) => ({
    name: `${pick()} ${pick()} ${seed}-${i}`,
    email: `user${seed}.${i}@example.org`,
    twitter: `@${pick().replace(/\W/g, "")}${i}`,
  }));
  const notes = Array.from({ length: 2 + Math.floor(random() * 4) }, () => `${pick()} ${pick()}\n${pick()}`);
  const value = {
    id: seed,
    users,
    date: "2025-05-14",
    location: `Hall ${seed % 7}, ${pick()} centre`,
    budget: Math.floor(random() * 100_000),
    notes,
  };
  return JSON.stringify(value, null, seed % 2 === 0 ? 2 : undefined);
}

async function* paced(text: string): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += DELTA) {
    await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    yield text.slice(i, i + DELTA);
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe("load", () => {
  let server: TestServer;
  const store = new MemoryStore();
  const serverTexts = new Map<number, string>();
  let wireBytes = 0;

  beforeAll(async () => {
    server = await serve(async (request) => {
      if (request.method === "GET") return resumeResponse(request, { store });
      const seed = Number(new URL(request.url).searchParams.get("seed"));
      const text = documentFor(seed);
      serverTexts.set(seed, text);
      const stream = streamObject({ schema: Meeting, source: paced(text) });
      const response = toResponse(stream, { store });
      // Count what goes on the wire, without holding it.
      const [counted, sent] = response.body!.tee();
      void (async () => {
        const reader = counted.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          wireBytes += value.byteLength;
        }
      })();
      return new Response(sent, response);
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it(`streams ${STREAMS} documents at once, each exactly`, async () => {
    globalThis.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    let textChars = 0;
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const results = await Promise.all(
      Array.from({ length: STREAMS }, async (_, seed) => {
        const client = readObjectStream(`${server.url}/doc?seed=${seed}`, {
          schema: Meeting,
          init: { method: "POST" },
        });
        const final = await client.final;
        // Zero lost or reordered events: the text events run on without gap or overlap.
        let text = "";
        for await (const event of client.events()) {
          if (event.type !== "text") continue;
          if (event.offset !== text.length)
            throw new Error(`stream ${seed}: text at ${event.offset}, had ${text.length}`);
          text += event.text;
        }
        textChars += text.length;
        return { seed, final, text, reconnects: client.reconnects };
      }),
    );
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    globalThis.gc?.();
    const after = process.memoryUsage();

    for (const { seed, final, text, reconnects } of results) {
      expect(text).toBe(serverTexts.get(seed));
      expect(final).toEqual(JSON.parse(serverTexts.get(seed)!));
      expect(reconnects).toBe(0);
    }
    expect(server.requests).toBe(STREAMS);
    const wireBytesNow = wireBytes;
    console.log(
      [
        `${STREAMS} concurrent streams over loopback: ${seconds.toFixed(1)} s`,
        `  JSON text ${(textChars / 1024).toFixed(0)} KB in ${DELTA}-character deltas every ${PACE_MS} ms; ` +
          `wire ${(wireBytesNow / 1024).toFixed(0)} KB (${(wireBytesNow / new TextEncoder().encode(results.map((r) => r.text).join("")).length).toFixed(2)} bytes per JSON byte)`,
        `  heapUsed ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, rss ${mb(before.rss)} → ${mb(after.rss)} ` +
          `(peak ${mb(peakRss)}); after: the MemoryStore still holds ${store.size} finished streams for resuming`,
        `  every final value equals the server's document; every text equals the server's, in order, without a gap`,
      ].join("\n"),
    );
    expect(seconds).toBeLessThan(60);
  });
});
