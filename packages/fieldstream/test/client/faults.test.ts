// Failures through the real SDKs: every fault the mock server can inject ends in a typed error or a
// successful retry, invalid answers are re-asked (early, while still streaming), and nothing hangs.

import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import {
  FieldValidationError,
  IdleTimeoutError,
  IncompleteOutputError,
  Iterable,
  instructor,
  JsonStreamError,
  type Mode,
  NoObjectError,
  type NoObjectReason,
  ProviderError,
  RefusalError,
  ValidationError,
} from "../../src/index.js";
import { type Fault, type MockProvider, type Script, startMockProvider } from "../../src/testing/index.js";
import { MeetingInfo, meetingAnswer, meetingJson, User } from "../helpers/meeting.js";

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

const fast = { retryDelay: { baseMs: 1, maxMs: 5 } };
const good: Script = { text: meetingJson, chunks: 6 };

type Client = "openai" | "openai-responses" | "anthropic" | "gemini";

interface CallTestOptions {
  readonly maxRetries?: number;
  readonly signal?: AbortSignal;
  /** The client's idle timeout. */
  readonly idleTimeoutMs?: number;
  /** The call's own idle timeout. */
  readonly callIdleTimeoutMs?: number;
}

/** A streamed structured call in json-ish text mode on the given provider. */
function call(client: Client, options: CallTestOptions = {}) {
  const settings = {
    ...fast,
    maxRetries: options.maxRetries ?? 2,
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  };
  const callOptions =
    options.signal || options.callIdleTimeoutMs !== undefined
      ? {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.callIdleTimeoutMs !== undefined ? { idleTimeoutMs: options.callIdleTimeoutMs } : {}),
        }
      : undefined;
  if (client === "openai-responses") {
    return instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), settings).responses.create(
      { model: "gpt-4o", input: "x", response_model: MeetingInfo, stream: true },
      callOptions,
    );
  }
  if (client === "openai") {
    return instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
      ...settings,
      mode: "json",
    }).chat.completions.create(
      {
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
        response_model: MeetingInfo,
        stream: true,
      },
      callOptions,
    );
  }
  if (client === "anthropic") {
    return instructor(new Anthropic({ apiKey: "t", baseURL: mock.url }), {
      ...settings,
      mode: "json",
    }).messages.create(
      {
        model: "claude",
        max_tokens: 1024,
        messages: [{ role: "user", content: "x" }],
        response_model: MeetingInfo,
        stream: true,
      },
      callOptions,
    );
  }
  return instructor(
    new GoogleGenAI({ apiKey: "t", httpOptions: { baseUrl: mock.url } }),
    settings,
  ).models.generateContentStream(
    { model: "gemini-2.5-flash", contents: "x", response_model: MeetingInfo },
    callOptions,
  );
}

const clients: Client[] = ["openai", "anthropic", "gemini"];

const transient: [string, Fault][] = [
  ["429 with retry-after", { status: 429, retryAfter: 0 }],
  ["500", { status: 500 }],
  ["503", { status: 503 }],
  ["a dropped connection", { dropAfterBytes: 300 }],
  ["an error event mid-stream", { errorEventAfter: 3 }],
];

describe.each(clients)("%s", (client) => {
  it.each(transient)("retries after %s and succeeds", async (_what, fault) => {
    mock.enqueue({ ...good, fault }, good);
    const before = mock.requests.length;
    const stream = call(client);
    expect(await stream.final).toEqual(meetingAnswer);
    expect(stream.attempt).toBe(2);
    expect(mock.requests.length - before).toBe(2);
  });

  it.each(transient)("fails with a ProviderError after %s when no retry is left", async (_what, fault) => {
    mock.enqueue({ ...good, fault });
    const failure = await call(client, { maxRetries: 0 }).final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    if ("status" in fault) expect((failure as ProviderError).status).toBe(fault.status);
  });

  it("re-asks after a malformed event", async () => {
    mock.enqueue({ ...good, fault: { malformedEventAfter: 2 } }, good);
    const stream = call(client);
    expect(await stream.final).toEqual(meetingAnswer);
  });

  it("stops a stalled stream when the caller aborts", async () => {
    mock.enqueue({ ...good, fault: { stallAfter: 3 } });
    const controller = new AbortController();
    const stream = call(client, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("took too long")), 100);
    const started = Date.now();
    const failure = await stream.final.catch((e: unknown) => e);
    expect((failure as Error).message).toBe("took too long");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("aborts an answer at its first invalid field and re-asks with the reason", async () => {
    const bad = JSON.stringify({
      ...meetingAnswer,
      users: [{ name: "A", email: "not-an-email", twitter: "@a" }, ...meetingAnswer.users],
    });
    mock.enqueue({ text: bad, chunks: 4, delayMs: 1 }, good);
    const before = mock.requests.length;
    const stream = call(client);
    const attempts = new Set<number>();
    for await (const _partial of stream) attempts.add(stream.attempt);
    expect(await stream.final).toEqual(meetingAnswer);
    expect([...attempts]).toContain(2);
    const reask = JSON.stringify(mock.requests[before + 1]!.body);
    expect(reask).toContain("users[0].email");
    // The first answer was cut off right after the invalid field, long before its end.
    expect(reask).toContain('\\"email\\":\\"not-an-email\\"');
    expect(reask).not.toContain("Hannah");
    expect(stream.fieldErrors[0]).toBeInstanceOf(FieldValidationError);
  });

  it("re-asks when the whole answer fails the schema", async () => {
    const { budget: _dropped, ...withoutBudget } = meetingAnswer;
    mock.enqueue({ text: JSON.stringify(withoutBudget) }, good);
    expect(await call(client).final).toEqual(meetingAnswer);
  });

  it("re-asks when the answer is not JSON, and gives up with a typed error", async () => {
    mock.enqueue({ text: '{"users": [nope' }, { text: '{"users": [nope' });
    const failure = await call(client, { maxRetries: 1 }).final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JsonStreamError);
  });

  it("gives up with a ValidationError once retries are spent", async () => {
    mock.enqueue({ text: "{}" }, { text: "{}" });
    const failure = await call(client, { maxRetries: 1 }).final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).text).toBe("{}");
  });

  it("reports a cut-off answer as IncompleteOutputError with the last partial", async () => {
    mock.enqueue({ text: meetingJson.slice(0, 200), finishReason: "length" });
    const stream = call(client);
    const failure = await stream.final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IncompleteOutputError);
    const partial = (failure as IncompleteOutputError).partial as { users?: unknown[] };
    expect(partial.users?.length).toBeGreaterThan(0);
  });

  it("reports a refusal (a safety stop on Gemini, which has no refusals) as RefusalError", async () => {
    mock.enqueue(
      client === "gemini"
        ? { text: "", finishReason: "content-filter" }
        : { refusal: "I can't help with that." },
    );
    const failure = await call(client).final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RefusalError);
  });

  it("adds up token usage over the attempts", async () => {
    mock.enqueue(
      { ...good, fault: { errorEventAfter: 4 }, usage: { inputTokens: 10, outputTokens: 5 } },
      { ...good, usage: { inputTokens: 10, outputTokens: 20 } },
    );
    const stream = call(client);
    await stream.final;
    expect(stream.usage?.inputTokens).toBeGreaterThanOrEqual(10);
    expect(stream.usage?.outputTokens).toBeGreaterThanOrEqual(20);
  });
});

describe("a stream that stops cleanly in the middle of the answer", () => {
  const tool: Script = { toolCalls: [{ name: "Response", arguments: meetingJson }], chunks: 20 };
  const starts: [string, Script, (maxRetries: number) => { final: Promise<unknown>; attempt: number }][] = [
    [
      "openai tools",
      tool,
      (maxRetries) =>
        instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
          ...fast,
          maxRetries,
        }).chat.completions.create({
          model: "gpt-4o",
          messages: [{ role: "user", content: "x" }],
          response_model: MeetingInfo,
          stream: true,
        }),
    ],
    [
      "openai-responses tools",
      tool,
      (maxRetries) =>
        instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
          ...fast,
          maxRetries,
          mode: "tools",
        }).responses.create({ model: "gpt-4o", input: "x", response_model: MeetingInfo, stream: true }),
    ],
    [
      "anthropic tools",
      tool,
      (maxRetries) =>
        instructor(new Anthropic({ apiKey: "t", baseURL: mock.url }), {
          ...fast,
          maxRetries,
        }).messages.create({
          model: "claude",
          max_tokens: 1024,
          messages: [{ role: "user", content: "x" }],
          response_model: MeetingInfo,
          stream: true,
        }),
    ],
    ["gemini json_schema", good, (maxRetries) => call("gemini", { maxRetries })],
  ];

  it.each(starts)("%s: retried as a dropped connection, not re-asked", async (_name, script, start) => {
    mock.enqueue({ ...script, fault: { dropAfterBytes: 1500, clean: true } }, script);
    const before = mock.requests.length;
    const stream = start(2);
    expect(await stream.final).toEqual(meetingAnswer);
    expect(stream.attempt).toBe(2);
    // The same request again: nothing was wrong with the answer, only with its delivery.
    expect(mock.requests[before + 1]!.body).toEqual(mock.requests[before]!.body);
  });

  it.each(starts)("%s: a retryable ProviderError once retries are spent", async (_name, script, start) => {
    mock.enqueue({ ...script, fault: { dropAfterBytes: 1500, clean: true } });
    const failure = await start(0).final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).retryable).toBe(true);
    expect((failure as ProviderError).cause).toBeInstanceOf(JsonStreamError);
    expect((failure as Error).message).toMatch(/connection/i);
  });

  it("parallel_tools: retried, not re-asked, when a call is cut off", async () => {
    const users: Script = {
      toolCalls: meetingAnswer.users.map((user) => ({ name: "User", arguments: JSON.stringify(user) })),
      chunks: 10,
    };
    mock.enqueue({ ...users, fault: { dropAfterBytes: 1500, clean: true } }, users);
    const before = mock.requests.length;
    const stream = instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
      ...fast,
      mode: "parallel_tools",
    }).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "x" }],
      response_model: { schema: Iterable(User), name: "User" },
      stream: true,
    });
    expect(await stream.final).toEqual(meetingAnswer.users);
    expect(stream.attempt).toBe(2);
    expect(mock.requests[before + 1]!.body).toEqual(mock.requests[before]!.body);
  });
});

describe("an answer with no JSON value in it", () => {
  const openai = (mode: Mode, maxRetries: number) =>
    instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), { ...fast, mode, maxRetries });
  const chat = (mode: Mode, maxRetries: number) =>
    openai(mode, maxRetries).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "x" }],
      response_model: MeetingInfo,
      stream: true,
    });
  const anthropic = (mode: Mode, maxRetries: number) =>
    instructor(new Anthropic({ apiKey: "t", baseURL: mock.url }), {
      ...fast,
      mode,
      maxRetries,
    }).messages.create({
      model: "claude",
      max_tokens: 1024,
      messages: [{ role: "user", content: "x" }],
      response_model: MeetingInfo,
      stream: true,
    });
  const gemini = (mode: Mode, maxRetries: number) =>
    instructor(new GoogleGenAI({ apiKey: "t", httpOptions: { baseUrl: mock.url } }), {
      ...fast,
      mode,
      maxRetries,
    }).models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "x",
      response_model: MeetingInfo,
    });
  const responses = (mode: Mode, maxRetries: number) =>
    openai(mode, maxRetries).responses.create({
      model: "gpt-4o",
      input: "x",
      response_model: MeetingInfo,
      stream: true,
    });
  const prose = "The meeting is on Tuesday, I think.";
  const cases: [string, (maxRetries: number) => { final: Promise<unknown> }, Script, NoObjectReason][] = [
    ["openai tools, prose instead of a tool call", (n) => chat("tools", n), { text: prose }, "prose"],
    ["openai tools, nothing at all", (n) => chat("tools", n), { text: "" }, "no-tool-call"],
    ["openai json, prose with no value", (n) => chat("json", n), { text: prose }, "prose"],
    ["openai json_schema, nothing at all", (n) => chat("json_schema", n), { text: "" }, "empty"],
    ["openai-responses json_schema, prose", (n) => responses("json_schema", n), { text: prose }, "prose"],
    ["anthropic tools, prose instead of a tool call", (n) => anthropic("tools", n), { text: prose }, "prose"],
    [
      "openai tools, a tool call with no arguments",
      (n) => chat("tools", n),
      { toolCalls: [{ name: "Response", arguments: "" }] },
      "empty",
    ],
    ["anthropic md_json, prose with no fence", (n) => anthropic("md_json", n), { text: prose }, "prose"],
    ["gemini json_schema, nothing at all", (n) => gemini("json_schema", n), { text: "" }, "empty"],
    ["gemini tools, prose instead of a function call", (n) => gemini("tools", n), { text: prose }, "prose"],
  ];

  it.each(cases)("%s: a NoObjectError saying what came instead", async (_name, start, script, reason) => {
    mock.enqueue(script);
    const failure = await start(0).final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NoObjectError);
    expect((failure as NoObjectError).reason).toBe(reason);
    if (reason === "prose") expect(prose.startsWith((failure as NoObjectError).text)).toBe(true);
    expect((failure as Error).message).not.toMatch(/Unexpected/);
  });

  it.each(cases)("%s: re-asked with what to do instead", async (_name, start, script) => {
    const tools = _name.includes("tools");
    const answer: Script = tools ? { toolCalls: [{ name: "Response", arguments: meetingJson }] } : good;
    mock.enqueue(script, answer);
    const before = mock.requests.length;
    expect(await start(1).final).toEqual(meetingAnswer);
    const reask = JSON.stringify(mock.requests[before + 1]!.body);
    expect(reask).toMatch(tools ? /call the tool/i : /no JSON value|was empty/i);
  });

  it("still reads a fenced value after prose in a text mode", async () => {
    mock.enqueue({ text: `${prose}\n\`\`\`json\n${meetingJson}\n\`\`\`` });
    expect(await anthropic("md_json", 0).final).toEqual(meetingAnswer);
  });
});

describe("re-asking after an answer with nothing in it", () => {
  /** The text of every assistant (or Gemini model) turn of a recorded request. */
  function assistantTurns(body: Record<string, unknown>): string[] {
    const turns = (body.messages ?? body.input ?? body.contents ?? []) as {
      role?: string;
      content?: string | { text?: string }[];
      parts?: { text?: string }[];
    }[];
    const text = (blocks: { text?: string }[]) => blocks.map((block) => block.text ?? "").join("");
    return turns
      .filter((turn) => turn.role === "assistant" || turn.role === "model")
      .map((turn) =>
        turn.parts
          ? text(turn.parts)
          : typeof turn.content === "string"
            ? turn.content
            : text(turn.content ?? []),
      );
  }

  const starts: [string, () => { final: Promise<unknown> }][] = [
    ["openai", () => call("openai")],
    [
      "openai-responses",
      () =>
        instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), fast).responses.create({
          model: "gpt-4o",
          input: "x",
          response_model: MeetingInfo,
          stream: true,
        }),
    ],
    ["anthropic", () => call("anthropic")],
    ["gemini", () => call("gemini")],
  ];

  it.each(starts)("%s: sends no empty assistant turn", async (_name, start) => {
    for (const empty of ["", " \n "]) {
      mock.enqueue({ text: empty }, good);
      const before = mock.requests.length;
      expect(await start().final).toEqual(meetingAnswer);
      const reask = mock.requests[before + 1]!.body as Record<string, unknown>;
      for (const turn of assistantTurns(reask)) expect(turn.trim()).not.toBe("");
      // The reason still reaches the model, in a user turn after the original question.
      expect(JSON.stringify(reask)).toContain("Your previous answer");
    }
  });
});

describe.each(["openai", "openai-responses", "anthropic", "gemini"] as const)(
  "idle timeout, %s",
  (client) => {
    it("gives up on a stream that goes silent, and retries it like a dropped connection", async () => {
      mock.enqueue({ ...good, fault: { stallAfter: 3 } }, good);
      const before = mock.requests.length;
      const stream = call(client, { idleTimeoutMs: 100 });
      expect(await stream.final).toEqual(meetingAnswer);
      expect(stream.attempt).toBe(2);
      expect(mock.requests[before + 1]!.body).toEqual(mock.requests[before]!.body);
    });

    it("fails with IdleTimeoutError once retries are spent, even before the first event", async () => {
      for (const stallAfter of [3, 0]) {
        mock.enqueue({ ...good, fault: { stallAfter } });
        const started = Date.now();
        const failure = await call(client, { idleTimeoutMs: 100, maxRetries: 0 }).final.catch(
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(IdleTimeoutError);
        expect((failure as IdleTimeoutError).idleMs).toBe(100);
        expect((failure as IdleTimeoutError).retryable).toBe(true);
        expect(Date.now() - started).toBeLessThan(2000);
      }
    });

    it("counts from the last event, so a slow but steady stream is not cut", async () => {
      mock.enqueue({ ...good, chunks: 60, delayMs: 40 });
      const started = Date.now();
      const stream = call(client, { idleTimeoutMs: 150, maxRetries: 0 });
      expect(await stream.final).toEqual(meetingAnswer);
      expect(Date.now() - started).toBeGreaterThan(150);
    });

    it("takes the call's own timeout over the client's; 0 turns it off", async () => {
      mock.enqueue({ ...good, fault: { stallAfter: 2 } });
      const failure = await call(client, {
        idleTimeoutMs: 0,
        callIdleTimeoutMs: 100,
        maxRetries: 0,
      }).final.catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(IdleTimeoutError);

      mock.enqueue({ ...good, fault: { stallAfter: 2 } });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("waited long enough")), 400);
      const waited = await call(client, {
        idleTimeoutMs: 100,
        callIdleTimeoutMs: 0,
        maxRetries: 0,
        signal: controller.signal,
      }).final.catch((e: unknown) => e);
      expect((waited as Error).message).toBe("waited long enough");
    });
  },
);

describe("hooks and limits", () => {
  it("tells the hooks about requests, retries, partials and responses", async () => {
    const client = instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
      ...fast,
      mode: "json",
    });
    const seen: string[] = [];
    client.on("request", (e) => seen.push(`request ${e.attempt}`));
    client.on("retry", (e) => seen.push(`retry ${e.attempt} ${(e.error as Error).name}`));
    client.on("response", (e) => seen.push(`response ${e.attempt}`));
    let partials = 0;
    client.on("partial", () => partials++);
    mock.enqueue({ ...good, fault: { status: 500 } }, good);
    const stream = client.chat.completions.create({
      model: "m",
      messages: [],
      response_model: MeetingInfo,
      stream: true,
    });
    await stream.final;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual(["request 1", "retry 2 ProviderError", "request 2", "response 2"]);
    expect(partials).toBeGreaterThan(0);
  });

  it("does not retry a 400", async () => {
    mock.enqueue({ ...good, fault: { status: 400 } }, good);
    const failure = await call("openai").final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).retryable).toBe(false);
    mock.requests.length = 0;
  });

  it("cancels the HTTP request when aborted", async () => {
    mock.enqueue({ ...good, delayMs: 50 });
    const controller = new AbortController();
    const stream = call("openai", { signal: controller.signal });
    for await (const partial of stream) {
      if (partial.users?.length) {
        controller.abort();
        break;
      }
    }
    await expect(stream.final).rejects.toBeDefined();
    expect(stream.status).toBe("failed");
  });

  it("keeps validating with a schema that z.toJSONSchema cannot fully express", async () => {
    const Event = z.object({ when: z.string().transform((s) => new Date(s)) });
    mock.enqueue({ text: '{"when":"2025-05-14T10:00:00Z"}' });
    const value = await instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), {
      mode: "json",
    }).chat.completions.create({
      model: "m",
      messages: [],
      response_model: Event,
    });
    expect(value.when).toBeInstanceOf(Date);
  });
});
