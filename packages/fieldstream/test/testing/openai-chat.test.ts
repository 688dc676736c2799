// The mock's Chat Completions route driven by the real `openai` SDK: streamed and whole answers are
// reassembled exactly as scripted, each fault surfaces as the SDK's own error, recordings replay.
import OpenAI, { type APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockProvider, type Script, startMockProvider } from "../../src/testing/index.js";
import {
  drain,
  fixturePath,
  openai,
  REFUSAL,
  recordedPayloads,
  TEXT,
  TOOL,
  TRUNCATED,
  USAGE,
} from "./support.js";

let mock: MockProvider;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider();
  client = openai(mock);
});
afterAll(() => mock.close());

const params = { model: "gpt-test", messages: [{ role: "user" as const, content: "Hi" }] };

interface Case {
  readonly name: string;
  readonly script: Script;
  readonly content: string | null;
  readonly refusal: string | null;
  readonly tools: readonly { name: string; arguments: string }[];
  readonly finish: string;
}

const CASES: readonly Case[] = [
  { name: "text", script: { text: TEXT }, content: TEXT, refusal: null, tools: [], finish: "stop" },
  {
    name: "tool call",
    script: { toolCalls: [TOOL, { name: "noop", arguments: "{}" }] },
    content: null,
    refusal: null,
    tools: [TOOL, { name: "noop", arguments: "{}" }],
    finish: "tool_calls",
  },
  {
    name: "refusal",
    script: { refusal: REFUSAL },
    content: null,
    refusal: REFUSAL,
    tools: [],
    finish: "stop",
  },
  {
    name: "length",
    script: { text: TRUNCATED, finishReason: "length" },
    content: TRUNCATED,
    refusal: null,
    tools: [],
    finish: "length",
  },
];

describe("chat completions, streamed", () => {
  for (const c of CASES) {
    it(`reassembles ${c.name}`, async () => {
      mock.enqueue({ ...c.script, chunks: 3, usage: USAGE });
      const stream = client.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      stream.on("chunk", (chunk) => chunks.push(chunk));
      const completion = await stream.finalChatCompletion();
      const choice = completion.choices[0]!;
      expect(choice.message.content ?? null).toBe(c.content);
      expect(choice.message.refusal ?? null).toBe(c.refusal);
      expect(
        (choice.message.tool_calls ?? []).map((call) => call.type === "function" && call.function),
      ).toEqual(c.tools);
      expect(choice.finish_reason).toBe(c.finish);
      expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 });
      // Deltas are the scripted 3-character pieces; the usage chunk comes last with no choices.
      const deltas = chunks.flatMap((chunk) => {
        const delta = chunk.choices[0]?.delta;
        return [
          delta?.content,
          delta?.refusal,
          ...(delta?.tool_calls ?? []).map((t) => t.function?.arguments),
        ];
      });
      expect(deltas.filter((d) => d).every((d) => Array.from(d as string).length <= 3)).toBe(true);
      expect(chunks.at(-1)?.choices).toEqual([]);
    });
  }

  it("sends each tool call's id, type and name in its first delta, then argument pieces", async () => {
    mock.enqueue({ toolCalls: [{ ...TOOL, id: "call_abc" }], chunks: 8 });
    const stream = await client.chat.completions.create({ ...params, stream: true });
    const calls = (await drain(stream)).items.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({
      index: 0,
      id: "call_abc",
      type: "function",
      function: { name: TOOL.name, arguments: "" },
    });
    expect(calls.slice(1).every((call) => call.id === undefined && call.function?.name === undefined)).toBe(
      true,
    );
    expect(calls.map((call) => call.function?.arguments).join("")).toBe(TOOL.arguments);
  });

  it("leaves the usage chunk out unless include_usage asks for it", async () => {
    mock.enqueue({ text: "ok" });
    const { items } = await drain(await client.chat.completions.create({ ...params, stream: true }));
    expect(items.every((chunk) => chunk.choices.length === 1 && !("usage" in chunk))).toBe(true);
  });
});

describe("chat completions, not streamed", () => {
  for (const c of CASES) {
    it(`returns ${c.name}`, async () => {
      mock.enqueue({ ...c.script, usage: USAGE });
      const completion = await client.chat.completions.create(params);
      const choice = completion.choices[0]!;
      expect(choice.message.content).toBe(c.content);
      expect(choice.message.refusal).toBe(c.refusal);
      expect(
        (choice.message.tool_calls ?? []).map((call) => call.type === "function" && call.function),
      ).toEqual(c.tools);
      expect(choice.finish_reason).toBe(c.finish);
      expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 22, total_tokens: 33 });
      expect(completion.model).toBe("gpt-test");
    });
  }
});

describe("chat completions, faults", () => {
  it("answers 429 with retry-after as a RateLimitError", async () => {
    mock.enqueue({ text: "x", fault: { status: 429, retryAfter: 7 } });
    const error = await client.chat.completions.create({ ...params, stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).status).toBe(429);
    expect((error as APIError).headers?.get("retry-after")).toBe("7");
    expect((error as APIError).code).toBe("rate_limit_exceeded");
  });

  it("answers 500 as an InternalServerError", async () => {
    mock.enqueue({ text: "x", fault: { status: 500, message: "boom" } });
    const error = await client.chat.completions.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as APIError).message).toContain("boom");
  });

  it("drops the connection mid-stream as an error after the bytes sent", async () => {
    mock.enqueue({ text: TEXT, chunks: 2, fault: { dropAfterBytes: 700 } });
    const { items, error } = await drain(await client.chat.completions.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OpenAI.APIError);
    const text = items.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text.length).toBeGreaterThan(0);
    expect(TEXT.startsWith(text) && text !== TEXT).toBe(true);
  });

  it("reports a mid-stream error line as an APIError after n deltas", async () => {
    mock.enqueue({ text: TEXT, chunks: 4, fault: { errorEventAfter: 2, message: "overloaded" } });
    const { items, error } = await drain(await client.chat.completions.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).message).toContain("overloaded");
    expect(items.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(TEXT.slice(0, 8));
  });

  it("writes the error line's type and code for the status it is given", async () => {
    mock.enqueue({ text: TEXT, fault: { errorEventAfter: 1, status: 429 } });
    const { error } = await drain(await client.chat.completions.create({ ...params, stream: true }));
    expect((error as APIError).status).toBeUndefined();
    expect((error as APIError).code).toBe("rate_limit_exceeded");
  });

  it("fails on a data line that is not JSON", async () => {
    mock.enqueue({ text: TEXT, fault: { malformedEventAfter: 1 } });
    const quiet = new OpenAI({ apiKey: "test", baseURL: `${mock.url}/v1`, maxRetries: 0, logLevel: "off" });
    const { error } = await drain(await quiet.chat.completions.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it("lets an AbortController end a stalled stream", async () => {
    mock.enqueue({ text: TEXT, fault: { stallAfter: 2 } });
    const controller = new AbortController();
    const started = Date.now();
    const stream = await client.chat.completions.create(
      { ...params, stream: true },
      { signal: controller.signal },
    );
    const timer = setTimeout(() => controller.abort(), 100);
    const { items } = await drain(stream);
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(items.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(TEXT.slice(0, 8));
  });
});

describe("chat completions, requests and replay", () => {
  it("logs the parsed body and the key", async () => {
    mock.enqueue({ text: "ok" });
    await client.chat.completions.create({ ...params, temperature: 0 });
    const request = mock.requests.at(-1)!;
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      api: "openai-chat",
      stream: false,
      apiKey: "test",
      body: { model: "gpt-test", temperature: 0, messages: [{ role: "user", content: "Hi" }] },
    });
    expect(request.headers.authorization).toBe("Bearer test");
  });

  it("replays a recorded SSE body chunk for chunk", async () => {
    const file = "openai-chat/openai-python__test_parse_pydantic_tool__c6aa7e397b71.sse";
    mock.enqueue({ replay: fixturePath(file) });
    const { items, error } = await drain(await client.chat.completions.create({ ...params, stream: true }));
    expect(error).toBeUndefined();
    expect(items).toEqual(recordedPayloads(file));
  });
});
