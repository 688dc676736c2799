// Every provider × mode through its real SDK against the mock server: the request the SDK sends
// carries what the mode needs, and the streamed and non-streamed results are the validated object.

import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { Iterable, instructor, type Mode } from "../../src/index.js";
import { type MockProvider, type Script, startMockProvider } from "../../src/testing/index.js";
import { MeetingInfo, meetingAnswer, meetingJson, User } from "../helpers/meeting.js";

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});

const openai = () => new OpenAI({ apiKey: "test", baseURL: `${mock.url}/v1` });
const anthropic = () => new Anthropic({ apiKey: "test", baseURL: mock.url });
const gemini = () => new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: mock.url } });

/** What the mock model answers in a mode: a tool call, or text (fenced, with prose, for md_json). */
function answer(mode: Mode, json = meetingJson, name = "Response"): Script {
  if (mode === "tools") return { toolCalls: [{ name, arguments: json }], chunks: [1, 3, 5, 2] };
  if (mode === "md_json")
    return { text: `Here is the extraction:\n\`\`\`json\n${json}\n\`\`\`\nAnything else?`, chunks: 3 };
  return { text: json, chunks: [2, 4, 7] };
}

type Call = (mode: Mode, stream: boolean) => unknown;

const calls: Record<
  string,
  { modes: Mode[]; call: Call; body: (mode: Mode) => (b: Record<string, unknown>) => void }
> = {
  "OpenAI chat": {
    modes: ["tools", "json_schema", "json", "md_json"],
    call: (mode, stream) =>
      instructor(openai(), { mode }).chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "Extract the meeting." }],
        response_model: MeetingInfo,
        stream,
      } as never),
    body: (mode) => (b) => {
      expect(b.stream).toBe(true);
      if (mode === "tools") {
        expect(b.tool_choice).toEqual({ type: "function", function: { name: "Response" } });
        expect(
          (b.tools as { function: { parameters: unknown; strict: boolean } }[])[0]!.function.strict,
        ).toBe(true);
      }
      if (mode === "json_schema") expect((b.response_format as { type: string }).type).toBe("json_schema");
      if (mode === "json") expect(b.response_format).toEqual({ type: "json_object" });
      if (mode === "json" || mode === "md_json") {
        expect(JSON.stringify((b.messages as { content: string }[])[0])).toContain("JSON Schema");
      }
    },
  },
  "OpenAI Responses": {
    modes: ["json_schema", "tools"],
    call: (mode, stream) =>
      instructor(openai(), { mode }).responses.create({
        model: "gpt-4o",
        input: "Extract the meeting.",
        response_model: MeetingInfo,
        stream,
      } as never),
    body: (mode) => (b) => {
      if (mode === "tools") expect(b.tool_choice).toEqual({ type: "function", name: "Response" });
      else expect((b.text as { format: { type: string } }).format.type).toBe("json_schema");
    },
  },
  Anthropic: {
    modes: ["tools", "json", "md_json"],
    call: (mode, stream) =>
      instructor(anthropic(), { mode }).messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 2048,
        messages: [{ role: "user", content: "Extract the meeting." }],
        response_model: MeetingInfo,
        stream,
      } as never),
    body: (mode) => (b) => {
      if (mode === "tools") expect(b.tool_choice).toEqual({ type: "tool", name: "Response" });
      else expect(String(b.system)).toContain("JSON Schema");
    },
  },
  Gemini: {
    modes: ["json_schema", "tools", "json", "md_json"],
    call: (mode, stream) => {
      const client = instructor(gemini(), { mode });
      const params = {
        model: "gemini-2.5-flash",
        contents: "Extract the meeting.",
        response_model: MeetingInfo,
      };
      return stream ? client.models.generateContentStream(params) : client.models.generateContent(params);
    },
    body: (mode) => (b) => {
      const config = JSON.stringify(b);
      if (mode === "json_schema") expect(config).toContain("responseJsonSchema");
      if (mode === "tools") expect(config).toContain('"mode":"ANY"');
    },
  },
};

describe.each(Object.entries(calls))("%s", (name, { modes, call, body }) => {
  describe.each(modes)("mode %s", (mode) => {
    it("streams partials and ends with the validated object", async () => {
      mock.enqueue(answer(mode));
      const stream = call(mode, true) as AsyncIterable<{ budget?: number }> & { final: Promise<unknown> };
      const budgets = new Set<number | undefined>();
      let partials = 0;
      for await (const partial of stream) {
        partials++;
        budgets.add(partial.budget);
      }
      expect(await stream.final).toEqual(meetingAnswer);
      // Before Gemini 3, a Gemini function call arrives whole, in one chunk.
      expect(partials).toBeGreaterThan(name === "Gemini" && mode === "tools" ? 0 : 5);
      expect([...budgets].filter((b) => b !== undefined)).toEqual([48500]);
      body(mode)(mock.requests.at(-1)!.body as Record<string, unknown>);
    });

    it("returns the validated object without stream", async () => {
      mock.enqueue(answer(mode));
      expect(await (call(mode, false) as Promise<unknown>)).toEqual(MeetingInfo.parse(meetingAnswer));
    });
  });
});

describe("through every SDK", () => {
  it("leaves calls without a response_model to the SDK", async () => {
    mock.enqueue({ text: "plain" });
    const completion = await instructor(openai()).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.choices[0]!.message.content).toBe("plain");
  });

  it("streams Gemini 3 partialArgs into the same partial tree", async () => {
    mock.enqueue({ ...answer("tools"), geminiPartialArgs: true });
    const stream = instructor(gemini(), { mode: "tools" }).models.generateContentStream({
      model: "gemini-3-pro-preview",
      contents: "Extract the meeting.",
      response_model: MeetingInfo,
    });
    const names = new Set<string>();
    for await (const partial of stream)
      for (const user of partial.users ?? []) if (user.name) names.add(user.name);
    expect(await stream.final).toEqual(meetingAnswer);
    expect([...names].some((n) => n.length < "Priya Raman".length)).toBe(true);
  });

  it("streams the elements of an Iterable through a forced tool", async () => {
    mock.enqueue({
      toolCalls: [{ name: "Users", arguments: JSON.stringify({ items: meetingAnswer.users }) }],
      chunks: 5,
    });
    const stream = instructor(openai()).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "List the participants." }],
      response_model: { schema: Iterable(User), name: "Users" },
      stream: true,
    });
    const seen: z.output<typeof User>[] = [];
    for await (const user of stream.elements) seen.push(user);
    expect(seen).toEqual(meetingAnswer.users);
    expect(await stream.final).toEqual(meetingAnswer.users);
  });

  it("sends the name and description of a response model", async () => {
    mock.enqueue(answer("tools", meetingJson, "MeetingInfo"));
    await instructor(anthropic()).messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 2048,
      messages: [{ role: "user", content: "x" }],
      response_model: {
        schema: MeetingInfo,
        name: "MeetingInfo",
        description: "A meeting and who attends it.",
      },
    });
    const tools = (mock.requests.at(-1)!.body as { tools: { name: string; description: string }[] }).tools;
    expect(tools[0]).toMatchObject({ name: "MeetingInfo", description: "A meeting and who attends it." });
  });

  it("reports token usage and the finish reason", async () => {
    mock.enqueue({ ...answer("json"), usage: { inputTokens: 111, outputTokens: 222 } });
    const stream = instructor(openai(), { mode: "json" }).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "x" }],
      response_model: MeetingInfo,
      stream: true,
    });
    await stream.final;
    expect(stream.usage).toEqual({
      inputTokens: 111,
      outputTokens: 222,
      totalTokens: 333,
      cacheReadTokens: 0,
    });
    expect(stream.finishReason).toBe("stop");
  });

  it("rejects a mode the provider does not have", () => {
    expect(() =>
      instructor(openai(), { mode: "md_json" }).responses.create({
        model: "m",
        input: "x",
        response_model: MeetingInfo,
      }),
    ).toThrow(/not available/);
  });
});

describe("parallel tool calls", () => {
  const users = meetingAnswer.users;
  const toolCalls = users.map((u) => ({ name: "User", arguments: JSON.stringify(u) }));

  it.each([
    [
      "OpenAI chat",
      () =>
        instructor(openai(), { mode: "parallel_tools" }).chat.completions.create({
          model: "gpt-4o",
          messages: [],
          response_model: { schema: Iterable(User), name: "User" },
          stream: true,
        }),
    ],
    [
      "OpenAI Responses",
      () =>
        instructor(openai(), { mode: "parallel_tools" }).responses.create({
          model: "gpt-4o",
          input: "x",
          response_model: { schema: Iterable(User), name: "User" },
          stream: true,
        }),
    ],
    [
      "Anthropic",
      () =>
        instructor(anthropic(), { mode: "parallel_tools" }).messages.create({
          model: "claude",
          max_tokens: 1024,
          messages: [],
          response_model: { schema: Iterable(User), name: "User" },
          stream: true,
        }),
    ],
    [
      "Gemini",
      () =>
        instructor(gemini(), { mode: "parallel_tools" }).models.generateContentStream({
          model: "gemini-2.5-flash",
          contents: "x",
          response_model: { schema: Iterable(User), name: "User" },
        }),
    ],
  ])("%s: each call is one element, in order", async (_name, start) => {
    mock.enqueue({ toolCalls, chunks: 3 });
    const stream = start();
    const seen: unknown[] = [];
    for await (const user of stream.elements) seen.push(user);
    expect(seen).toEqual(users);
    expect(await stream.final).toEqual(users);
    const body = JSON.stringify(mock.requests.at(-1)!.body);
    expect(body).toContain('"name":"User"');
    expect(body).not.toContain('"items"');
  });

  it("demultiplexes tens of thousands of interleaved calls in linear time, in order", async () => {
    // Quadratic demultiplexing took half a minute here; most of what remains is the SDK reading events.
    const calls = 30_000;
    const chunk = (toolCalls: unknown[], finish: string | null = null) =>
      JSON.stringify({
        id: "c",
        object: "chat.completion.chunk",
        created: 0,
        model: "gpt-4o",
        choices: [{ index: 0, delta: { tool_calls: toolCalls }, finish_reason: finish }],
      });
    const lines: string[] = [];
    // Every call opens before any closes, so each one waits behind all the calls before it.
    for (let i = 0; i < calls; i++) {
      lines.push(
        chunk([{ index: i, id: `call_${i}`, type: "function", function: { name: "N", arguments: '{"n":' } }]),
      );
    }
    for (let i = 0; i < calls; i++) lines.push(chunk([{ index: i, function: { arguments: `${i}}` } }]));
    lines.push(chunk([], "tool_calls"));
    mock.enqueue({ replay: lines.join("\n"), format: "chunks" });
    const started = performance.now();
    const stream = instructor(openai(), { mode: "parallel_tools" }).chat.completions.create({
      model: "gpt-4o",
      messages: [],
      response_model: { schema: Iterable(z.object({ n: z.number() })), name: "N" },
      stream: true,
    });
    const items = await stream.final;
    const elapsed = performance.now() - started;
    expect(items.length).toBe(calls);
    expect(items.every((item, i) => item.n === i)).toBe(true);
    expect(elapsed).toBeLessThan(10_000);
  }, 60_000);

  it("needs an Iterable response model", () => {
    expect(() =>
      instructor(openai(), { mode: "parallel_tools" }).chat.completions.create({
        model: "m",
        messages: [],
        response_model: MeetingInfo,
      }),
    ).toThrow(/Iterable/);
  });
});
