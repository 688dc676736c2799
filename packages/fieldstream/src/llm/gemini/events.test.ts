// Replays recorded Gemini streams, including Gemini 3's path-addressed argument deltas, and checks the
// JSON text the adapter writes against the arguments the recording describes.
import type { GenerateContentResponse } from "@google/genai";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  collect,
  type Json,
  readRecordedChunks,
  replay,
  type Summary,
  summarize,
} from "../../../test/helpers/recorded-chunks.js";
import { createPartialParser } from "../../json/index.js";
import type { ProviderEvent } from "../provider-events.js";
import { type GeminiResponseLike, geminiEvents } from "./events.js";

async function run(file: string): Promise<{ events: ProviderEvent[]; summary: Summary; chunks: Json[] }> {
  const chunks = readRecordedChunks(`google-gemini/${file}`);
  const events = await collect(geminiEvents(replay<GeminiResponseLike>(chunks)));
  return { events, summary: summarize(events), chunks };
}

/** The arguments of each call, rebuilt from the recording the plain way: set each leaf at its path. */
function argumentsFromRecording(chunks: readonly Json[]): { name: string | undefined; args: unknown }[] {
  const calls: { name: string | undefined; args: unknown }[] = [];
  let open = false;
  for (const chunk of chunks) {
    const parts = ((chunk.candidates as Json[] | undefined)?.[0]?.content as Json | undefined)?.parts as
      | Json[]
      | undefined;
    for (const part of parts ?? []) {
      const call = part.functionCall as Json | undefined;
      if (call === undefined) continue;
      if (call.name !== undefined && (call.args !== undefined || !call.partialArgs)) {
        calls.push({ name: call.name as string, args: call.args ?? {} });
        open = call.willContinue === true;
      }
      for (const arg of (call.partialArgs as Json[] | undefined) ?? []) {
        const value =
          "stringValue" in arg ? arg.stringValue : "numberValue" in arg ? arg.numberValue : arg.boolValue;
        setAt(calls.at(-1)!.args as Json, arg.jsonPath as string, value);
      }
      if (call.willContinue !== true) open = false;
    }
  }
  expect(open).toBe(false);
  return calls;
}

function setAt(root: Json, path: string, value: unknown): void {
  const steps = [...path.matchAll(/\.(\w+)|\[(\d+)\]/g)].map((m) => m[1] ?? Number(m[2]));
  expect(`$${steps.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`).toBe(path);
  let node: Record<string | number, unknown> = root;
  for (const [i, step] of steps.entries()) {
    if (i === steps.length - 1) {
      // Pieces of one string arrive on the same path: they add up.
      node[step] = typeof value === "string" && typeof node[step] === "string" ? node[step] + value : value;
    } else {
      node[step] ??= typeof steps[i + 1] === "number" ? [] : {};
      node = node[step] as Record<string | number, unknown>;
    }
  }
}

function parsedThroughFieldstream(deltas: readonly string[]): unknown {
  const parser = createPartialParser();
  for (const delta of deltas) parser.push(delta);
  return parser.end();
}

describe("geminiEvents with streamed partialArgs", () => {
  it.each([
    ["vercel-ai__google__google-stream-tool-call-arguments.chunks.txt", 2],
    ["vercel-ai__google__google-stream-no-args-tool-call.chunks.txt", 4],
    [
      "vercel-ai__google__google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt",
      1,
    ],
    ["vercel-ai__google__google-vertex-stream-tool-call-arguments-nested.1.chunks.txt", 1],
  ])("%s: the written JSON is the recorded arguments", async (file, count) => {
    const { summary, chunks } = await run(file);
    const expected = argumentsFromRecording(chunks);
    expect(summary.tools).toHaveLength(count);
    expect(summary.tools.map((t) => t.name)).toEqual(expected.map((c) => c.name));
    expect(summary.tools.map((t) => t.index)).toEqual(expected.map((_, i) => i));
    for (const [i, tool] of summary.tools.entries()) {
      expect(JSON.parse(tool.text)).toEqual(expected[i]!.args);
      expect(parsedThroughFieldstream(tool.deltas)).toEqual(expected[i]!.args);
    }
    expect(summary.finishes).toEqual([{ reason: "tool", raw: "STOP" }]);
    expect(summary.errors).toEqual([]);
    expect(summary.texts).toEqual([]);
  });

  it("streams a nested call field by field, and knows the values", async () => {
    const { summary } = await run(
      "vercel-ai__google__google-vertex-stream-tool-call-arguments-nested.1.chunks.txt",
    );
    const [tool] = summary.tools;
    expect(tool?.name).toBe("cookRecipe");
    // One delta per recorded piece, not the whole text at the end.
    expect(tool?.deltas.length).toBeGreaterThan(60);
    const args = JSON.parse(tool!.text) as {
      recipe: { ingredients: unknown[]; name: string; steps: string[] };
    };
    expect(args.recipe.ingredients).toHaveLength(10);
    expect(args.recipe.ingredients[0]).toEqual({ amount: "16 oz", name: "Lasagna noodles" });
    expect(args.recipe.name).toBe("Lasagna");
    expect(args.recipe.steps[0]).toBe("Preheat oven to 375°F (190°C).");
    expect(args.recipe.steps[1]).toBe(
      "Cook lasagna noodles according to package directions, drain and set aside.",
    );
    expect(summary.usages).toEqual([{ inputTokens: 31, outputTokens: 684, totalTokens: 1741 }]);
  });

  it("ends a call at its last part even without an empty closing part", async () => {
    const { summary } = await run(
      "vercel-ai__google__google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt",
    );
    expect(JSON.parse(summary.tools[0]!.text)).toEqual({
      operations: [
        { action: "add", description: "Fresh red apple", itemid: "apple_001", price: 0.5 },
        { action: "add", description: "Ripe yellow banana", itemid: "banana_001", price: 0.3 },
      ],
    });
  });

  it("gives a call without arguments {} and keeps thoughts apart", async () => {
    const { summary } = await run("vercel-ai__google__google-stream-no-args-tool-call.chunks.txt");
    expect(summary.tools.map((t) => [t.name, t.text])).toEqual([
      ["read_theme", "{}"],
      ["read_screen", '{"id":"A"}'],
      ["read_screen", '{"id":"B"}'],
      ["read_screen", '{"id":"C"}'],
    ]);
    expect(summary.reasoning).toMatch(/^\*\*Processing User Requests\*\*/);
    expect(summary.usages).toEqual([{ inputTokens: 249, outputTokens: 58, totalTokens: 490 }]);
  });
});

describe("geminiEvents with whole responses", () => {
  it("passes whole args on as one delta", async () => {
    const { summary, chunks } = await run("vercel-ai__google__google-tool-call.chunks.txt");
    expect(summary.tools).toEqual([
      expect.objectContaining({ index: 0, name: "weather", deltas: ['{"location":"San Francisco"}'] }),
    ]);
    expect(JSON.parse(summary.tools[0]!.text)).toEqual(argumentsFromRecording(chunks)[0]!.args);
    expect(summary.finishes).toEqual([{ reason: "tool", raw: "STOP" }]);
    expect(summary.usages).toEqual([{ inputTokens: 29, outputTokens: 15, totalTokens: 89 }]);
  });

  it("separates a thought summary from a call with empty args", async () => {
    const { summary } = await run(
      "vertexai-sdk-test-data__googleai__streaming-success-thinking-function-call-thought-summary-signature.txt",
    );
    expect(summary.reasoning).toMatch(/^\*\*Calculating the Days\*\*/);
    expect(summary.texts).toEqual([]);
    expect(summary.tools.map((t) => [t.name, t.text])).toEqual([["now", "{}"]]);
  });

  it("streams text on index 0 with the last usage reported", async () => {
    const { summary } = await run(
      "vertexai-sdk-test-data__googleai__streaming-success-basic-reply-short.txt",
    );
    expect(summary.texts).toEqual([
      expect.objectContaining({ index: 0, text: "The capital of Wyoming is **Cheyenne**.\n" }),
    ]);
    expect(summary.usages).toEqual([{ inputTokens: 7, outputTokens: 10, totalTokens: 17 }]);
    expect(summary.finishes).toEqual([{ reason: "stop", raw: "STOP" }]);
  });

  it("reports a safety stop as content-filter", async () => {
    const { summary } = await run(
      "vertexai-sdk-test-data__vertexai__streaming-failure-finish-reason-safety.txt",
    );
    expect(summary.finishes).toEqual([{ reason: "content-filter", raw: "SAFETY" }]);
    expect(summary.usages).toEqual([{ inputTokens: 10, outputTokens: 66, totalTokens: 76 }]);
  });

  it("takes the last finish reason: recitation after text", async () => {
    const { summary } = await run(
      "vertexai-sdk-test-data__vertexai__streaming-failure-recitation-no-content.txt",
    );
    expect(summary.texts[0]?.text).toBe("Copyrighted text goes hereMore copyrighted text");
    expect(summary.finishes).toEqual([{ reason: "content-filter", raw: "RECITATION" }]);
  });

  it("reports a blocked prompt as content-filter with its block reason", async () => {
    const { events } = await run(
      "vertexai-sdk-test-data__vertexai__streaming-failure-prompt-blocked-safety.txt",
    );
    expect(events).toEqual([{ type: "finish", reason: "content-filter", raw: "SAFETY" }]);
  });

  it("surfaces an error body sent after the first chunks", async () => {
    const { events } = await run("vertexai-sdk-test-data__vertexai__streaming-failure-error-mid-stream.txt");
    expect(events).toEqual([
      { type: "text", index: 0, delta: "First " },
      { type: "text", index: 0, delta: "Second " },
      {
        type: "error",
        message: "The operation was cancelled.",
        status: 499,
        errorType: "CANCELLED",
        body: expect.objectContaining({ status: "CANCELLED" }),
      },
      { type: "finish", reason: "stop", raw: "STOP" },
    ]);
  });
});

describe("geminiEvents edge cases", () => {
  const part = (functionCall: Json) => ({ candidates: [{ content: { parts: [{ functionCall }] } }] });

  it("writes bools, nulls and several partialArgs of one part, and ends an unfinished call", async () => {
    const events = await collect(
      geminiEvents(
        replay<GeminiResponseLike>([
          part({ name: "f", willContinue: true }),
          part({
            willContinue: true,
            partialArgs: [
              { jsonPath: "$.a", boolValue: false },
              { jsonPath: "$.b", nullValue: "NULL_VALUE" },
              { jsonPath: '$["c d"][0]', stringValue: "x", willContinue: true },
            ],
          }),
          part({ willContinue: true, partialArgs: [{ jsonPath: '$["c d"][0]', stringValue: "y" }] }),
        ]),
      ),
    );
    const { tools } = summarize(events);
    expect(tools[0]?.text).toBe('{"a":false,"b":null,"c d":["xy"]}');
  });

  it("turns a path that cannot follow the previous ones into an error event", async () => {
    const events = await collect(
      geminiEvents(
        replay<GeminiResponseLike>([
          part({ name: "f", willContinue: true, partialArgs: [{ jsonPath: "$.a[1]", numberValue: 1 }] }),
          part({ willContinue: true, partialArgs: [{ jsonPath: "$.a[0]", numberValue: 0 }] }),
          part({ partialArgs: [{ jsonPath: "$.b", numberValue: 2 }] }),
        ]),
      ),
    );
    expect(events.map((e) => e.type)).toEqual(["tool-call", "tool-arguments", "error"]);
    expect(events[1]).toEqual({ type: "tool-arguments", index: 0, delta: '{"a":[null,1' });
  });

  it("accepts what the SDK yields", () => {
    expectTypeOf<AsyncIterable<GenerateContentResponse>>().toExtend<AsyncIterable<GeminiResponseLike>>();
  });
});
