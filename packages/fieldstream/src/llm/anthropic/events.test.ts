// Replays recorded Anthropic Messages streams: tool input and JSON text reach the parser exactly as
// recorded, and stop reasons, refusals, thinking and usage come out as the recording says.
import { join } from "node:path";
import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  collect,
  jsonChannels,
  readRecordedChunks,
  replay,
  STREAMS,
  type Summary,
  summarize,
} from "../../../test/helpers/recorded-chunks.js";
import { readRecordedDeltas } from "../../../test/helpers/recorded-deltas.js";
import { createPartialParser } from "../../json/index.js";
import type { ProviderEvent } from "../provider-events.js";
import { type AnthropicEventLike, anthropicEvents } from "./events.js";

async function run(file: string): Promise<{ events: ProviderEvent[]; summary: Summary }> {
  const chunks = readRecordedChunks(`anthropic-messages/${file}`);
  const events = await collect(anthropicEvents(replay<AnthropicEventLike>(chunks)));
  return { events, summary: summarize(events) };
}

const RECORDINGS: readonly { file: string; truncated?: boolean; whole?: string[] }[] = [
  { file: "anthropic-sdk-python__tool_use_response.txt" },
  { file: "vercel-ai__anthropic__anthropic-json-tool.1.chunks.txt" },
  {
    file: "anthropic-sdk-python__test_beta_messages_TestAsyncMessages_9381e2b7-7fa1-46f7-9f78-46dc8431ea9d__resp0.sse",
  },
  { file: "vercel-ai__anthropic__anthropic-json-output-format.1.chunks.txt" },
  { file: "vercel-ai__anthropic__anthropic-code-execution-20250825.1.chunks.txt" },
  {
    file: "vercel-ai__anthropic__anthropic-programmatic-tool-calling.1.chunks.txt",
    // A tool call made from code execution arrives with its input in the start event and no deltas.
    whole: ['{"player":"player1"}'],
  },
  { file: "anthropic-sdk-python__incomplete_partial_json_response.txt", truncated: true },
];

describe("anthropicEvents on recorded streams", () => {
  it.each(RECORDINGS)(
    "$file: every JSON channel is the recorded text and parses like JSON.parse",
    async ({ file, truncated, whole = [] }) => {
      const { events } = await run(file);
      const channels = jsonChannels(events);
      const recorded = readRecordedDeltas(join(STREAMS, "anthropic-messages", file));
      expect(channels.map((c) => c.deltas)).toEqual([
        ...recorded.map((g) => g.deltas.filter((d) => d !== "")),
        ...whole.map((text) => [text]),
      ]);
      for (const channel of channels) {
        const parser = createPartialParser();
        for (const delta of channel.deltas) parser.push(delta);
        if (truncated) expect(() => parser.end()).toThrow();
        else expect(parser.end()).toEqual(JSON.parse(channel.deltas.join("")));
      }
    },
  );

  it("reads a tool call: id, name, input, finish and usage", async () => {
    const { summary } = await run("anthropic-sdk-python__tool_use_response.txt");
    expect(summary.texts.map((t) => [t.index, t.text])).toEqual([
      [0, "I'll check the current weather in Paris for you."],
    ]);
    expect(summary.tools).toEqual([
      expect.objectContaining({ index: 0, id: "toolu_01NRLabsLyVHZPKxbKvkfSMn", name: "get_weather" }),
    ]);
    expect(JSON.parse(summary.tools[0]!.text)).toEqual({ location: "Paris" });
    expect(summary.finishes).toEqual([{ reason: "tool", raw: "tool_use" }]);
    expect(summary.usages).toEqual([
      { inputTokens: 377, outputTokens: 65, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ]);
  });

  it("reads JSON text", async () => {
    const { summary } = await run(
      "anthropic-sdk-python__test_beta_messages_TestAsyncMessages_9381e2b7-7fa1-46f7-9f78-46dc8431ea9d__resp0.sse",
    );
    expect(summary.texts.map((t) => [t.index, JSON.parse(t.text)])).toEqual([[0, [12345, 67890]]]);
    expect(summary.finishes).toEqual([{ reason: "stop", raw: "end_turn" }]);
    expect(summary.usages).toEqual([
      { inputTokens: 135, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ]);
  });

  it("reports max_tokens as length, after the cut-off input", async () => {
    const { events, summary } = await run("anthropic-sdk-python__incomplete_partial_json_response.txt");
    expect(summary.tools[0]?.text).toMatch(/^\{"filename": "taxes.txt", "lines_of_text": \[\n/);
    expect(events.slice(-2)).toEqual([
      {
        type: "usage",
        usage: { inputTokens: 450, outputTokens: 124, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      { type: "finish", reason: "length", raw: "max_tokens" },
    ]);
  });

  it.each([
    ["anthropic-sdk-python__refusal_response.txt", "This request was refused due to policy.", 20, 0, {}],
    [
      "vercel-ai__anthropic__anthropic-refusal.chunks.txt",
      "This request triggered restrictions on violative cyber content and was blocked under Anthropic's Usage Policy.",
      18,
      5,
      { cacheReadTokens: 0, cacheWriteTokens: 0 },
    ],
  ])("%s: a refusal, with the stop details' explanation", async (file, explanation, input, output, cache) => {
    const { events } = await run(file);
    expect(events).toEqual([
      { type: "refusal", text: explanation },
      { type: "usage", usage: { inputTokens: input, outputTokens: output, ...cache } },
      { type: "finish", reason: "refusal", raw: "refusal" },
    ]);
  });

  it("passes thinking on as reasoning, apart from the text", async () => {
    const { summary } = await run("vercel-ai__anthropic__anthropic-clear-thinking.1.chunks.txt");
    expect(summary.reasoning).toBe(
      "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
    );
    expect(summary.texts.map((t) => [t.index, t.text])).toEqual([[0, "925 ÷ 5 = 185"]]);
  });

  it("gives a tool without input deltas its start input, {}", async () => {
    const { summary } = await run("vercel-ai__anthropic__anthropic-tool-no-args.chunks.txt");
    expect(summary.tools.map((t) => [t.index, t.name, t.text])).toEqual([[0, "updateIssueList", "{}"]]);
    expect(summary.usages).toEqual([
      { inputTokens: 565, outputTokens: 48, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ]);
  });

  it("takes input tokens from message_delta when it repeats them", async () => {
    const { summary } = await run("vercel-ai__anthropic__anthropic-message-delta-input-tokens.chunks.txt");
    expect(summary.usages).toEqual([{ inputTokens: 61, outputTokens: 2 }]);
  });

  it("counts text blocks and server tool blocks on their own indexes", async () => {
    const { summary } = await run("vercel-ai__anthropic__anthropic-code-execution-20250825.1.chunks.txt");
    expect(summary.texts.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(summary.tools.map((t) => [t.index, t.name])).toEqual([
      [0, "text_editor_code_execution"],
      [1, "bash_code_execution"],
    ]);
  });

  it("puts a restarted message on new indexes instead of appending to the abandoned one", async () => {
    const { summary } = await run("vercel-ai__anthropic__spliced-message-start.chunks.txt");
    expect(summary.tools.map((t) => [t.index, t.name, t.text])).toEqual([
      [0, "test-tool", '{"value":"Spark'],
      [1, "test-tool", '{"value":"Sparkle Day"}'],
    ]);
    expect(summary.reasoning).toBe("I will call the tool.Let me call the tool.");
    expect(summary.finishes).toEqual([{ reason: "tool", raw: "tool_use" }]);
  });

  it("surfaces an error event, with the status Anthropic documents for its type", async () => {
    // No recorded stream with an in-stream error is available; this is the documented event shape.
    const error = { type: "overloaded_error", message: "Overloaded" };
    const events = await collect(
      anthropicEvents(
        replay<AnthropicEventLike>([
          { type: "message_start", message: { usage: { input_tokens: 10, output_tokens: 1 } } },
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: '{"a":' } },
          { type: "error", error },
        ]),
      ),
    );
    expect(events).toEqual([
      { type: "text", index: 0, delta: '{"a":' },
      { type: "error", message: "Overloaded", status: 529, errorType: "overloaded_error", body: error },
      { type: "usage", usage: { inputTokens: 10, outputTokens: 1 } },
    ]);
  });

  it("accepts what the SDK yields", () => {
    expectTypeOf<AsyncIterable<RawMessageStreamEvent>>().toExtend<AsyncIterable<AnthropicEventLike>>();
  });
});
