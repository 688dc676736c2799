// Errors a provider sends inside a stream that started well, through the real SDKs: each keeps the
// status its error type stands for, its type and its body, and is retried only if that status may heal.

import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instructor, ProviderError } from "../../src/index.js";
import { type MockProvider, type MockScript, startMockProvider } from "../../src/testing/index.js";
import { MeetingInfo, meetingAnswer, meetingJson } from "../helpers/meeting.js";

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});

const STREAMS = new URL("../fixtures/streams/", import.meta.url);
const recording = (file: string) => readFileSync(new URL(file, STREAMS), "utf8");

type Client = "openai" | "responses" | "anthropic" | "gemini";
const fast = { retryDelay: { baseMs: 1, maxMs: 5 } };
const good: MockScript = { text: meetingJson, chunks: 40 };

function call(client: Client, maxRetries = 2) {
  const settings = { ...fast, maxRetries };
  if (client === "openai" || client === "responses") {
    const openai = instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
      ...settings,
      mode: client === "openai" ? "json" : "json_schema",
    });
    return client === "openai"
      ? openai.chat.completions.create({
          model: "gpt-4o",
          messages: [{ role: "user", content: "x" }],
          response_model: MeetingInfo,
          stream: true,
        })
      : openai.responses.create({ model: "gpt-4o", input: "x", response_model: MeetingInfo, stream: true });
  }
  if (client === "anthropic") {
    return instructor(new Anthropic({ apiKey: "t", baseURL: mock.url }), {
      ...settings,
      mode: "json",
    }).messages.create({
      model: "claude",
      max_tokens: 1024,
      messages: [{ role: "user", content: "x" }],
      response_model: MeetingInfo,
      stream: true,
    });
  }
  return instructor(new GoogleGenAI({ apiKey: "t", httpOptions: { baseUrl: mock.url } }), {
    ...settings,
    // A text mode reads past prose, so a recorded stream's text is not a JSON error first.
    mode: "json",
  }).models.generateContentStream({ model: "gemini-2.5-flash", contents: "x", response_model: MeetingInfo });
}

/** Runs the call and returns how it ended and how many requests it made. */
async function run(client: Client, scripts: MockScript[], maxRetries = 2) {
  // A queue of this call's own, so that a script a call does not use never reaches the next one.
  const queue = [...scripts];
  mock.setHandler(() => queue.shift());
  const before = mock.requests.length;
  const stream = call(client, maxRetries);
  const outcome = await stream.final.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, requests: mock.requests.length - before };
}

const clients: Client[] = ["openai", "responses", "anthropic", "gemini"];

/** The error type each provider writes for a 400. */
const INVALID_TYPE: Record<Client, string> = {
  openai: "invalid_request_error",
  responses: "invalid_request_error",
  anthropic: "invalid_request_error",
  gemini: "INVALID_ARGUMENT",
};

describe.each(clients)("%s, an error event inside the stream", (client) => {
  it("that stands for a bad request is not retried, and keeps its status, type and body", async () => {
    const { error, requests } = await run(client, [
      { ...good, fault: { errorEventAfter: 2, status: 400, message: "Bad schema" } },
      good,
    ]);
    expect(requests).toBe(1);
    expect(error).toBeInstanceOf(ProviderError);
    const failure = error as ProviderError;
    expect(failure.status).toBe(400);
    expect(failure.type).toBe(INVALID_TYPE[client]);
    expect(failure.retryable).toBe(false);
    expect(failure.message).toContain("Bad schema");
    expect(JSON.stringify(failure.body)).toContain("Bad schema");
  });

  it("that stands for an overload or a server error is retried", async () => {
    const { value, error, requests } = await run(client, [{ ...good, fault: { errorEventAfter: 2 } }, good]);
    expect(error).toBeUndefined();
    expect(value).toEqual(meetingAnswer);
    expect(requests).toBe(2);
  });

  it("that stands for a server error keeps its status and type when no retry is left", async () => {
    const { error } = await run(client, [{ ...good, fault: { errorEventAfter: 2, status: 503 } }], 0);
    const failure = error as ProviderError;
    expect(failure).toBeInstanceOf(ProviderError);
    // Anthropic writes a 503 as `overloaded_error`, which it documents as 529; OpenAI's format writes
    // every server error as `server_error`, a 500. Only Google's carries the number itself.
    const expected: Record<Client, number> = { openai: 500, responses: 500, anthropic: 529, gemini: 503 };
    expect(failure.status).toBe(expected[client]);
    expect(failure.retryable).toBe(true);
    expect(failure.type).toBeTypeOf("string");
    expect(failure.body).toBeDefined();
  });
});

describe("anthropic error types", () => {
  it.each([
    ["invalid_request_error", 400, 1],
    ["authentication_error", 401, 1],
    ["permission_error", 403, 1],
    ["not_found_error", 404, 1],
    ["request_too_large", 413, 1],
    ["rate_limit_error", 429, 2],
    ["api_error", 500, 2],
    ["overloaded_error", 529, 2],
  ])("%s stands for %i (%i request(s) with one retry)", async (type, status, requests) => {
    // Anthropic's documented `event: error` shape, after the start of a message.
    const replay = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}\n\n',
      `event: error\ndata: {"type":"error","error":{"type":"${type}","message":"It failed"}}\n\n`,
    ].join("");
    const result = await run("anthropic", [{ replay }, good], 1);
    expect(result.requests).toBe(requests);
    if (requests === 1) {
      const failure = result.error as ProviderError;
      expect(failure).toBeInstanceOf(ProviderError);
      expect(failure.status).toBe(status);
      expect(failure.type).toBe(type);
      expect(failure.message).toBe("It failed");
      expect(failure.body).toEqual({ type: "error", error: { type, message: "It failed" } });
    } else {
      expect(result.value).toEqual(meetingAnswer);
    }
  });
});

describe("OpenAI-compatible servers' error chunks", () => {
  // The first chunks of a recorded Groq stream, then the error chunk Groq sends when the model's
  // tool call fails to parse (no recording of one is available; this is its documented shape).
  const groqStart = recording("openai-chat-compatible/vercel-ai__groq__groq-tool-call.chunks.txt")
    .split("\n")
    .slice(0, 2)
    .join("\n");
  const groqError = {
    error: {
      message: "Failed to call a function. Please adjust your prompt.",
      type: "invalid_request_error",
      code: "tool_use_failed",
      failed_generation: '{"name": "extract"',
    },
  };

  it("Groq's invalid_request_error is a 400: not retried, with its type and body", async () => {
    const replay = `${groqStart}\n${JSON.stringify(groqError)}\n`;
    const { error, requests } = await run("openai", [{ replay, format: "chunks" }, good]);
    expect(requests).toBe(1);
    const failure = error as ProviderError;
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure.status).toBe(400);
    expect(failure.type).toBe("invalid_request_error");
    expect(failure.body).toEqual(groqError.error);
    expect(failure.message).toBe(groqError.error.message);
    expect(failure.retryable).toBe(false);
  });

  // OpenRouter's documented mid-stream error: a whole chunk with `error.code` as the HTTP status and
  // its choice finishing with "error".
  const openRouterChunk = (code: number) => ({
    id: "gen-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "openai/gpt-4o",
    provider: "OpenAI",
    error: { code, message: "Provider returned error" },
    choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }],
  });

  it("OpenRouter's 502 is retried", async () => {
    const replay = `${JSON.stringify(openRouterChunk(502))}\n`;
    const { value, requests } = await run("openai", [{ replay, format: "chunks" }, good]);
    expect(requests).toBe(2);
    expect(value).toEqual(meetingAnswer);
  });

  it("OpenRouter's 400 is not, and keeps the status it gave", async () => {
    const replay = `${JSON.stringify(openRouterChunk(400))}\n`;
    const { error, requests } = await run("openai", [{ replay, format: "chunks" }, good]);
    expect(requests).toBe(1);
    expect((error as ProviderError).status).toBe(400);
    expect((error as ProviderError).body).toEqual({ code: 400, message: "Provider returned error" });
  });
});

describe("recorded in-stream errors", () => {
  it("a recorded Responses quota error is a 429 with its type and body", async () => {
    const replay = recording("openai-responses/vercel-ai__openai__openai-error.1.chunks.txt");
    const { error, requests } = await run("responses", [{ replay }], 0);
    expect(requests).toBe(1);
    const failure = error as ProviderError;
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure.status).toBe(429);
    expect(failure.type).toBe("insufficient_quota");
    expect(failure.message).toMatch(/^You exceeded your current quota/);
    expect(failure.body).toMatchObject({ type: "insufficient_quota", code: "insufficient_quota" });
  });

  it("a recorded Gemini stream cancelled part-way keeps the code and status Google sent", async () => {
    const replay = recording(
      "google-gemini/vertexai-sdk-test-data__vertexai__streaming-failure-error-mid-stream.txt",
    );
    const { error, requests } = await run("gemini", [{ replay, delayMs: 5 }, good]);
    const failure = error as ProviderError;
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure.status).toBe(499);
    expect(failure.type).toBe("CANCELLED");
    expect(failure.message).toBe("The operation was cancelled.");
    expect(failure.body).toMatchObject({ error: { code: 499, status: "CANCELLED" } });
    // 499 is a 4xx: by the one retry rule it is not retried.
    expect(requests).toBe(1);
  });
});
