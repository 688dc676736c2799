// Replays recorded OpenAI Responses streams: function-call arguments and output text must add up to
// what the recording's own `.done` events say, and usage, finish and errors come out as recorded.
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  collect,
  type Json,
  jsonChannels,
  newResponse,
  readRecordedChunks,
  replay,
  type Summary,
  splitResponses,
  summarize,
} from "../../../test/helpers/recorded-chunks.js";
import { createPartialParser } from "../../json/index.js";
import type { ProviderEvent } from "../provider-events.js";
import { openaiResponsesEvents, type ResponsesEventLike } from "./events.js";

async function run(events: readonly unknown[]): Promise<{ events: ProviderEvent[]; summary: Summary }> {
  const out = await collect(openaiResponsesEvents(replay<ResponsesEventLike>(events)));
  return { events: out, summary: summarize(out) };
}

const read = (file: string) => readRecordedChunks(`openai-responses/${file}`);

/** What the recording itself says each call and each text came to, from its `.done` events. */
function recorded(events: readonly Json[]) {
  const calls = events
    .filter((e) => e.type === "response.output_item.done" && (e.item as Json).type === "function_call")
    .map((e) => e.item as { call_id: string; name: string; arguments: string });
  const texts = events
    .filter((e) => e.type === "response.output_text.done")
    .map((e) => [e.output_index as number, e.text as string] as const);
  const end = events.find((e) => e.type === "response.completed")?.response as Json;
  const usage = end.usage as {
    input_tokens: number;
    output_tokens: number;
    total_tokens: number;
    input_tokens_details?: { cached_tokens?: number };
  };
  const cached = usage.input_tokens_details?.cached_tokens;
  return {
    calls,
    texts,
    usage: {
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      totalTokens: usage.total_tokens,
      ...(cached !== undefined ? { cacheReadTokens: cached } : {}),
    },
  };
}

const REASONING_CALLS = "vercel-ai__openai__openai-reasoning-encrypted-content.1.chunks.txt";

const RESPONSES: readonly { name: string; events: Json[]; reasoning: boolean }[] = [
  {
    name: "azure-tool-call",
    events: read("vercel-ai__azure__azure-tool-call.1.chunks.txt"),
    reasoning: false,
  },
  {
    name: "openai-tool-search",
    events: read("vercel-ai__openai__openai-tool-search.1.chunks.txt"),
    reasoning: false,
  },
  // Arguments only in `.done` (no deltas), text before the call, reasoning text.
  {
    name: "lmstudio-tool-call",
    events: read("vercel-ai__open-responses__lmstudio-tool-call.1.chunks.txt"),
    reasoning: true,
  },
  { name: "azure-text", events: read("vercel-ai__azure__azure-text.1.chunks.txt"), reasoning: false },
  // Four responses in a row: three with one call each, then the answer.
  ...splitResponses(read(REASONING_CALLS), newResponse).map((events, i) => ({
    name: `openai-reasoning-encrypted-content, response ${i + 1}`,
    events,
    // Only the first one came with a reasoning summary.
    reasoning: i === 0,
  })),
];

describe("openaiResponsesEvents on recorded streams", () => {
  it.each(RESPONSES)("$name", async ({ events: recording, reasoning }) => {
    const { events, summary } = await run(recording);
    const expected = recorded(recording);

    expect(summary.tools.map((t) => [t.index, t.id, t.name, t.text])).toEqual(
      expected.calls.map((c, i) => [i, c.call_id, c.name, c.arguments]),
    );
    expect(summary.texts.map((t) => [t.index, t.text])).toEqual(expected.texts);
    expect(summary.reasoning !== "").toBe(reasoning);
    expect(summary.errors).toEqual([]);
    expect(events.slice(-2)).toEqual([
      { type: "usage", usage: expected.usage },
      { type: "finish", reason: expected.calls.length > 0 ? "tool" : "stop", raw: "completed" },
    ]);

    for (const channel of jsonChannels(events)) {
      const parser = createPartialParser();
      for (const delta of channel.deltas) parser.push(delta);
      expect(parser.end()).toEqual(JSON.parse(channel.deltas.join("")));
    }
  });

  it("numbers parallel calls in the order they were added, whatever the order of their deltas", async () => {
    // No recording has parallel calls; this one interleaves the three recorded calls of
    // openai-reasoning-encrypted-content as one response would.
    const responses = splitResponses(read(REASONING_CALLS), newResponse).slice(0, 3);
    const perCall = responses.map((events, outputIndex) =>
      events
        .filter((e) => /^response\.(output_item|function_call_arguments)\./.test(e.type as string))
        .filter((e) => e.type !== "response.output_item.added" || (e.item as Json).type === "function_call")
        .filter((e) => e.type !== "response.output_item.done" || (e.item as Json).type === "function_call")
        .map((e) => ({ ...e, output_index: outputIndex })),
    );
    const interleaved: Json[] = [];
    for (let i = 0; perCall.some((events) => i < events.length); i++) {
      for (const events of perCall) if (events[i] !== undefined) interleaved.push(events[i]!);
    }
    const completed = responses[2]!.find((e) => e.type === "response.completed")!;
    const { summary } = await run([...interleaved, completed]);

    const expected = responses.flatMap((events) => recorded(events).calls);
    expect(summary.tools.map((t) => [t.index, t.id, t.name, JSON.parse(t.text)])).toEqual(
      expected.map((c, i) => [i, c.call_id, c.name, JSON.parse(c.arguments)]),
    );
    expect(summary.tools.every((t) => t.deltas.length > 5)).toBe(true);
    expect(summary.finishes).toEqual([{ reason: "tool", raw: "completed" }]);
  });

  it("reports a failed response once, from its error event", async () => {
    const { events } = await run(read("vercel-ai__openai__openai-error.1.chunks.txt"));
    expect(events).toEqual([
      {
        type: "error",
        message: expect.stringMatching(/^You exceeded your current quota/),
        // OpenAI's error-code guide gives exceeded quota as a 429.
        status: 429,
        errorType: "insufficient_quota",
        body: expect.objectContaining({ code: "insufficient_quota" }),
      },
    ]);
  });

  it("reports response.failed on its own when no error event came first", async () => {
    const failed = read("vercel-ai__openai__openai-error.1.chunks.txt").filter((e) => e.type !== "error");
    const { events } = await run(failed);
    expect(events).toEqual([
      expect.objectContaining({
        type: "error",
        message: expect.stringMatching(/^You exceeded your current quota/),
        status: 429,
        errorType: "insufficient_quota",
      }),
    ]);
  });

  it("finishes an incomplete response with its reason", async () => {
    // No recording ends incomplete; this is azure-text with its end turned into `response.incomplete`.
    const events = read("vercel-ai__azure__azure-text.1.chunks.txt").map((e) =>
      e.type === "response.completed"
        ? {
            ...e,
            type: "response.incomplete",
            response: {
              ...(e.response as Json),
              status: "incomplete",
              incomplete_details: { reason: "max_output_tokens" },
            },
          }
        : e,
    );
    const { events: out } = await run(events);
    expect(out.at(-1)).toEqual({ type: "finish", reason: "length", raw: "max_output_tokens" });
    expect(out.at(-2)).toEqual({
      type: "usage",
      usage: { inputTokens: 11, outputTokens: 11, totalTokens: 22, cacheReadTokens: 0 },
    });
  });

  it("collects a refusal whole", async () => {
    const { events } = await run([
      { type: "response.output_item.added", output_index: 0, item: { type: "message", id: "msg_1" } },
      { type: "response.refusal.delta", item_id: "msg_1", output_index: 0, delta: "I can't" },
      { type: "response.refusal.delta", item_id: "msg_1", output_index: 0, delta: " help with that." },
      {
        type: "response.refusal.done",
        item_id: "msg_1",
        output_index: 0,
        refusal: "I can't help with that.",
      },
      { type: "response.completed", response: { status: "completed" } },
    ]);
    expect(events).toEqual([
      { type: "refusal", text: "I can't help with that." },
      { type: "finish", reason: "stop", raw: "completed" },
    ]);
  });

  it("reads the flat error event the API documents", async () => {
    const { events } = await run([
      { type: "error", code: "server_error", message: "Something broke", param: null },
    ]);
    expect(events).toEqual([
      {
        type: "error",
        message: "Something broke",
        status: 500,
        errorType: "server_error",
        body: expect.objectContaining({ code: "server_error" }),
      },
    ]);
  });

  it("accepts what the SDK yields", () => {
    expectTypeOf<AsyncIterable<ResponseStreamEvent>>().toExtend<AsyncIterable<ResponsesEventLike>>();
  });
});
