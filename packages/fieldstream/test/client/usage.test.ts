// Token usage through the real SDKs, from recorded streams: every provider's way of reporting it is
// read (Groq's `x_groq`, prompt-cache reads and writes), and nothing is counted twice.

import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { instructor } from "../../src/index.js";
import { type MockProvider, type MockScript, startMockProvider } from "../../src/testing/index.js";

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});

const STREAMS = new URL("../fixtures/streams/", import.meta.url);
const recording = (file: string) => readFileSync(new URL(file, STREAMS), "utf8");

/** A "one chunk per line" recording with each chunk passed through `edit`. */
function edited(file: string, edit: (chunk: Record<string, unknown>) => Record<string, unknown>): string {
  return recording(file)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.stringify(edit(JSON.parse(line) as Record<string, unknown>)))
    .join("\n");
}

const fast = { retryDelay: { baseMs: 1, maxMs: 5 }, maxRetries: 0 };

/** Runs the call to its end against one script: its value (or error) and the usage it added up. */
async function usageOf(
  start: () => { final: Promise<unknown>; usage: unknown },
  script: MockScript,
): Promise<{ usage: unknown; value: unknown; error: unknown }> {
  mock.enqueue(script);
  const stream = start();
  const [value, error] = await stream.final.then(
    (v) => [v, undefined],
    (e: unknown) => [undefined, e],
  );
  return { usage: stream.usage, value, error };
}

const GROQ = "openai-chat-compatible/vercel-ai__groq__groq-tool-call.chunks.txt";
const groqCall = () =>
  instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
    ...fast,
    mode: "tools",
  }).chat.completions.create({
    model: "llama-3.3-70b-versatile",
    messages: [{ role: "user", content: "x" }],
    response_model: z.object({}),
    stream: true,
  });

describe("Groq", () => {
  const counts = { inputTokens: 210, outputTokens: 15, totalTokens: 225 };

  it("reads usage from x_groq when the chunk has no usage of its own", async () => {
    // The recording with its top-level `usage` taken out, as from a server that reports it only in
    // `x_groq` (as Groq did before it copied the counts to the top level).
    const replay = edited(GROQ, ({ usage: _dropped, ...chunk }) => chunk);
    expect(replay.match(/"usage":/g)).toHaveLength(1);
    const { usage, value, error } = await usageOf(groqCall, { replay });
    expect(error).toBeUndefined();
    expect(value).toEqual({});
    expect(usage).toEqual(counts);
  });

  it("counts the recorded stream, which has both, once", async () => {
    const { usage } = await usageOf(groqCall, { replay: recording(GROQ) });
    expect(usage).toEqual(counts);
  });
});

describe("prompt-cache tokens", () => {
  it("Anthropic: cache reads and writes, as the last message_delta totals them", async () => {
    const { usage, value, error } = await usageOf(
      () =>
        instructor(new Anthropic({ apiKey: "t", baseURL: mock.url }), {
          ...fast,
          mode: "tools",
        }).messages.create({
          model: "claude",
          max_tokens: 1024,
          messages: [{ role: "user", content: "x" }],
          response_model: z.object({ command: z.string() }),
          stream: true,
        }),
      {
        replay: recording(
          "anthropic-messages/vercel-ai__anthropic__anthropic-code-execution-20260120-prompt-cache.1.chunks.txt",
        ),
      },
    );
    expect(error).toBeUndefined();
    expect(value).toEqual({ command: expect.stringMatching(/^for n in \$\(seq 1 12\)/) });
    // message_start says 2 in, 3068 written, 0 read; message_delta repeats the totals: 6, 3337, 6289.
    expect(usage).toEqual({
      inputTokens: 6,
      outputTokens: 198,
      totalTokens: 204,
      cacheReadTokens: 6289,
      cacheWriteTokens: 3337,
    });
  });

  it("OpenAI-compatible chat: prompt_tokens_details.cached_tokens", async () => {
    const { usage, error } = await usageOf(
      () =>
        instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
          ...fast,
          mode: "tools",
        }).chat.completions.create({
          model: "deepseek-chat",
          messages: [{ role: "user", content: "x" }],
          response_model: z.object({ location: z.string() }),
          stream: true,
        }),
      { replay: recording("openai-chat-compatible/vercel-ai__deepseek__deepseek-tool-call.chunks.txt") },
    );
    expect(error).toBeUndefined();
    expect(usage).toEqual({ inputTokens: 339, outputTokens: 83, totalTokens: 422, cacheReadTokens: 320 });
  });

  it("OpenAI Responses: input_tokens_details.cached_tokens", async () => {
    const { usage, error } = await usageOf(
      () =>
        instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
          ...fast,
          mode: "tools",
        }).responses.create({
          model: "gpt-4o",
          input: "x",
          response_model: z.object({ location: z.string() }),
          stream: true,
        }),
      { replay: recording("openai-responses/vercel-ai__open-responses__lmstudio-tool-call.1.chunks.txt") },
    );
    expect(error).toBeUndefined();
    expect(usage).toEqual({ inputTokens: 182, outputTokens: 61, totalTokens: 243, cacheReadTokens: 2 });
  });

  it("Gemini: cachedContentTokenCount", async () => {
    // A recorded stream whose counts are given a cached part, as Gemini reports one with cached content.
    const replay = recording(
      "google-gemini/vertexai-sdk-test-data__googleai__streaming-success-basic-reply-short.txt",
    ).replaceAll(
      '"usageMetadata": {"promptTokenCount": 7,',
      '"usageMetadata": {"promptTokenCount": 7,"cachedContentTokenCount": 4,',
    );
    const { usage } = await usageOf(
      () =>
        instructor(new GoogleGenAI({ apiKey: "t", httpOptions: { baseUrl: mock.url } }), {
          ...fast,
          mode: "md_json",
        }).models.generateContentStream({
          model: "gemini-2.0-flash",
          contents: "x",
          response_model: z.object({}),
        }),
      { replay },
    );
    // The answer is prose, not JSON, so the call fails; the tokens were spent all the same.
    expect(usage).toEqual({ inputTokens: 7, outputTokens: 10, totalTokens: 17, cacheReadTokens: 4 });
  });
});
