// The mock server itself: routing and errors, keys, how a script is chosen, exact framing on the wire,
// chunking and pacing, recording and replaying, and a shutdown that never leaves a test hanging.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type MockProvider, record, startMockProvider } from "../../src/testing/index.js";
import { anthropic, drain, google, openai, TEXT, TOOL } from "./support.js";

let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(() => mock.close());
afterEach(() => mock.setHandler(undefined));

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const chat = { model: "m", messages: [{ role: "user" as const, content: "Hi" }] };

describe("routes and errors", () => {
  it("listens on 127.0.0.1 on a free port", () => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.port).toBeGreaterThan(0);
  });

  it("answers an unknown route with a 404 JSON error, and logs it", async () => {
    const response = await post("/v2/nothing", {});
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { message: "No mock route for POST /v2/nothing" } });
    expect((await fetch(`${mock.url}/v1/chat/completions`)).status).toBe(404);
    expect(mock.requests.at(-2)).toMatchObject({ path: "/v2/nothing", api: undefined });
  });

  it("answers a body that is not JSON with 400 in the route's error format", async () => {
    const response = await post("/v1/messages", "{oops");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error" },
    });
    expect(mock.requests.at(-1)?.body).toBe("{oops");
  });

  it("answers 500 with a clear message when no script is left", async () => {
    const error = await openai(mock)
      .chat.completions.create({ model: "m", messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain("no script for POST /v1/chat/completions");
  });

  it("sends a custom error body and status as given", async () => {
    mock.enqueue({ fault: { status: 400, body: { error: { message: "custom", code: "bad" } } } });
    const response = await post("/v1/chat/completions", chat);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { message: "custom", code: "bad" } });
  });
});

describe("API keys", () => {
  it("refuses a missing key with 401 in each provider's format", async () => {
    const strict = await startMockProvider({ requireKey: true, defaultScript: { text: "ok" } });
    try {
      const at = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${strict.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(chat),
        });
      const openaiError = await at("/v1/chat/completions");
      expect(openaiError.status).toBe(401);
      expect(await openaiError.json()).toMatchObject({ error: { code: "invalid_api_key" } });
      expect(await (await at("/v1/messages")).json()).toMatchObject({
        error: { type: "authentication_error" },
      });
      expect(await (await at("/v1beta/models/g:generateContent")).json()).toMatchObject({
        error: { code: 401, status: "UNAUTHENTICATED" },
      });
      expect((await at("/v1/messages", { "x-api-key": "k" })).status).toBe(200);
      expect((await at("/v1beta/models/g:generateContent?key=k")).status).toBe(200);
      const reply = await anthropic(strict).messages.create({
        model: "c",
        max_tokens: 5,
        messages: [{ role: "user", content: "Hi" }],
      });
      expect(reply.content).toEqual([{ type: "text", text: "ok" }]);
    } finally {
      await strict.close();
    }
  });

  it("refuses a key other than the required one", async () => {
    const strict = await startMockProvider({ requireKey: "secret", defaultScript: { text: "ok" } });
    try {
      const error = await openai(strict)
        .chat.completions.create({ model: "m", messages: [] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      const ok = new OpenAI({ apiKey: "secret", baseURL: `${strict.url}/v1`, maxRetries: 0 });
      expect(
        (await ok.chat.completions.create({ model: "m", messages: [] })).choices[0]?.message.content,
      ).toBe("ok");
    } finally {
      await strict.close();
    }
  });
});

describe("choosing a script", () => {
  it("takes queued scripts first, then the handler, then the default", async () => {
    const local = await startMockProvider({ defaultScript: { text: "default" } });
    try {
      const client = openai(local);
      const ask = async (content: string) =>
        (await client.chat.completions.create({ model: "m", messages: [{ role: "user", content }] }))
          .choices[0]?.message.content;
      local.setHandler((request) => {
        const body = request.body as { messages: { content: string }[] };
        const said = body.messages[0]?.content ?? "";
        return said.startsWith("echo ") ? { text: said.slice(5) } : undefined;
      });
      local.enqueue({ text: "queued 1" }, { text: "queued 2" });
      expect(await ask("echo a")).toBe("queued 1");
      expect(await ask("echo b")).toBe("queued 2");
      expect(await ask("echo c")).toBe("c");
      expect(await ask("other")).toBe("default");
      local.setHandler(async () => ({ text: "async" }));
      expect(await ask("x")).toBe("async");
      expect(local.requests).toHaveLength(5);
    } finally {
      await local.close();
    }
  });

  it("answers 500 in the provider's format when the handler throws", async () => {
    mock.setHandler(() => {
      throw new Error("handler bug");
    });
    const response = await post("/v1beta/models/g:generateContent", {});
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      error: { code: 500, status: "INTERNAL", message: expect.stringContaining("handler bug") },
    });
  });

  it("reports the request's model unless the script names one", async () => {
    mock.enqueue({ text: "a" }, { text: "b", model: "scripted" });
    const client = openai(mock);
    expect((await client.chat.completions.create({ model: "asked", messages: [] })).model).toBe("asked");
    expect((await client.chat.completions.create({ model: "asked", messages: [] })).model).toBe("scripted");
  });
});

describe("on the wire", () => {
  async function events(response: Response) {
    const text = await response.text();
    return { text, blocks: text.split(/\r?\n\r?\n/).filter((block) => block !== "") };
  }

  it("names every Anthropic and Responses event after its type", async () => {
    for (const [path, body] of [
      ["/v1/messages", { ...chat, max_tokens: 5, stream: true }],
      ["/v1/responses", { model: "m", input: "Hi", stream: true }],
    ] as const) {
      mock.enqueue({ text: "hi", toolCalls: [TOOL] });
      const response = await post(path, body);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const { blocks } = await events(response);
      for (const block of blocks) {
        const [event, data] = block.split("\n");
        expect(event?.startsWith("event: ")).toBe(true);
        expect(JSON.parse(data!.slice(6)).type).toBe(event!.slice(7));
      }
    }
  });

  it("ends chat completions with data: [DONE] and frames Gemini with CRLF", async () => {
    mock.enqueue({ text: "hi" }, { text: "hi" });
    const chatText = (await events(await post("/v1/chat/completions", { ...chat, stream: true }))).text;
    expect(chatText.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(chatText).not.toContain("event:");
    const geminiText = (await events(await post("/v1beta/models/g:streamGenerateContent?alt=sse", {}))).text;
    expect(geminiText.startsWith("data: {")).toBe(true);
    expect(geminiText.endsWith("\r\n\r\n")).toBe(true);
  });

  it("streams a JSON array from Gemini when alt=sse is not asked for", async () => {
    mock.enqueue({ text: "abcdef", chunks: 2 });
    const response = await post("/v1beta/models/g:streamGenerateContent", {});
    expect(response.headers.get("content-type")).toContain("application/json");
    const chunks = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(chunks.map((chunk) => chunk.candidates[0]?.content.parts[0]?.text)).toEqual(["ab", "cd", "ef"]);
  });

  it("cuts the body after exactly dropAfterBytes bytes", async () => {
    mock.enqueue({ text: TEXT, fault: { dropAfterBytes: 123 } });
    const response = await post("/v1/chat/completions", { ...chat, stream: true });
    const reader = response.body!.getReader();
    let received = 0;
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received += value.length;
      }
    })().catch((e: unknown) => e);
    expect(received).toBe(123);
    expect(error).toBeInstanceOf(Error);
  });

  it("ends the body cleanly at the last whole event with a clean drop", async () => {
    mock.enqueue({ text: TEXT, fault: { dropAfterBytes: 500, clean: true } });
    const response = await post("/v1/chat/completions", { ...chat, stream: true });
    const body = await response.text();
    expect(body.length).toBeGreaterThan(0);
    expect(body.length).toBeLessThanOrEqual(500);
    expect(body.endsWith("\n\n")).toBe(true);
    expect(body).not.toContain("[DONE]");
    expect(body).not.toContain('finish_reason":"stop');
    mock.enqueue({ text: TEXT, fault: { dropAfterBytes: 10, clean: true } });
    const whole = await post("/v1/chat/completions", chat);
    expect(await whole.text()).toHaveLength(10);
  });

  it("cuts a whole (non-streamed) body too", async () => {
    mock.enqueue({ text: TEXT, fault: { dropAfterBytes: 10 } });
    const error = await openai(mock)
      .chat.completions.create(chat as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
  });
});

describe("chunking and pacing", () => {
  it("cuts by a size list in turn, or by a function", async () => {
    const client = openai(mock);
    const pieces = async () =>
      (await drain(await client.chat.completions.create({ ...chat, stream: true } as const))).items
        .map((chunk) => chunk.choices[0]?.delta.content)
        .filter((piece) => piece);
    mock.enqueue({ text: "abcdefghij", chunks: [1, 3] });
    expect(await pieces()).toEqual(["a", "bcd", "e", "fgh", "i", "j"]);
    mock.enqueue({ text: "one two three", chunks: (text) => text.split(/(?= )/) });
    expect(await pieces()).toEqual(["one", " two", " three"]);
    mock.enqueue({ text: "🎉🎉🎉", chunks: 1 });
    expect(await pieces()).toEqual(["🎉", "🎉", "🎉"]);
  });

  it("refuses a chunks function whose pieces do not join to the text", async () => {
    mock.enqueue({ text: "abc", chunks: () => ["x"] });
    const response = await post("/v1/chat/completions", chat);
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).toContain("do not join");
  });

  it("waits delayMs between events", async () => {
    mock.enqueue({ text: "abcdef", chunks: 2, delayMs: 30 });
    const started = Date.now();
    await drain(await openai(mock).chat.completions.create({ ...chat, stream: true } as const));
    // Three deltas plus the opening and finishing chunks and [DONE]: five gaps.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 30 - 5);
  });
});

describe("record and replay", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fieldstream-record-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("records an SDK stream to a file that replays to the same events", async () => {
    const client = anthropic(mock);
    const params = { model: "c", max_tokens: 5, messages: [{ role: "user" as const, content: "Hi" }] };
    const file = join(dir, "anthropic.chunks.txt");
    mock.enqueue({ text: TEXT, toolCalls: [TOOL] });
    const live = (await drain(record(await client.messages.create({ ...params, stream: true }), { file })))
      .items;
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(live.length);
    mock.enqueue({ replay: file });
    const replayed = (await drain(await client.messages.create({ ...params, stream: true }))).items;
    expect(replayed).toEqual(live);
  });

  it("collects into an array, leaving out SDK-only fields, and replays inline", async () => {
    const ai = google(mock);
    const chunks: unknown[] = [];
    mock.enqueue({ text: "abcdef", chunks: 2 });
    const live = (
      await drain(
        record(await ai.models.generateContentStream({ model: "g", contents: "Hi" }), { into: chunks }),
      )
    ).items;
    expect(chunks).toHaveLength(3);
    expect(chunks.every((chunk) => !("sdkHttpResponse" in (chunk as object)))).toBe(true);
    mock.enqueue({ replay: chunks.map((chunk) => JSON.stringify(chunk)).join("\n"), format: "chunks" });
    const replayed = (await drain(await ai.models.generateContentStream({ model: "g", contents: "Hi" })))
      .items;
    expect(replayed.map((chunk) => chunk.candidates)).toEqual(live.map((chunk) => chunk.candidates));
  });

  it("writes what it has when the consumer stops early", async () => {
    const file = join(dir, "partial.chunks.txt");
    mock.enqueue({ text: TEXT, chunks: 1 });
    const stream = await openai(mock).chat.completions.create({ ...chat, stream: true } as const);
    let seen = 0;
    for await (const _ of record(stream, { file })) {
      seen += 1;
      if (seen === 3) break;
    }
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(3);
  });

  it("puts a fault into a replay like into a script", async () => {
    mock.enqueue({
      replay: 'data: {"a":1}\n\ndata: {"a":2}\n\ndata: {"a":3}\n\n',
      fault: { errorEventAfter: 2 },
    });
    const text = await (await post("/v1/chat/completions", { ...chat, stream: true })).text();
    const lines = text.split("\n\n").filter((line) => line !== "");
    expect(lines.slice(0, 2)).toEqual(['data: {"a":1}', 'data: {"a":2}']);
    expect(JSON.parse(lines[2]!.slice(6))).toMatchObject({ error: { type: "server_error" } });
    expect(lines).toHaveLength(3);
  });
});

describe("lifecycle", () => {
  it("survives clients that go away mid-stream", async () => {
    const client = openai(mock);
    for (let i = 0; i < 3; i++) {
      mock.enqueue({ text: TEXT, chunks: 1, delayMs: 5 });
      const controller = new AbortController();
      const stream = await client.chat.completions.create({ ...chat, stream: true } as const, {
        signal: controller.signal,
      });
      for await (const _ of stream) {
        controller.abort();
      }
    }
    mock.enqueue({ text: "still here" });
    const reply = await client.chat.completions.create(chat as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(reply.choices[0]?.message.content).toBe("still here");
  });

  it("closes promptly with stalled streams and idle keep-alive connections open", async () => {
    const local = await startMockProvider({ defaultScript: { text: TEXT, fault: { stallAfter: 1 } } });
    const client = openai(local);
    const streams = await Promise.all(
      [1, 2, 3].map(() => client.chat.completions.create({ ...chat, stream: true } as const)),
    );
    const drained = streams.map((stream) => drain(stream));
    const started = Date.now();
    await local.close();
    await local.close();
    expect(Date.now() - started).toBeLessThan(1000);
    for (const { error, items } of await Promise.all(drained)) {
      expect(items.length).toBeGreaterThan(0);
      expect(error).toBeInstanceOf(Error);
    }
    await expect(fetch(`${local.url}/v1/chat/completions`, { method: "POST" })).rejects.toThrow();
  });
});
