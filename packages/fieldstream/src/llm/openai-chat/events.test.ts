// Replays recorded Chat Completions streams, from OpenAI and from compatible servers, and checks the
// content and tool arguments reach the parser whole, with finish reasons, usage and refusals as recorded.
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  collect,
  jsonChannels,
  newCompletion,
  readRecordedChunks,
  replay,
  type Summary,
  splitResponses,
  summarize,
} from "../../../test/helpers/recorded-chunks.js";
import { createPartialParser } from "../../json/index.js";
import type { FinishReason, ProviderEvent, Usage } from "../provider-events.js";
import { type OpenAIChatChunkLike, type OpenAIChatEventsOptions, openaiChatEvents } from "./events.js";

async function run(
  chunks: readonly unknown[],
  options?: OpenAIChatEventsOptions,
): Promise<{ events: ProviderEvent[]; summary: Summary }> {
  const events = await collect(openaiChatEvents(replay<OpenAIChatChunkLike>(chunks), options));
  return { events, summary: summarize(events) };
}

interface Recording {
  readonly file: string;
  readonly choice?: number;
  readonly text?: unknown;
  readonly tools?: readonly (readonly [id: string, name: string, args: unknown])[];
  readonly finish: readonly [FinishReason, string];
  readonly usage: Usage;
  readonly reasoning?: boolean;
  /** The text was cut off, so it is not JSON yet. */
  readonly truncated?: boolean;
}

const WEATHER = { location: "San Francisco" };
const SF = (temperature: number) => ({ city: "San Francisco", temperature, units: "f" });

const RECORDINGS: readonly Recording[] = [
  {
    file: "openai-chat/openai-python__test_parse_pydantic_tool__c6aa7e397b71.sse",
    tools: [
      ["call_c91SqDXlYFuETYv8mUHzz6pp", "GetWeatherArgs", { city: "Edinburgh", country: "UK", units: "c" }],
    ],
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 76, outputTokens: 24, totalTokens: 100 },
  },
  {
    file: "openai-chat/openai-python__test_parse_multiple_pydantic_tools__f82268f2fefd.sse",
    tools: [
      ["call_JMW1whyEaYG438VE1OIflxA2", "GetWeatherArgs", { city: "Edinburgh", country: "GB", units: "c" }],
      ["call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price", { ticker: "AAPL", exchange: "NASDAQ" }],
    ],
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 149, outputTokens: 60, totalTokens: 209 },
  },
  {
    file: "openai-chat/openai-python__test_parse_pydantic_model__7e5ea4d12e7c.sse",
    text: SF(61),
    finish: ["stop", "stop"],
    usage: { inputTokens: 79, outputTokens: 14, totalTokens: 93 },
  },
  ...[65, 61, 59].map((temperature, choice) => ({
    file: "openai-chat/openai-python__test_parse_pydantic_model_multiple_choices__a491adda08c3.sse",
    choice,
    text: SF(temperature),
    finish: ["stop", "stop"] as const,
    usage: { inputTokens: 79, outputTokens: 42, totalTokens: 121 },
  })),
  {
    file: "openai-chat/openai-node__stream_is_robust_against_leading_newline_chunks_1.sse",
    text: { city: "San Francisco", units: "c" },
    finish: ["stop", "stop"],
    usage: { inputTokens: 17, outputTokens: 10, totalTokens: 27 },
  },
  {
    file: "openai-chat/openai-python__test_non_pydantic_response_format__d61558011839.sse",
    text: expect.objectContaining({ location: "San Francisco, CA" }),
    finish: ["stop", "stop"],
    usage: { inputTokens: 19, outputTokens: 177, totalTokens: 196 },
  },
  {
    file: "openai-chat/openai-python__test_parse_max_tokens_reached__4cc50a6135d2.sse",
    text: '{"',
    truncated: true,
    finish: ["length", "length"],
    usage: { inputTokens: 79, outputTokens: 1, totalTokens: 80 },
  },
  {
    file: "openai-chat-compatible/vercel-ai__deepseek__deepseek-tool-call.chunks.txt",
    tools: [["call_00_ioIn7yN9p1ZOMNpDLwd4MgAF", "weather", WEATHER]],
    reasoning: true,
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 339, outputTokens: 83, totalTokens: 422, cacheReadTokens: 320 },
  },
  {
    file: "openai-chat-compatible/vercel-ai__deepseek__deepseek-text.chunks.txt",
    text: expect.stringMatching(/^## \*\*Holiday Name:\*\* Starlight Remembrance/),
    truncated: true,
    finish: ["length", "length"],
    usage: { inputTokens: 13, outputTokens: 400, totalTokens: 413, cacheReadTokens: 0 },
  },
  {
    file: "openai-chat-compatible/vercel-ai__groq__groq-tool-call.chunks.txt",
    tools: [["tk85n1k4m", "weather", {}]],
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 210, outputTokens: 15, totalTokens: 225 },
  },
  {
    file: "openai-chat-compatible/vercel-ai__mistral__mistral-incremental-tool-call.chunks.txt",
    tools: [["chatcmpl-tool-9f149c74c42f265b", "webSearchTool", { query: "current Berlin weather" }]],
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 171, outputTokens: 14, totalTokens: 185, cacheReadTokens: 128 },
  },
  {
    // Tool calls without an `index`.
    file: "openai-chat-compatible/vercel-ai__mistral__mistral-tool-call.chunks.txt",
    tools: [["gSIMJiOkT", "weather", WEATHER]],
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 124, outputTokens: 22, totalTokens: 146 },
  },
  {
    // `reasoning_content`, and usage in a last chunk with no choices.
    file: "openai-chat-compatible/vercel-ai__xai__xai-tool-call.chunks.txt",
    tools: [["call_55117580", "weather", WEATHER]],
    reasoning: true,
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 291, outputTokens: 26, totalTokens: 513, cacheReadTokens: 290 },
  },
  {
    file: "openai-chat-compatible/vercel-ai__alibaba__alibaba-tool-call.chunks.txt",
    tools: [["call_eee11723464a4b9eb8cee71d", "weather", WEATHER]],
    finish: ["tool", "tool_calls"],
    usage: { inputTokens: 295, outputTokens: 22, totalTokens: 317, cacheReadTokens: 0 },
  },
];

describe("openaiChatEvents on recorded streams", () => {
  it.each(RECORDINGS)("$file (choice $choice)", async (recording) => {
    const options = recording.choice === undefined ? {} : { choice: recording.choice };
    const { events, summary } = await run(readRecordedChunks(recording.file), options);

    const expectedText = recording.text === undefined ? [] : [recording.choice ?? 0];
    expect(summary.texts.map((t) => t.index)).toEqual(expectedText);
    if (recording.text !== undefined) {
      const text = summary.texts[0]!.text;
      expect(recording.truncated || typeof recording.text === "string" ? text : JSON.parse(text)).toEqual(
        recording.text,
      );
    }
    expect(summary.tools.map((t) => [t.id, t.name, JSON.parse(t.text)])).toEqual(recording.tools ?? []);
    expect(summary.tools.map((t) => t.index)).toEqual((recording.tools ?? []).map((_, i) => i));
    expect(summary.reasoning !== "").toBe(recording.reasoning ?? false);
    expect(summary.refusals).toEqual([]);
    expect(summary.errors).toEqual([]);
    // Usage and finish close the stream, once each.
    expect(events.slice(-2)).toEqual([
      { type: "usage", usage: recording.usage },
      { type: "finish", reason: recording.finish[0], raw: recording.finish[1] },
    ]);

    for (const channel of jsonChannels(events)) {
      const parser = createPartialParser();
      for (const delta of channel.deltas) parser.push(delta);
      if (recording.truncated) expect(() => parser.end()).toThrow();
      else expect(parser.end()).toEqual(JSON.parse(channel.deltas.join("")));
    }
  });

  it("collects a refusal whole and reports it before the finish", async () => {
    const { events } = await run(
      readRecordedChunks("openai-chat/openai-python__test_parse_pydantic_model_refusal__173417d55340.sse"),
    );
    expect(events).toEqual([
      { type: "refusal", text: "I'm sorry, I can't assist with that request." },
      { type: "usage", usage: { inputTokens: 79, outputTokens: 11, totalTokens: 90 } },
      { type: "finish", reason: "stop", raw: "stop" },
    ]);
  });

  it("passes reasoning deltas on in order, apart from the answer", async () => {
    const chunks = readRecordedChunks("openai-chat-compatible/vercel-ai__xai__xai-tool-call.chunks.txt");
    const { summary } = await run(chunks);
    expect(summary.reasoning).toBe("First, the user is");
  });
});

describe("arguments sent again after they are complete", () => {
  const file = "openai-chat-compatible/vercel-ai__cerebras__cererebras-structured-output-tools.1.chunks.txt";

  it("reads each recorded response on its own", async () => {
    // The recording holds two responses one after the other; the second calls the tool again.
    const [first, second] = splitResponses(readRecordedChunks(file), newCompletion);
    const one = (await run(first!)).summary;
    expect(one.tools.map((t) => [t.index, t.id, t.name, t.text])).toEqual([
      [0, "bbd2b9d98", "nonUsefulTool", "{}"],
    ]);
    expect(one.reasoning).toMatch(/^The user is asking about a "magic number"/);
    const two = (await run(second!)).summary;
    expect(two.texts.map((t) => JSON.parse(t.text))).toEqual([{ result: "2026" }]);
    expect(two.tools.map((t) => [t.index, t.id, t.text])).toEqual([[0, "e0ecf32e0", "{}"]]);
    expect(two.usages).toEqual([
      { inputTokens: 433, outputTokens: 122, totalTokens: 555, cacheReadTokens: 256 },
    ]);
  });

  it("drops complete arguments that come again for the same call", async () => {
    // Read as one stream, the recording sends `{}` for call 0 twice.
    const { events, summary } = await run(readRecordedChunks(file));
    expect(summary.tools.map((t) => [t.index, t.id, t.deltas])).toEqual([[0, "bbd2b9d98", ["{}"]]]);
    for (const channel of jsonChannels(events)) {
      const parser = createPartialParser();
      for (const delta of channel.deltas) parser.push(delta);
      expect(parser.end()).toEqual(JSON.parse(channel.deltas.join("")));
    }
  });

  it("drops a repeat that is itself split into deltas, and keeps whitespace-free text exact", async () => {
    const call = (args: string) => ({
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args } }] } }],
    });
    const { summary } = await run([
      {
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "" } }] },
          },
        ],
      },
      call('{"a":"}'),
      call('\\""}'),
      call('{"a":'),
      call('"}\\""}'),
    ]);
    expect(summary.tools[0]?.deltas).toEqual(['{"a":"}', '\\""}']);
    expect(JSON.parse(summary.tools[0]!.text)).toEqual({ a: '}"' });
  });
});

describe("openaiChatEvents edge cases", () => {
  it("surfaces an error object sent inside the stream", async () => {
    const error = { message: "Upstream timed out", code: 502, type: "upstream_error" };
    const { events } = await run([
      { choices: [{ index: 0, delta: { content: '{"a":' } }] },
      { error, choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }] },
    ]);
    expect(events).toEqual([
      { type: "text", index: 0, delta: '{"a":' },
      { type: "error", message: "Upstream timed out", status: 502, errorType: "upstream_error", body: error },
      { type: "finish", reason: "other", raw: "error" },
    ]);
  });

  it("gives an error chunk with a word for a code the status that word stands for", async () => {
    // Groq's documented shape for a tool call its model wrote wrong; no recording of one is available.
    const error = {
      message: "Failed to call a function",
      type: "invalid_request_error",
      code: "tool_use_failed",
    };
    const { events } = await run([{ error }]);
    expect(events).toEqual([
      { type: "error", message: error.message, status: 400, errorType: "invalid_request_error", body: error },
    ]);
  });

  it("maps content_filter and function_call", async () => {
    for (const [raw, reason] of [
      ["content_filter", "content-filter"],
      ["function_call", "tool"],
    ] as const) {
      const { events } = await run([{ choices: [{ index: 0, delta: {}, finish_reason: raw }] }]);
      expect(events).toEqual([{ type: "finish", reason, raw }]);
    }
  });

  it("accepts what the SDK yields", () => {
    expectTypeOf<AsyncIterable<ChatCompletionChunk>>().toExtend<AsyncIterable<OpenAIChatChunkLike>>();
  });
});
