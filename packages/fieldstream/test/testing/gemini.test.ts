// The mock's Gemini routes driven by the real `@google/genai` SDK: text and function-call parts,
// Gemini 3 `partialArgs` laid out exactly as recorded from the API, faults, and replayed recordings.
import { ApiError, type GenerateContentResponse, GoogleGenAI, type Part } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockProvider, type Script, startMockProvider } from "../../src/testing/index.js";
import {
  drain,
  fixturePath,
  google,
  REFUSAL,
  recordedPayloads,
  TEXT,
  TOOL,
  TRUNCATED,
  USAGE,
} from "./support.js";

let mock: MockProvider;
let ai: GoogleGenAI;

beforeAll(async () => {
  mock = await startMockProvider();
  ai = google(mock);
});
afterAll(() => mock.close());

const params = { model: "gemini-test", contents: "Hi" };

interface Case {
  readonly name: string;
  readonly script: Script;
  readonly text: string;
  readonly calls: readonly { name: string; args: unknown }[];
  readonly finish: string;
}

const CASES: readonly Case[] = [
  { name: "text", script: { text: TEXT }, text: TEXT, calls: [], finish: "STOP" },
  {
    name: "tool call",
    script: { toolCalls: [TOOL, { name: "noop", arguments: "{}" }] },
    text: "",
    calls: [
      { name: TOOL.name, args: JSON.parse(TOOL.arguments) },
      { name: "noop", args: {} },
    ],
    finish: "STOP",
  },
  { name: "refusal", script: { refusal: REFUSAL }, text: REFUSAL, calls: [], finish: "SAFETY" },
  {
    name: "length",
    script: { text: TRUNCATED, finishReason: "length" },
    text: TRUNCATED,
    calls: [],
    finish: "MAX_TOKENS",
  },
];

function partsOf(chunks: readonly GenerateContentResponse[]): Part[] {
  return chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
}

function check(chunks: readonly GenerateContentResponse[], c: Case) {
  const parts = partsOf(chunks);
  expect(parts.map((part) => part.text ?? "").join("")).toBe(c.text);
  const calls = parts.flatMap((part) =>
    part.functionCall ? [{ name: part.functionCall.name, args: part.functionCall.args }] : [],
  );
  expect(calls).toEqual(c.calls);
  const last = chunks.at(-1);
  expect(last?.candidates?.[0]?.finishReason).toBe(c.finish);
  expect(last?.usageMetadata).toMatchObject({
    promptTokenCount: 11,
    candidatesTokenCount: 22,
    totalTokenCount: 33,
  });
  expect(last?.modelVersion).toBe("gemini-test");
  expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(true);
}

describe("gemini, streamed", () => {
  for (const c of CASES) {
    it(`reassembles ${c.name}`, async () => {
      mock.enqueue({ ...c.script, chunks: 3, usage: USAGE });
      const { items, error } = await drain(await ai.models.generateContentStream(params));
      expect(error).toBeUndefined();
      check(items, c);
      expect(mock.requests.at(-1)).toMatchObject({
        // The SDK's default API version has moved between releases; both are served.
        path: expect.stringMatching(/^\/v1(beta)?\/models\/gemini-test:streamGenerateContent$/),
        query: { alt: "sse" },
        stream: true,
        apiKey: "test",
      });
    });
  }
});

describe("gemini, not streamed", () => {
  for (const c of CASES) {
    it(`returns ${c.name}`, async () => {
      mock.enqueue({ ...c.script, usage: USAGE });
      check([await ai.models.generateContent(params)], c);
      expect(mock.requests.at(-1)?.path).toMatch(/^\/v1(beta)?\/models\/gemini-test:generateContent$/);
    });
  }
});

type PartialArg = NonNullable<NonNullable<Part["functionCall"]>["partialArgs"]>[number];

/** Rebuilds arguments from `partialArgs` by concatenating string pieces per path (RFC 9535 subset). */
function rebuild(args: readonly PartialArg[]): unknown {
  const root: Record<string, unknown> = {};
  for (const arg of args) {
    const steps = [
      ...(arg.jsonPath ?? "").matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/g),
    ].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3]!.replace(/\\(.)/g, "$1"))));
    let node: Record<string | number, unknown> = root;
    steps.forEach((step, i) => {
      const next = steps[i + 1];
      if (next === undefined) {
        const value =
          arg.stringValue !== undefined
            ? `${(node[step] as string | undefined) ?? ""}${arg.stringValue}`
            : (arg.numberValue ?? arg.boolValue ?? (arg.nullValue !== undefined ? null : undefined));
        node[step] = value;
      } else {
        node[step] ??= typeof next === "number" ? [] : {};
        node = node[step] as Record<string | number, unknown>;
      }
    });
  }
  return root;
}

describe("gemini, API versions and Vertex AI paths", () => {
  it("serves v1beta", async () => {
    const beta = new GoogleGenAI({
      apiKey: "test",
      httpOptions: { baseUrl: mock.url, apiVersion: "v1beta" },
    });
    mock.enqueue({ text: "beta" });
    const response = await beta.models.generateContent(params);
    expect(response.candidates?.[0]?.content?.parts).toEqual([{ text: "beta" }]);
    expect(mock.requests.at(-1)?.path).toBe("/v1beta/models/gemini-test:generateContent");
  });

  it("serves the Vertex AI publisher path", async () => {
    const vertex = new GoogleGenAI({ vertexai: true, apiKey: "test", httpOptions: { baseUrl: mock.url } });
    mock.enqueue({ text: "vertex", chunks: 2 });
    const { items } = await drain(await vertex.models.generateContentStream(params));
    expect(
      partsOf(items)
        .map((part) => part.text)
        .join(""),
    ).toBe("vertex");
    expect(mock.requests.at(-1)?.path).toMatch(
      /publishers\/google\/models\/gemini-test:streamGenerateContent$/,
    );
  });
});

describe("gemini, streamed function-call arguments (partialArgs)", () => {
  it("streams name, argument pieces by path and a closing part; the pieces rebuild the arguments", async () => {
    const args =
      '{"city":"Paris","stay":{"nights":3,"rooms":[{"beds":2,"view":"sea side"}],"pets":false,"note":null}}';
    mock.enqueue({ toolCalls: [{ name: "book", arguments: args }], geminiPartialArgs: true, chunks: 3 });
    const { items } = await drain(await ai.models.generateContentStream(params));
    const calls = partsOf(items).map((part) => part.functionCall);
    expect(calls[0]).toEqual({ name: "book", willContinue: true });
    expect(calls.at(-1)).toEqual({});
    expect(items.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP");
    const partial = calls.flatMap((call) => call?.partialArgs ?? []);
    expect(calls.slice(1, -1).every((call) => call?.willContinue === true)).toBe(true);
    expect(rebuild(partial)).toEqual(JSON.parse(args));
    // Strings come in 3-character pieces marked willContinue, and end with an empty piece.
    expect(partial.filter((arg) => arg.jsonPath === "$.stay.rooms[0].view")).toEqual([
      { jsonPath: "$.stay.rooms[0].view", stringValue: "sea", willContinue: true },
      { jsonPath: "$.stay.rooms[0].view", stringValue: " si", willContinue: true },
      { jsonPath: "$.stay.rooms[0].view", stringValue: "de", willContinue: true },
      { jsonPath: "$.stay.rooms[0].view", stringValue: "" },
    ]);
    expect(partial.find((arg) => arg.jsonPath === "$.stay.nights")).toEqual({
      jsonPath: "$.stay.nights",
      numberValue: 3,
    });
    expect(partial.find((arg) => arg.jsonPath === "$.stay.note")).toEqual({
      jsonPath: "$.stay.note",
      nullValue: "NULL_VALUE",
    });
  });

  for (const file of [
    "google-gemini/vercel-ai__google__google-stream-tool-call-arguments.chunks.txt",
    "google-gemini/vercel-ai__google__google-vertex-stream-tool-call-arguments-nested.1.chunks.txt",
    "google-gemini/vercel-ai__google__google-stream-no-args-tool-call.chunks.txt",
  ]) {
    it(`lays the parts out as the recording ${file.split("__").at(-1)}`, async () => {
      type Recorded = { candidates: [{ content: { parts: { functionCall?: Record<string, unknown> }[] } }] };
      const recorded = (recordedPayloads(file) as Recorded[]).flatMap((chunk) =>
        chunk.candidates[0].content.parts.flatMap((part) => (part.functionCall ? [part.functionCall] : [])),
      );
      // Recover the calls and the recorded string pieces, then script the same calls and cuts.
      const calls: { name: string; arguments: string }[] = [];
      const pieces = new Map<string, string[]>();
      let current: PartialArg[] = [];
      let run: string[] = [];
      for (const call of recorded) {
        if (typeof call?.name === "string") {
          calls.push({ name: call.name, arguments: "" });
          current = [];
        }
        for (const arg of (call?.partialArgs ?? []) as PartialArg[]) {
          current.push(arg);
          if (arg.stringValue === undefined) continue;
          if (arg.willContinue) run.push(arg.stringValue);
          else {
            pieces.set(run.join(""), run);
            run = [];
          }
        }
        if (call !== undefined && Object.keys(call).length === 0) {
          calls[calls.length - 1]!.arguments = JSON.stringify(rebuild(current));
        }
      }
      mock.enqueue({
        toolCalls: calls,
        geminiPartialArgs: true,
        chunks: (text) => pieces.get(text) ?? [text],
      });
      const { items } = await drain(await ai.models.generateContentStream(params));
      expect(partsOf(items).flatMap((part) => (part.functionCall ? [part.functionCall] : []))).toEqual(
        recorded,
      );
    });
  }
});

describe("gemini, faults", () => {
  it("answers 429 as an ApiError with that status and Google's error body", async () => {
    mock.enqueue({ text: "x", fault: { status: 429, retryAfter: 1 } });
    const error = await ai.models.generateContentStream(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain("RESOURCE_EXHAUSTED");
  });

  it("answers 500 as an ApiError", async () => {
    mock.enqueue({ text: "x", fault: { status: 500 } });
    const error = await ai.models.generateContent(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
  });

  it("reports an error chunk mid-stream as an ApiError, after n chunks", async () => {
    mock.enqueue({ text: TEXT, chunks: 4, fault: { errorEventAfter: 2 } });
    const { items, error } = await drain(await ai.models.generateContentStream(params));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
    expect(
      partsOf(items)
        .map((part) => part.text)
        .join(""),
    ).toBe(TEXT.slice(0, 8));
  });

  it("writes the error chunk's code and status name for the status it is given", async () => {
    mock.enqueue({ text: TEXT, fault: { errorEventAfter: 1, status: 503 } });
    const { error } = await drain(await ai.models.generateContentStream(params));
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).message).toContain('"status":"UNAVAILABLE"');
  });

  it("drops the connection as a non-API error", async () => {
    mock.enqueue({ text: TEXT, fault: { dropAfterBytes: 300 } });
    const { error } = await drain(await ai.models.generateContentStream(params));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ApiError);
  });

  it("fails on a data line that is not JSON", async () => {
    mock.enqueue({ text: TEXT, fault: { malformedEventAfter: 1 } });
    const { error } = await drain(await ai.models.generateContentStream(params));
    expect(error).toBeInstanceOf(Error);
  });

  it("lets an AbortController end a stalled stream", async () => {
    mock.enqueue({ text: TEXT, fault: { stallAfter: 1 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const stream = await ai.models.generateContentStream({
      ...params,
      config: { abortSignal: controller.signal },
    });
    const { items, error } = await drain(stream);
    expect(error).toBeDefined();
    expect(items).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("gemini, replay", () => {
  it("replays a chunks recording, framed as Google frames events", async () => {
    const file = "google-gemini/vercel-ai__google__google-stream-tool-call-arguments.chunks.txt";
    mock.enqueue({ replay: fixturePath(file) });
    const { items, error } = await drain(await ai.models.generateContentStream(params));
    expect(error).toBeUndefined();
    const recorded = recordedPayloads(file) as { candidates: unknown }[];
    expect(items.map((chunk) => chunk.candidates)).toEqual(recorded.map((chunk) => chunk.candidates));
  });

  it("replays a raw SSE body with CRLF line ends", async () => {
    const file = "google-gemini/vertexai-sdk-test-data__googleai__streaming-success-basic-reply-short.txt";
    mock.enqueue({ replay: fixturePath(file) });
    const { items } = await drain(await ai.models.generateContentStream(params));
    expect(
      partsOf(items)
        .map((part) => part.text)
        .join(""),
    ).toBe("The capital of Wyoming is **Cheyenne**.\n");
  });
});
