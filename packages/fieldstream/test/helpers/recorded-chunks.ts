// Reads a recorded provider stream back into the objects an SDK's stream would yield, and collects
// what a provider adapter makes of them, so adapter tests can replay real streams.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FinishReason, ProviderEvent, Usage } from "../../src/llm/provider-events.js";

export const STREAMS = fileURLToPath(new URL("../fixtures/streams/", import.meta.url));

export type Json = Record<string, unknown>;

/**
 * The JSON payloads of a recorded stream, in order: the `data:` of each server-sent event, or one
 * chunk per line, or a whole-file JSON body. A JSON body after the events (a server that failed
 * part-way and answered with an error body) is read as one more payload.
 */
export function readRecordedChunks(file: string): Json[] {
  const body = readFileSync(join(STREAMS, file), "utf8");
  const lines = body.split(/\r\n|\r|\n/);
  const payloads: string[] = [];
  if (lines.some((line) => line.startsWith("data:"))) {
    let data: string[] = [];
    let other: string[] = [];
    for (const line of [...lines, ""]) {
      if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
      else if (line === "") {
        if (data.length > 0) payloads.push(data.join("\n"));
        data = [];
      } else if (!/^(event|id|retry):|^:/.test(line)) other.push(line);
      if (line === "" && other.length > 0 && isJson(other.join("\n"))) {
        payloads.push(other.join("\n"));
        other = [];
      }
    }
    if (other.length > 0) throw new Error(`Unreadable lines in ${file}: ${other.join("\n").slice(0, 80)}`);
  } else if (isJson(body)) {
    payloads.push(body);
  } else {
    payloads.push(...lines);
  }
  return payloads.filter((p) => p.trim() !== "" && p.trim() !== "[DONE]").map((p) => JSON.parse(p) as Json);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Splits a recording that holds several responses one after another, at each chunk `starts` says begins one. */
export function splitResponses(
  chunks: readonly Json[],
  starts: (chunk: Json, previous: Json) => boolean,
): Json[][] {
  const responses: Json[][] = [];
  chunks.forEach((chunk, i) => {
    const previous = chunks[i - 1];
    if (previous === undefined || starts(chunk, previous)) responses.push([]);
    responses.at(-1)!.push(chunk);
  });
  return responses;
}

/** Chat Completions: a new completion id starts a new response. */
export const newCompletion = (chunk: Json, previous: Json): boolean => chunk.id !== previous.id;

/** Responses: `response.created` starts a new response. */
export const newResponse = (chunk: Json): boolean => chunk.type === "response.created";

/** The chunks as the async iterable an SDK stream is. */
export async function* replay<T>(chunks: readonly unknown[]): AsyncGenerator<T> {
  for (const chunk of chunks) yield chunk as T;
}

export async function collect(events: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const out: ProviderEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export interface Channel {
  readonly index: number;
  readonly deltas: string[];
  readonly text: string;
}

export interface ToolChannel extends Channel {
  readonly id: string | undefined;
  readonly name: string | undefined;
}

/** What a stream of events amounts to: per-channel text, tool calls, and the facts around them. */
export interface Summary {
  readonly texts: Channel[];
  readonly tools: ToolChannel[];
  readonly reasoning: string;
  readonly refusals: string[];
  readonly usages: Usage[];
  readonly finishes: { reason: FinishReason; raw: string | undefined }[];
  readonly errors: { message: string; status: number | undefined; body: unknown }[];
}

/**
 * Groups events by channel. Also checks the ordering the adapters promise: a tool call is announced
 * once, before any of its arguments.
 */
export function summarize(events: readonly ProviderEvent[]): Summary {
  const texts = new Map<number, { index: number; deltas: string[] }>();
  const tools = new Map<
    number,
    { index: number; deltas: string[]; id: string | undefined; name: string | undefined }
  >();
  const summary = {
    reasoning: "",
    refusals: [] as string[],
    usages: [] as Usage[],
    finishes: [] as Summary["finishes"],
    errors: [] as Summary["errors"],
  };
  for (const event of events) {
    switch (event.type) {
      case "text": {
        const channel = texts.get(event.index) ?? { index: event.index, deltas: [] };
        texts.set(event.index, channel);
        channel.deltas.push(event.delta);
        break;
      }
      case "tool-call":
        if (tools.has(event.index)) throw new Error(`Tool call ${event.index} announced twice`);
        tools.set(event.index, { index: event.index, deltas: [], id: event.id, name: event.name });
        break;
      case "tool-arguments": {
        const tool = tools.get(event.index);
        if (tool === undefined)
          throw new Error(`Arguments for tool call ${event.index} before its announcement`);
        tool.deltas.push(event.delta);
        break;
      }
      case "reasoning":
        summary.reasoning += event.delta;
        break;
      case "refusal":
        summary.refusals.push(event.text);
        break;
      case "usage":
        summary.usages.push(event.usage);
        break;
      case "finish":
        summary.finishes.push({ reason: event.reason, raw: event.raw });
        break;
      case "error":
        summary.errors.push({ message: event.message, status: event.status, body: event.body });
        break;
    }
  }
  const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;
  return {
    ...summary,
    texts: [...texts.values()].sort(byIndex).map((c) => ({ ...c, text: c.deltas.join("") })),
    tools: [...tools.values()].sort(byIndex).map((c) => ({ ...c, text: c.deltas.join("") })),
  };
}

export interface JsonChannel {
  readonly kind: "tool-arguments" | "json-text";
  readonly index: number;
  readonly deltas: string[];
}

/**
 * The channels meant to hold JSON, in the order their first delta came: every tool call's arguments,
 * and text channels that start like JSON. The same selection `readRecordedDeltas` makes of a file.
 */
export function jsonChannels(events: readonly ProviderEvent[]): JsonChannel[] {
  const channels = new Map<string, JsonChannel>();
  for (const event of events) {
    if (event.type !== "text" && event.type !== "tool-arguments") continue;
    const kind = event.type === "text" ? "json-text" : "tool-arguments";
    const key = `${kind} ${event.index}`;
    let channel = channels.get(key);
    if (channel === undefined) {
      channel = { kind, index: event.index, deltas: [] };
      channels.set(key, channel);
    }
    channel.deltas.push(event.delta);
  }
  return [...channels.values()].filter((c) => {
    const text = c.deltas.join("").trimStart();
    return c.kind === "tool-arguments" || text.startsWith("{") || text.startsWith("[");
  });
}
