// The mock's Responses route driven by the real `openai` SDK, whose stream helper checks event order,
// output indexes and item identities strictly: answers reassemble, faults surface, recordings replay.
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

const params = { model: "gpt-test", input: "Hi" };

interface Case {
  readonly name: string;
  readonly script: Script;
  readonly text: string;
  readonly refusal: string | undefined;
  readonly calls: readonly { name: string; arguments: string }[];
  readonly status: string;
  readonly incomplete: string | undefined;
}

const CASES: readonly Case[] = [
  {
    name: "text",
    script: { text: TEXT },
    text: TEXT,
    refusal: undefined,
    calls: [],
    status: "completed",
    incomplete: undefined,
  },
  {
    name: "tool call",
    script: { toolCalls: [TOOL, { name: "noop", arguments: "{}" }] },
    text: "",
    refusal: undefined,
    calls: [TOOL, { name: "noop", arguments: "{}" }],
    status: "completed",
    incomplete: undefined,
  },
  {
    name: "refusal",
    script: { refusal: REFUSAL },
    text: "",
    refusal: REFUSAL,
    calls: [],
    status: "completed",
    incomplete: undefined,
  },
  {
    name: "length",
    script: { text: TRUNCATED, finishReason: "length" },
    text: TRUNCATED,
    refusal: undefined,
    calls: [],
    status: "incomplete",
    incomplete: "max_output_tokens",
  },
];

function check(response: OpenAI.Responses.Response, c: Case) {
  expect(response.status).toBe(c.status);
  expect(response.incomplete_details?.reason).toBe(c.incomplete);
  expect(response.output_text).toBe(c.text);
  const calls = response.output.flatMap((item) =>
    item.type === "function_call" ? [{ name: item.name, arguments: item.arguments }] : [],
  );
  expect(calls).toEqual(c.calls);
  const refusals = response.output.flatMap((item) =>
    item.type === "message"
      ? item.content.flatMap((part) => (part.type === "refusal" ? [part.refusal] : []))
      : [],
  );
  expect(refusals).toEqual(c.refusal === undefined ? [] : [c.refusal]);
  expect(response.usage).toMatchObject({ input_tokens: 11, output_tokens: 22, total_tokens: 33 });
  expect(response.model).toBe("gpt-test");
}

describe("responses, streamed", () => {
  for (const c of CASES) {
    it(`reassembles ${c.name}`, async () => {
      mock.enqueue({ ...c.script, chunks: 3, usage: USAGE });
      const stream = client.responses.stream(params);
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      stream.on("event", (event) => events.push(event));
      check(await stream.finalResponse(), c);
      expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
      expect(events[0]?.type).toBe("response.created");
      expect(events.at(-1)?.type).toBe(
        c.status === "completed" ? "response.completed" : "response.incomplete",
      );
    });
  }

  it("streams text, refusal and argument deltas with their item and content indexes", async () => {
    mock.enqueue({ text: "ab", refusal: "no", toolCalls: [TOOL], chunks: 1 });
    const { items } = await drain(await client.responses.create({ ...params, stream: true }));
    const deltas = items.flatMap((event) =>
      event.type === "response.output_text.delta" ||
      event.type === "response.refusal.delta" ||
      event.type === "response.function_call_arguments.delta"
        ? [
            [
              event.type.split(".")[1],
              event.output_index,
              "content_index" in event ? event.content_index : -1,
            ],
          ]
        : [],
    );
    expect(deltas.slice(0, 4)).toEqual([
      ["output_text", 0, 0],
      ["output_text", 0, 0],
      ["refusal", 0, 1],
      ["refusal", 0, 1],
    ]);
    expect(
      deltas.slice(4).every(([kind, output]) => kind === "function_call_arguments" && output === 1),
    ).toBe(true);
    expect(items.some((event) => event.type === "response.function_call_arguments.done")).toBe(true);
  });
});

describe("responses, not streamed", () => {
  for (const c of CASES) {
    it(`returns ${c.name}`, async () => {
      mock.enqueue({ ...c.script, usage: USAGE });
      check(await client.responses.create(params), c);
    });
  }
});

describe("responses, faults", () => {
  it("answers 429 with retry-after as a RateLimitError", async () => {
    mock.enqueue({ text: "x", fault: { status: 429, retryAfter: 2 } });
    const error = await client.responses.create({ ...params, stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).headers?.get("retry-after")).toBe("2");
  });

  it("answers 503 as an APIError with that status", async () => {
    mock.enqueue({ text: "x", fault: { status: 503 } });
    const error = await client.responses.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).status).toBe(503);
  });

  it("reports the error event as an APIError, after n deltas", async () => {
    mock.enqueue({ text: TEXT, chunks: 4, fault: { errorEventAfter: 3, message: "model crashed" } });
    const { items, error } = await drain(await client.responses.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).message).toContain("model crashed");
    const text = items
      .map((event) => (event.type === "response.output_text.delta" ? event.delta : ""))
      .join("");
    expect(text).toBe(TEXT.slice(0, 12));
  });

  it("writes the error event's type and code for the status it is given", async () => {
    mock.enqueue({ text: TEXT, fault: { errorEventAfter: 1, status: 400 } });
    const { error } = await drain(await client.responses.create({ ...params, stream: true }));
    expect((error as APIError).type).toBe("invalid_request_error");
    expect((error as APIError).code).toBe("invalid_request_error");
  });

  it("drops the connection as a non-API error", async () => {
    mock.enqueue({ toolCalls: [TOOL], fault: { dropAfterBytes: 1500 } });
    const { items, error } = await drain(await client.responses.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OpenAI.APIError);
    expect(items.some((event) => event.type === "response.completed")).toBe(false);
  });

  it("lets an AbortController end a stalled stream", async () => {
    mock.enqueue({ text: TEXT, fault: { stallAfter: 0 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const stream = client.responses.stream(params, { signal: controller.signal });
    await expect(stream.finalResponse()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("responses, requests and replay", () => {
  it("logs the parsed body", async () => {
    mock.enqueue({ text: "ok" });
    await client.responses.create({ ...params, instructions: "Be brief", stream: true });
    expect(mock.requests.at(-1)).toMatchObject({
      path: "/v1/responses",
      api: "openai-responses",
      stream: true,
      body: { model: "gpt-test", input: "Hi", instructions: "Be brief", stream: true },
    });
  });

  it("replays a recorded chunks file as named events", async () => {
    const file = "openai-responses/vercel-ai__azure__azure-tool-call.1.chunks.txt";
    mock.enqueue({ replay: fixturePath(file) });
    const stream = client.responses.stream(params);
    const events: unknown[] = [];
    stream.on("event", (event) => events.push(event));
    const response = await stream.finalResponse();
    expect(response.output[0]).toMatchObject({ type: "function_call", name: "weather" });
    expect(JSON.parse(JSON.stringify(events))).toEqual(recordedPayloads(file));
  });

  it("replays a recorded error as the SDK's APIError", async () => {
    mock.enqueue({ replay: fixturePath("openai-responses/vercel-ai__openai__openai-error.1.chunks.txt") });
    const { error } = await drain(await client.responses.create({ ...params, stream: true }));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).message).toContain("exceeded your current quota");
  });
});
