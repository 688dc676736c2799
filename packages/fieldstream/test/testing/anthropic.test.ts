// The mock's Messages route driven by the real `@anthropic-ai/sdk`: its MessageStream rebuilds the
// scripted message, each fault surfaces as the SDK's own error, recordings replay event for event.
import Anthropic, { type APIError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockProvider, type Script, startMockProvider } from "../../src/testing/index.js";
import {
  anthropic,
  drain,
  fixturePath,
  REFUSAL,
  recordedPayloads,
  TEXT,
  TOOL,
  TRUNCATED,
  USAGE,
} from "./support.js";

let mock: MockProvider;
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockProvider();
  client = anthropic(mock);
});
afterAll(() => mock.close());

const params = {
  model: "claude-test",
  max_tokens: 100,
  messages: [{ role: "user" as const, content: "Hi" }],
};

interface Case {
  readonly name: string;
  readonly script: Script;
  readonly text: string | undefined;
  readonly tools: readonly { name: string; input: unknown }[];
  readonly stop: string;
  readonly explanation?: string;
}

const CASES: readonly Case[] = [
  { name: "text", script: { text: TEXT }, text: TEXT, tools: [], stop: "end_turn" },
  {
    name: "tool call",
    script: { text: "Let me check.", toolCalls: [TOOL, { name: "noop", arguments: "" }] },
    text: "Let me check.",
    tools: [
      { name: TOOL.name, input: JSON.parse(TOOL.arguments) },
      { name: "noop", input: {} },
    ],
    stop: "tool_use",
  },
  {
    name: "refusal",
    script: { refusal: REFUSAL },
    text: undefined,
    tools: [],
    stop: "refusal",
    explanation: REFUSAL,
  },
  {
    name: "length",
    script: { text: TRUNCATED, finishReason: "length" },
    text: TRUNCATED,
    tools: [],
    stop: "max_tokens",
  },
];

function check(message: Anthropic.Message, c: Case) {
  const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : []));
  expect(text).toEqual(c.text === undefined ? [] : [c.text]);
  const tools = message.content.flatMap((block) =>
    block.type === "tool_use" ? [{ name: block.name, input: block.input }] : [],
  );
  expect(tools).toEqual(c.tools);
  expect(message.stop_reason).toBe(c.stop);
  if (c.explanation !== undefined) expect(message.stop_details?.explanation).toBe(c.explanation);
  expect(message.usage).toMatchObject({ input_tokens: 11, output_tokens: 22 });
  expect(message.model).toBe("claude-test");
}

describe("messages, streamed", () => {
  for (const c of CASES) {
    it(`reassembles ${c.name}`, async () => {
      mock.enqueue({ ...c.script, chunks: 3, usage: USAGE });
      const stream = client.messages.stream(params);
      const events: Anthropic.MessageStreamEvent[] = [];
      stream.on("streamEvent", (event) => events.push(event));
      check(await stream.finalMessage(), c);
      expect(events[0]?.type).toBe("message_start");
      expect(events.at(-1)?.type).toBe("message_stop");
    });
  }

  it("streams tool arguments as input_json_delta pieces after an empty one", async () => {
    mock.enqueue({ toolCalls: [TOOL], chunks: 5 });
    const { items } = await drain(await client.messages.create({ ...params, stream: true }));
    const start = items.find((event) => event.type === "content_block_start");
    expect(start).toMatchObject({
      index: 0,
      content_block: { type: "tool_use", name: TOOL.name, input: {} },
    });
    const pieces = items.flatMap((event) =>
      event.type === "content_block_delta" && event.delta.type === "input_json_delta"
        ? [event.delta.partial_json]
        : [],
    );
    expect(pieces[0]).toBe("");
    expect(pieces.slice(1).every((piece) => piece.length === 5 || piece === pieces.at(-1))).toBe(true);
    expect(pieces.join("")).toBe(TOOL.arguments);
  });
});

describe("messages, not streamed", () => {
  for (const c of CASES) {
    it(`returns ${c.name}`, async () => {
      mock.enqueue({ ...c.script, usage: USAGE });
      check(await client.messages.create(params), c);
    });
  }

  it("answers 500 with a clear message when whole arguments are not JSON", async () => {
    mock.enqueue({ toolCalls: [{ name: "broken", arguments: '{"a":' }] });
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as APIError).message).toContain("not valid JSON");
  });
});

describe("messages, faults", () => {
  it("answers 429 with retry-after as a RateLimitError in Anthropic's error format", async () => {
    mock.enqueue({ text: "x", fault: { status: 429, retryAfter: 3 } });
    const error = await client.messages.create({ ...params, stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as APIError).headers?.get("retry-after")).toBe("3");
    expect((error as APIError).error).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error" },
    });
  });

  it("answers 529 as an OverloadedError", async () => {
    mock.enqueue({ text: "x", fault: { status: 529 } });
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect((error as APIError).error).toMatchObject({ error: { type: "overloaded_error" } });
  });

  it("reports the error event as an APIError of its type, after n deltas", async () => {
    mock.enqueue({ text: TEXT, chunks: 4, fault: { errorEventAfter: 2 } });
    const { items, error } = await drain(await client.messages.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as APIError).type).toBe("overloaded_error");
    const text = items.map((event) =>
      event.type === "content_block_delta" && event.delta.type === "text_delta" ? event.delta.text : "",
    );
    expect(text.join("")).toBe(TEXT.slice(0, 8));
  });

  it("writes the error event's type for the status it is given", async () => {
    mock.enqueue({ text: TEXT, fault: { errorEventAfter: 1, status: 400, message: "Bad" } });
    const { error } = await drain(await client.messages.create({ ...params, stream: true }));
    expect((error as APIError).status).toBeUndefined();
    expect((error as APIError).type).toBe("invalid_request_error");
    expect((error as APIError).error).toMatchObject({ type: "error", error: { message: "Bad" } });
  });

  it("drops the connection as a non-API error", async () => {
    mock.enqueue({ text: TEXT, fault: { dropAfterBytes: 400 } });
    const stream = client.messages.stream(params);
    await expect(stream.finalMessage()).rejects.toThrow();
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(Anthropic.APIError);
  });

  it("fails on a data line that is not JSON", async () => {
    mock.enqueue({ text: TEXT, fault: { malformedEventAfter: 0 } });
    const quiet = new Anthropic({ apiKey: "test", baseURL: mock.url, maxRetries: 0, logLevel: "off" });
    const { error } = await drain(await quiet.messages.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it("lets an AbortController end a stalled stream", async () => {
    mock.enqueue({ toolCalls: [TOOL], fault: { stallAfter: 1 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const stream = client.messages.stream(params, { signal: controller.signal });
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("messages, retries", () => {
  it("lets the SDK retry a 429 after retry-after and get the next script", async () => {
    mock.enqueue({ fault: { status: 429, retryAfter: 0.01 } }, { text: "second try" });
    const retrying = new Anthropic({ apiKey: "test", baseURL: mock.url, maxRetries: 1 });
    const before = mock.requests.length;
    const message = await retrying.messages.stream(params).finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "second try" }]);
    expect(mock.requests.length - before).toBe(2);
    expect(mock.requests.at(-1)?.headers["x-stainless-retry-count"]).toBe("1");
  });
});

describe("messages, requests and replay", () => {
  it("logs the parsed body and the key, whichever header carries it", async () => {
    mock.enqueue({ text: "ok" });
    await client.messages.create({ ...params, system: "Be brief" });
    const request = mock.requests.at(-1)!;
    expect(request).toMatchObject({
      path: "/v1/messages",
      api: "anthropic-messages",
      apiKey: "test",
      body: { model: "claude-test", max_tokens: 100, system: "Be brief" },
    });
    // Recent SDK versions send the key as a bearer token rather than in x-api-key.
    expect(request.headers["x-api-key"] ?? request.headers.authorization?.replace("Bearer ", "")).toBe(
      "test",
    );
  });

  it("replays a raw SSE recording event for event", async () => {
    const file = "anthropic-messages/anthropic-sdk-python__tool_use_response.txt";
    mock.enqueue({ replay: fixturePath(file), delayMs: 1 });
    const { items, error } = await drain(await client.messages.create({ ...params, stream: true }));
    expect(error).toBeUndefined();
    // The SDK drops `ping` events before they reach the caller.
    const expected = recordedPayloads(file).filter((event) => (event as { type: string }).type !== "ping");
    expect(items).toEqual(expected);
  });

  it("replays a chunks recording with each chunk's type as the event name", async () => {
    const file = "anthropic-messages/vercel-ai__anthropic__anthropic-refusal.chunks.txt";
    mock.enqueue({ replay: fixturePath(file) });
    const message = await client.messages.stream(params).finalMessage();
    expect(message.stop_reason).toBe("refusal");
    expect(message.stop_details?.category).toBe("cyber");
  });
});
