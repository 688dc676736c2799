// Gemini 3's streamed arguments address values by JSON path; one short chunk naming a far array index
// must fail the call with a typed error at once, through the real SDK, not fill memory with nulls.

import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as z from "zod";
import { instructor, ProviderError } from "../../src/index.js";
import { PathDeltaError } from "../../src/llm/internal.js";
import { type MockProvider, startMockProvider } from "../../src/testing/index.js";

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});

const part = {
  functionCall: { name: "f", partialArgs: [{ jsonPath: "$.items[60000000]", numberValue: 1 }] },
};
const chunk = JSON.stringify({ candidates: [{ content: { role: "model", parts: [part] } }] });

it("fails a call whose streamed arguments jump to index 60,000,000, quickly and in little memory", async () => {
  expect(chunk.length).toBeLessThan(160);
  mock.enqueue({ replay: `${chunk}\n`, format: "chunks" });
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const stream = instructor(new GoogleGenAI({ apiKey: "t", httpOptions: { baseUrl: mock.url } }), {
    mode: "tools",
    maxRetries: 0,
  }).models.generateContentStream({
    model: "gemini-3-pro-preview",
    contents: "x",
    response_model: z.object({ items: z.array(z.number()) }),
  });
  const failure = await stream.final.catch((error: unknown) => error);
  const elapsed = performance.now() - started;
  expect(failure).toBeInstanceOf(ProviderError);
  expect((failure as ProviderError).cause).toBeInstanceOf(PathDeltaError);
  expect((failure as ProviderError).message).toContain("$.items[60000000]");
  // Filling the slots would take seconds and gigabytes; the refusal takes neither.
  expect(elapsed).toBeLessThan(2000);
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
});
