// Server-side streams for the transport tests: a small two-attempt answer with usage, deterministic
// on the wire, and the checks that what a client received is exactly what the server sent.

import { expect } from "vitest";
import * as z from "zod";
import type { RemoteObjectStream } from "../../../src/http/index.js";
import { ObjectStream, type SourceInput, type StreamEvent } from "../../../src/stream/index.js";
import { textDriver } from "../../../src/stream/text-driver.js";

export const Plan = z.object({
  title: z.string(),
  steps: z.array(z.object({ n: z.number().int(), what: z.string() })),
});

/** The first attempt's `n` is a string: the final validation fails and the server re-asks. */
export const firstAttempt = '{"title": "Café ☕\\nplan", "steps": [\n  {"n": "one", "what": "🚀 go"}\n]}';
export const secondAttempt =
  '{"title": "Café ☕\\nplan",\n "steps": [\n  {"n": 1, "what": "🚀 go"},\n  {"n": 2, "what": "naïve 東京"}\n]}';
export const expected = JSON.parse(secondAttempt) as z.output<typeof Plan>;
export const usage = { inputTokens: 12, outputTokens: 34, totalTokens: 46 };

/** `text` in deltas of `size` characters, each after `delayMs` (0: a macrotask turn; undefined: none). */
export function paced(text: string, size: number, delayMs?: number): AsyncIterable<string> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < text.length; i += size) {
        if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs));
        yield text.slice(i, i + size);
      }
    },
  };
}

/** The two-attempt stream: the server re-asks once, then succeeds. */
export function planStream(delayMs?: number, size = 5): ObjectStream<unknown, unknown, unknown> {
  const read = textDriver(paced(firstAttempt, size, delayMs), ({ attempt }): SourceInput | undefined =>
    attempt === 1 ? paced(secondAttempt, size, delayMs) : undefined,
  );
  // Reports usage, as the model-call streams do.
  return new ObjectStream({ schema: Plan }, (writer) => {
    writer.write({ type: "usage", usage });
    return read(writer);
  }).start();
}

/** The text a stream's events carry, per attempt, checking offsets run on without a gap or overlap. */
export async function textByAttempt(stream: { events(): AsyncIterable<StreamEvent> }): Promise<string[]> {
  const texts: string[] = [];
  for await (const event of stream.events()) {
    if (event.type !== "text") continue;
    const current = texts[event.attempt - 1] ?? "";
    expect(event.offset, `offset of a text event in attempt ${event.attempt}`).toBe(current.length);
    texts[event.attempt - 1] = current + event.text;
  }
  return texts;
}

/** The client got the final value, and exactly the text of each attempt: no repeat, no gap. */
export async function expectExact(client: RemoteObjectStream<unknown, unknown, unknown>): Promise<void> {
  expect(await client.final).toEqual(expected);
  expect(client.attempt).toBe(2);
  expect(await textByAttempt(client)).toEqual([firstAttempt, secondAttempt]);
  expect(client.usage).toEqual(usage);
}
