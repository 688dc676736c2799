// Shared pieces of the mock-provider tests: the real SDK clients pointed at a mock server, the scripts
// every provider is driven with, and a reader for recorded streams to compare replays against.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import type { MockProvider } from "../../src/testing/index.js";

export const STREAMS = new URL("../fixtures/streams/", import.meta.url);

export function openai(mock: MockProvider): OpenAI {
  return new OpenAI({ apiKey: "test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
}

export function anthropic(mock: MockProvider): Anthropic {
  return new Anthropic({ apiKey: "test", baseURL: mock.url, maxRetries: 0 });
}

export function google(mock: MockProvider): GoogleGenAI {
  return new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: mock.url } });
}

/** Text with quotes, a backslash, accents and an astral character, cut into 3-character deltas. */
export const TEXT = 'Héllo, "world" \\ 🎉 {"a": [1, 2]}';
export const TOOL = {
  name: "get_weather",
  arguments: '{"city":"Paris, \\"FR\\"","days":[1,2.5],"units":null,"alerts":true,"where":{"lat":48.8}}',
};
export const REFUSAL = "I'm sorry, I can't help with that.";
/** A JSON answer cut off by the token limit. */
export const TRUNCATED = '{"title":"Half a sent';
export const USAGE = { inputTokens: 11, outputTokens: 22 };

/** The JSON payloads of a recorded stream in order: each SSE `data:` or each line of a chunks file. */
export function recordedPayloads(file: string): unknown[] {
  const body = readFileSync(new URL(file, STREAMS), "utf8");
  const lines = body.split(/\r\n|\r|\n/);
  if (!lines.some((line) => line.startsWith("data:"))) {
    return lines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as unknown);
  }
  return lines
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trim())
    .filter((data) => data !== "[DONE]")
    .map((data) => JSON.parse(data) as unknown);
}

export function fixturePath(file: string): string {
  return fileURLToPath(new URL(file, STREAMS));
}

/** Iterates `stream`, collecting what it yields, and the error that ended it, if any. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}
