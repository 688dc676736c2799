// The command's small decisions, each on its own: which fields completed, who answers given the flags
// and the environment, what a recording is, how the offline answer is cut into GPT tokens.

import { API_MODES, createPartialParser, type PathSegment } from "fieldstream";
import type { RecordedRequest } from "fieldstream/testing";
import { describe, expect, it } from "vitest";
import { FieldTracker, fieldLine } from "../src/fields.js";
import { meetingAnswer, meetingScript, requestedTool } from "../src/meeting.js";
import { checkMode, MODES, recordingInfo, resolveTarget } from "../src/providers.js";
import { parseSchemaSpec } from "../src/schema-module.js";
import { truncateEnd, truncateStart, wrapWords } from "../src/text.js";
import { gptTokens } from "../src/tokens.js";
import { fieldLines } from "./helpers.js";

describe("FieldTracker", () => {
  it("reports each field once, in document order, as it completes, whatever the chunking", () => {
    const text = JSON.stringify({ ...meetingAnswer, tags: [], extra: { empty: {} } }, null, 2);
    for (const size of [1, 3, 17, text.length]) {
      const parser = createPartialParser();
      const tracker = new FieldTracker((node?: object, key?: PathSegment) =>
        node === undefined
          ? parser.isComplete()
          : key === undefined
            ? parser.isComplete(node)
            : parser.isComplete(node, key),
      );
      const reported: string[] = [];
      for (let at = 0; at < text.length; at += size) {
        parser.push(text.slice(at, at + size));
        for (const field of tracker.take(parser.value)) reported.push(fieldLine(field));
      }
      expect(reported).toEqual([...fieldLines, "tags = []", "extra.empty = {}"]);
    }
  });

  it("never reports a string still being written", () => {
    const parser = createPartialParser();
    const tracker = new FieldTracker((node?: object, key?: PathSegment) =>
      node === undefined
        ? parser.isComplete()
        : key === undefined
          ? parser.isComplete(node)
          : parser.isComplete(node, key),
    );
    parser.push('{"a":"hel');
    expect(tracker.take(parser.value)).toEqual([]);
    parser.push('lo","b":1');
    expect(tracker.take(parser.value)).toEqual([{ path: ["a"], value: "hello" }]);
  });
});

describe("resolveTarget", () => {
  it("runs offline when nothing is configured", () => {
    expect(resolveTarget({}, {})).toBeUndefined();
    expect(resolveTarget({}, { OPENAI_API_KEY: "  " })).toBeUndefined();
  });

  it("follows the environment: a base URL first, then OpenAI, Anthropic, Gemini", () => {
    expect(
      resolveTarget({}, { OPENAI_BASE_URL: "http://localhost:11434/v1", ANTHROPIC_API_KEY: "a" }),
    ).toMatchObject({
      provider: "compatible",
      baseURL: "http://localhost:11434/v1",
      apiKey: "not-needed",
      mode: "json_schema",
    });
    expect(resolveTarget({}, { OPENAI_API_KEY: "o", ANTHROPIC_API_KEY: "a" })).toMatchObject({
      provider: "openai",
      apiKey: "o",
      mode: "tools",
    });
    expect(resolveTarget({}, { ANTHROPIC_API_KEY: "a", GEMINI_API_KEY: "g" })).toMatchObject({
      provider: "anthropic",
    });
    expect(resolveTarget({}, { GOOGLE_API_KEY: "g", GEMINI_MODEL: "gemini-x" })).toMatchObject({
      provider: "gemini",
      apiKey: "g",
      model: "gemini-x",
      mode: "json_schema",
    });
  });

  it("lets the flags override the environment", () => {
    expect(
      resolveTarget(
        { provider: "anthropic", model: "claude-x", mode: "md_json", baseUrl: "http://127.0.0.1:1" },
        { OPENAI_API_KEY: "o", ANTHROPIC_API_KEY: "a" },
      ),
    ).toEqual({
      provider: "anthropic",
      model: "claude-x",
      apiKey: "a",
      baseURL: "http://127.0.0.1:1",
      mode: "md_json",
    });
    expect(resolveTarget({ baseUrl: "http://127.0.0.1:2/v1" }, {})).toMatchObject({ provider: "compatible" });
  });

  it("names the variable to set when a chosen provider has no key", () => {
    expect(() => resolveTarget({ provider: "openai" }, {})).toThrow(/OPENAI_API_KEY/);
    expect(() => resolveTarget({ provider: "anthropic" }, { OPENAI_API_KEY: "o" })).toThrow(
      /ANTHROPIC_API_KEY/,
    );
    expect(() => resolveTarget({ provider: "gemini" }, {})).toThrow(/GEMINI_API_KEY or GOOGLE_API_KEY/);
    expect(() => resolveTarget({ provider: "compatible" }, {})).toThrow(/--base-url .*OPENAI_BASE_URL/);
  });

  it("refuses a mode the provider does not have", () => {
    expect(() =>
      resolveTarget({ provider: "anthropic", mode: "json_schema" }, { ANTHROPIC_API_KEY: "a" }),
    ).toThrow(/not available for anthropic/);
  });
});

describe("modes", () => {
  it("are the library's, per provider, parallel tool calls included", () => {
    expect(checkMode("openai", "parallel_tools")).toBe("parallel_tools");
    expect(checkMode("compatible", "json_schema")).toBe("json_schema");
    expect(() => checkMode("anthropic", "json_schema")).toThrow(
      /not available for anthropic; use one of tools/,
    );
    expect(new Set(MODES)).toEqual(new Set(Object.values(API_MODES).flatMap((api) => api.modes)));
  });
});

describe("recordingInfo", () => {
  it("tells the provider, the channel and the model from the first chunk", () => {
    expect(
      recordingInfo(
        '{"object":"chat.completion.chunk","model":"gpt-4o","choices":[{"delta":{"tool_calls":[{"index":0}]}}]}\n',
      ),
    ).toEqual({ provider: "openai", channel: "tool", model: "gpt-4o" });
    expect(
      recordingInfo(
        'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-x"}}\n\ndata: {"type":"content_block_delta","delta":{"type":"text_delta"}}\n',
      ),
    ).toEqual({ provider: "anthropic", channel: "text", model: "claude-x" });
    expect(
      recordingInfo(
        '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f"}}]}}],"modelVersion":"gemini-y"}',
      ),
    ).toEqual({ provider: "gemini", channel: "tool", model: "gemini-y" });
  });

  it("gives up on anything else", () => {
    expect(recordingInfo("hello\n")).toBeUndefined();
    expect(recordingInfo('{"type":"response.created"}')).toBeUndefined();
  });
});

describe("the offline answer", () => {
  it("is the meeting in real GPT-4o tokens that join back to the JSON", () => {
    const json = JSON.stringify(meetingAnswer);
    const tokens = gptTokens(json);
    expect(tokens.join("")).toBe(json);
    expect(tokens.length).toBeGreaterThan(80);
    expect(tokens.length).toBeLessThan(json.length / 2);
    expect(tokens).toContain("users");
    // Characters outside ASCII are never split between tokens.
    expect(tokens.some((token) => token.includes("\uFFFD"))).toBe(false);
    expect(gptTokens("日本語のテキスト 🎉").join("")).toBe("日本語のテキスト 🎉");
  });

  it("answers with the forced tool when the request forces one, else with text", () => {
    const request = (body: unknown) => ({ body }) as RecordedRequest;
    const openai = request({ tools: [{ type: "function", function: { name: "MeetingInfo" } }] });
    const anthropic = request({ tools: [{ name: "MeetingInfo", input_schema: {} }] });
    const gemini = request({ tools: [{ functionDeclarations: [{ name: "MeetingInfo" }] }] });
    for (const r of [openai, anthropic, gemini]) expect(requestedTool(r)).toBe("MeetingInfo");
    const script = meetingScript(openai, gptTokens, 5);
    expect(script.toolCalls?.[0]?.name).toBe("MeetingInfo");
    expect(JSON.parse(script.toolCalls![0]!.arguments)).toEqual(meetingAnswer);
    expect(script.delayMs).toBe(5);
    const text = meetingScript(request({ response_format: { type: "json_schema" } }), gptTokens, 0);
    expect(text.toolCalls).toBeUndefined();
    expect(JSON.parse(text.text!)).toEqual(meetingAnswer);
  });
});

describe("small helpers", () => {
  it("parses a schema reference", () => {
    expect(parseSchemaSpec("./schema.ts#Meeting")).toEqual({ file: "./schema.ts", exportName: "Meeting" });
    expect(parseSchemaSpec("./schema.ts")).toEqual({ file: "./schema.ts", exportName: undefined });
    expect(parseSchemaSpec("./schema.ts#")).toEqual({ file: "./schema.ts", exportName: undefined });
  });

  it("cuts and wraps by columns", () => {
    expect(truncateEnd("abcdef", 4)).toBe("abc…");
    expect(truncateStart("abcdef", 4)).toBe("…def");
    expect(truncateEnd("日本語", 4)).toBe("日…");
    expect(wrapWords("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrapWords("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
  });
});
