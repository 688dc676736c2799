// Reads a recorded provider stream fixture back into the JSON text deltas the model sent, grouped per
// tool call or per text message, so the JSON layer can be fed real-world chunk boundaries.
import { readFileSync } from "node:fs";

export interface RecordedDeltaGroup {
  readonly id: string;
  readonly kind: "tool-arguments" | "json-text";
  readonly deltas: string[];
}

type Json = Record<string, unknown>;

interface Delta {
  readonly id: string;
  readonly kind: RecordedDeltaGroup["kind"];
  readonly text: string;
}

export function readRecordedDeltas(file: string): RecordedDeltaGroup[] {
  const groups = new Map<string, RecordedDeltaGroup>();
  // Block and tool-call indices restart with every message, so they are only unique within one.
  let message = 0;
  for (const event of readEvents(readFileSync(file, "utf8"))) {
    if (event.type === "message_start" || event.type === "message-start") message += 1;
    for (const delta of deltasOf(event)) {
      const id = `message ${message} ${delta.id}`;
      let group = groups.get(id);
      if (group === undefined) {
        group = { id, kind: delta.kind, deltas: [] };
        groups.set(id, group);
      }
      group.deltas.push(delta.text);
    }
  }
  return [...groups.values()].filter((group) => {
    const text = group.deltas.join("").trimStart();
    // Prose answers are not JSON, and a tool call without argument text has nothing to parse.
    return group.kind === "tool-arguments" ? text !== "" : text.startsWith("{") || text.startsWith("[");
  });
}

/** Payloads of an SSE body (`data:` fields joined per event), or of a file with one JSON chunk per line. */
function readEvents(body: string): Json[] {
  const lines = body.split(/\r\n|\r|\n/);
  const payloads: string[] = [];
  if (lines.some((line) => line.startsWith("data:"))) {
    let data: string[] = [];
    for (const line of [...lines, ""]) {
      if (line.startsWith("data:")) {
        data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
      } else if (line === "" && data.length > 0) {
        payloads.push(data.join("\n"));
        data = [];
      }
    }
  } else {
    payloads.push(...lines);
  }
  return payloads.filter((p) => p.trim() !== "" && p.trim() !== "[DONE]").map((p) => JSON.parse(p) as Json);
}

function deltasOf(event: Json): Delta[] {
  // OpenAI chat completions and the servers that copy its wire format.
  if (Array.isArray(event.choices)) {
    return event.choices.flatMap((choice) => {
      const tools = at(choice, "delta", "tool_calls");
      const calls = (Array.isArray(tools) ? tools : []).flatMap((call, position) =>
        delta(
          `choice ${at(choice, "index")} tool call ${at(call, "index") ?? position}`,
          "tool-arguments",
          at(call, "function", "arguments"),
        ),
      );
      const content = delta(
        `choice ${at(choice, "index")} content`,
        "json-text",
        at(choice, "delta", "content"),
      );
      return [...calls, ...content];
    });
  }
  // Bedrock Converse.
  if (event.contentBlockDelta !== undefined) {
    const block = `block ${at(event, "contentBlockDelta", "contentBlockIndex")}`;
    return [
      ...delta(block, "tool-arguments", at(event, "contentBlockDelta", "delta", "toolUse", "input")),
      ...delta(block, "json-text", at(event, "contentBlockDelta", "delta", "text")),
    ];
  }
  switch (event.type) {
    // Anthropic messages.
    case "content_block_delta":
      return [
        ...delta(`block ${event.index}`, "tool-arguments", at(event, "delta", "partial_json")),
        ...delta(`block ${event.index}`, "json-text", at(event, "delta", "text")),
      ];
    // OpenAI Responses: MCP calls carry JSON arguments just like function calls.
    case "response.function_call_arguments.delta":
    case "response.mcp_call_arguments.delta":
      return delta(`item ${event.item_id}`, "tool-arguments", event.delta);
    case "response.output_text.delta":
      return delta(`item ${event.item_id} part ${event.content_index}`, "json-text", event.delta);
    // Cohere v2 chat.
    case "tool-call-delta":
      return delta(
        `tool call ${event.index}`,
        "tool-arguments",
        at(event, "delta", "message", "tool_calls", "function", "arguments"),
      );
    case "content-delta":
      return delta(`content ${event.index}`, "json-text", at(event, "delta", "message", "content", "text"));
    default:
      return [];
  }
}

function delta(id: string, kind: Delta["kind"], text: unknown): Delta[] {
  return typeof text === "string" ? [{ id, kind, text }] : [];
}

/** `value[a][b]...`, or `undefined` as soon as a step is missing. */
function at(value: unknown, ...keys: string[]): unknown {
  for (const key of keys) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Json)[key];
  }
  return value;
}
