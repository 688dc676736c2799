// Replays streams recorded from real providers delta by delta, because their chunk boundaries (inside
// strings, right after a backslash, between the digits of a number) are the ones users actually hit.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { inconsistency } from "../../test/helpers/consistent.js";
import { type RecordedDeltaGroup, readRecordedDeltas } from "../../test/helpers/recorded-deltas.js";
import { createPartialParser, JsonStreamError } from "./index.js";
import type { JsonValue } from "./types.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/streams/", import.meta.url));

interface Recording {
  readonly file: string;
  /** Groups cut off before their JSON was finished (max tokens, a dropped connection). */
  readonly truncated?: readonly string[];
  /** Groups whose text is not JSON at all: the delta that breaks it, and the error it must raise. */
  readonly rejected?: Readonly<Record<string, { readonly atDelta: number; readonly code: string }>>;
}

// Every other group must join into valid JSON; listing the exceptions keeps a reader bug that drops
// deltas from passing quietly as a "truncated" stream.
const RECORDINGS: readonly Recording[] = [
  {
    file: "anthropic-messages/anthropic-sdk-python__incomplete_partial_json_response.txt",
    truncated: ["message 1 block 1"],
  },
  {
    file: "anthropic-messages/anthropic-sdk-python__test_beta_messages_TestAsyncMessages_9381e2b7-7fa1-46f7-9f78-46dc8431ea9d__resp0.sse",
  },
  {
    file: "anthropic-messages/anthropic-sdk-python__test_runners_TestSyncRunTools_555fb399-a54c-455b-9ac5-2c9673f18e12__resp0.sse",
  },
  { file: "anthropic-messages/anthropic-sdk-python__tool_use_response.txt" },
  { file: "anthropic-messages/vercel-ai__anthropic__anthropic-code-execution-20250825.1.chunks.txt" },
  { file: "anthropic-messages/vercel-ai__anthropic__anthropic-code-execution-20250825.2.chunks.txt" },
  {
    file: "anthropic-messages/vercel-ai__anthropic__anthropic-code-execution-20250825.pptx-skill.chunks.txt",
  },
  { file: "anthropic-messages/vercel-ai__anthropic__anthropic-code-execution-file-upload.1.chunks.txt" },
  { file: "anthropic-messages/vercel-ai__anthropic__anthropic-json-output-format.1.chunks.txt" },
  { file: "anthropic-messages/vercel-ai__anthropic__anthropic-programmatic-tool-calling.1.chunks.txt" },
  { file: "anthropic-messages/vercel-ai__anthropic__anthropic-tool-search-deferred-regex.chunks.txt" },
  { file: "anthropic-messages/vercel-ai__anthropic__anthropic-web-fetch-tool-20260209.1.chunks.txt" },
  {
    file: "anthropic-messages/vercel-ai__anthropic__spliced-message-start.chunks.txt",
    truncated: ["message 1 block 1"],
  },
  { file: "openai-chat/openai-node__stream_is_robust_against_leading_newline_chunks_1.sse" },
  { file: "openai-chat/openai-python__test_non_pydantic_response_format__d61558011839.sse" },
  {
    file: "openai-chat/openai-python__test_parse_max_tokens_reached__4cc50a6135d2.sse",
    truncated: ["message 0 choice 0 content"],
  },
  { file: "openai-chat/openai-python__test_parse_multiple_pydantic_tools__f82268f2fefd.sse" },
  { file: "openai-chat/openai-python__test_parse_pydantic_model__7e5ea4d12e7c.sse" },
  { file: "openai-chat/openai-python__test_parse_pydantic_model_multiple_choices__a491adda08c3.sse" },
  { file: "openai-chat/openai-python__test_parse_pydantic_tool__c6aa7e397b71.sse" },
  { file: "openai-responses/vercel-ai__azure__azure-reasoning-encrypted-content.1.chunks.txt" },
  { file: "openai-responses/vercel-ai__azure__azure-tool-call.1.chunks.txt" },
  { file: "openai-responses/vercel-ai__openai__openai-tool-search.1.chunks.txt" },
  { file: "openai-responses/vercel-ai__openai__openai-mcp-tool.1.chunks.txt" },
  { file: "cohere-v2-chat/vercel-ai__cohere__cohere-tool-call.chunks.txt" },
  {
    file: "bedrock-converse/vercel-ai__amazon-bedrock__amazon-bedrock-json-tool-text-then-weather-then-json.1.chunks.txt",
  },
  { file: "openai-chat-compatible/vercel-ai__alibaba__alibaba-tool-call.chunks.txt" },
  {
    file: "openai-chat-compatible/vercel-ai__cerebras__cererebras-structured-output-tools.1.chunks.txt",
    // The server sends the complete arguments twice, so the joined text is `{}{}`.
    rejected: { "message 0 choice 0 tool call 0": { atDelta: 1, code: "unexpected-character" } },
  },
  { file: "openai-chat-compatible/vercel-ai__deepseek__deepseek-tool-call.chunks.txt" },
  { file: "openai-chat-compatible/vercel-ai__groq__groq-tool-call.chunks.txt" },
  { file: "openai-chat-compatible/vercel-ai__mistral__mistral-incremental-tool-call.chunks.txt" },
  { file: "openai-chat-compatible/vercel-ai__xai__xai-tool-call.chunks.txt" },
];

const cases = RECORDINGS.flatMap((recording) =>
  readRecordedDeltas(join(FIXTURES, recording.file)).map((group) => ({ recording, group })),
);

interface Seen {
  readonly value: JsonValue;
  readonly json: string;
}

/**
 * Pushes `deltas` in order, checking every snapshot read along the way against `reference`, the value
 * the whole text stands for. Returns the parser and the number of snapshots visible before the last push.
 */
function replay(deltas: readonly string[], reference: JsonValue) {
  const parser = createPartialParser();
  const seen: Seen[] = [];
  let previous: JsonValue | undefined;
  let visibleEarly = 0;
  deltas.forEach((delta, index) => {
    const where = `after delta ${index} ${JSON.stringify(delta)}`;
    const changed = parser.push(delta);
    const value = parser.value;
    if (!changed) expect(value, `${where}: no change reported, yet a new snapshot`).toBe(previous);
    if (value !== undefined) {
      expect(inconsistency(value, reference), where).toBeUndefined();
      if (value !== previous) seen.push({ value, json: JSON.stringify(value) });
      if (index < deltas.length - 1) visibleEarly += 1;
    }
    previous = value;
  });
  // Handed-out snapshots must stay as they were, or UIs holding them would change under their feet.
  for (const { value, json } of seen) expect(JSON.stringify(value)).toBe(json);
  return { parser, visibleEarly };
}

/**
 * The received text made whole with as little as possible, so that a truncated group still has a value
 * to check its snapshots against.
 */
function closeTruncated(text: string): JsonValue {
  const closers: string[] = [];
  let inString = false;
  let escaped = false;
  for (const char of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") closers.push("}");
    else if (char === "[") closers.push("]");
    else if (char === "}" || char === "]") closers.pop();
  }
  const tail = closers.reverse().join("");
  // Which bridge fits depends on where the cut fell: in a string, in a key, after a colon or comma.
  for (const bridge of ["", '"', '":null', '"":null', "null"]) {
    try {
      return JSON.parse(text + bridge + tail) as JsonValue;
    } catch {
      // Not this bridge; try the next.
    }
  }
  throw new Error(`no simple completion for ${JSON.stringify(text)}`);
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

function checkComplete(group: RecordedDeltaGroup, expected: JsonValue): void {
  const { parser, visibleEarly } = replay(group.deltas, expected);
  expect(parser.isComplete()).toBe(true);
  expect(parser.end()).toEqual(expected);
  if (group.deltas.filter((delta) => delta !== "").length >= 3) {
    expect(visibleEarly, "no partial value was visible before the last delta").toBeGreaterThan(0);
  }
}

function checkTruncated(group: RecordedDeltaGroup): void {
  const received = closeTruncated(group.deltas.join(""));
  const { parser } = replay(group.deltas, received);
  expect(parser.isComplete()).toBe(false);
  const error = thrown(() => parser.end());
  expect(error).toBeInstanceOf(JsonStreamError);
  expect((error as JsonStreamError).code).toBe("unexpected-end");
  // Every truncated group opened its container, so something must be left to show.
  const last = parser.value;
  expect(last).toBeDefined();
  expect(inconsistency(last!, received)).toBeUndefined();
}

function checkRejected(group: RecordedDeltaGroup, atDelta: number, code: string): void {
  const valid = group.deltas.slice(0, atDelta).join("");
  const { parser } = replay(group.deltas.slice(0, atDelta), closeTruncated(valid));
  const before = parser.value;
  const error = thrown(() => parser.push(group.deltas[atDelta]!));
  expect(error).toBeInstanceOf(JsonStreamError);
  expect((error as JsonStreamError).code).toBe(code);
  expect((error as JsonStreamError).offset).toBe(valid.length);
  expect(parser.value).toBe(before);
}

describe("recorded provider streams", () => {
  test("cover enough files and delta groups to mean something", () => {
    expect(RECORDINGS.length).toBeGreaterThanOrEqual(24);
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const recording of RECORDINGS) {
      const ids = cases.filter((c) => c.recording === recording).map((c) => c.group.id);
      expect(ids.length, `${recording.file} has no JSON deltas`).toBeGreaterThan(0);
      for (const id of [...(recording.truncated ?? []), ...Object.keys(recording.rejected ?? {})]) {
        expect(ids, recording.file).toContain(id);
      }
    }
  });

  for (const { recording, group } of cases) {
    test(`${recording.file} ${group.id} (${group.kind}, ${group.deltas.length} deltas)`, () => {
      const text = group.deltas.join("");
      const rejected = recording.rejected?.[group.id];
      if (rejected !== undefined) {
        checkRejected(group, rejected.atDelta, rejected.code);
      } else if (recording.truncated?.includes(group.id)) {
        expect(() => JSON.parse(text)).toThrow(SyntaxError);
        checkTruncated(group);
      } else {
        checkComplete(group, JSON.parse(text) as JsonValue);
      }
    });
  }
});
