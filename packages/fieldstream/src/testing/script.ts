// What a test says the mock model should answer, and its normalised form: the text, refusal and
// argument pieces, ids, usage and finish reason that every wire format renders in its own spelling.

import type { Fault } from "./fault.js";

/** Why the scripted answer stops; each wire format spells it its own way (see the README table). */
export type ScriptFinishReason = "stop" | "length" | "tool" | "content-filter" | "refusal";

/** One tool call the mock model makes. */
export interface ScriptToolCall {
  readonly name: string;
  /** The raw JSON text of the arguments, exactly as the model writes it (it may be invalid on purpose). */
  readonly arguments: string;
  /** The call id; generated in the provider's style when left out. */
  readonly id?: string;
}

/**
 * How text, refusals and tool arguments are cut into deltas: a piece size in characters, a list of
 * sizes used in turn (cycling), or a function returning the pieces (they must join to the input).
 */
export type Chunking = number | readonly number[] | ((text: string) => readonly string[]);

/** A scripted answer, rendered on whichever route the request came in on. */
export interface Script {
  readonly text?: string;
  readonly toolCalls?: readonly ScriptToolCall[];
  readonly refusal?: string;
  /** Piece size for text, refusal and argument deltas. Defaults to 4 characters. */
  readonly chunks?: Chunking;
  /** Pause between two streamed events, in milliseconds. */
  readonly delayMs?: number;
  /** Defaults to `tool` with tool calls, `refusal` with a refusal, `stop` otherwise. */
  readonly finishReason?: ScriptFinishReason;
  /** Token counts to report; estimated from the request and answer sizes when left out. */
  readonly usage?: { readonly inputTokens?: number; readonly outputTokens?: number };
  /** The model name to report; defaults to the one the request asked for. */
  readonly model?: string;
  /** Gemini streaming only: send tool arguments as Gemini 3 `partialArgs` (jsonPath pieces). */
  readonly geminiPartialArgs?: boolean;
  readonly fault?: Fault;
}

/** Serve a recorded stream instead of rendering a script. */
export interface ReplayScript {
  /** The recording itself, or the path of a file holding it. */
  readonly replay: string;
  /**
   * `sse`: a raw server-sent-event body, written as is. `chunks`: one chunk JSON per line, framed the
   * way the route's API frames its events. Detected from the content when left out.
   */
  readonly format?: "sse" | "chunks";
  readonly delayMs?: number;
  readonly fault?: Fault;
}

export type MockScript = Script | ReplayScript;

export function isReplay(script: MockScript): script is ReplayScript {
  return typeof (script as ReplayScript).replay === "string";
}

/** A script that cannot be rendered; the server answers 500 with this message. */
export class ScriptError extends Error {
  override readonly name = "ScriptError";
}

export interface PlannedToolCall {
  readonly id: string | undefined;
  readonly name: string;
  readonly arguments: string;
  readonly pieces: readonly string[];
}

/** A script with every default filled in, ready for a wire format to render. */
export interface Plan {
  readonly text: string | undefined;
  readonly textPieces: readonly string[];
  readonly refusal: string | undefined;
  readonly refusalPieces: readonly string[];
  readonly toolCalls: readonly PlannedToolCall[];
  readonly finishReason: ScriptFinishReason;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
  readonly model: string | undefined;
  readonly delayMs: number;
  readonly geminiPartialArgs: boolean;
  readonly fault: Fault | undefined;
  /** Cuts any further text (a Gemini string argument) the way the script cuts its deltas. */
  readonly split: (text: string) => string[];
}

const DEFAULT_PIECE = 4;

/** Cuts `text` into pieces by code point, so a delta never ends inside a surrogate pair. */
export function splitText(text: string, chunking: Chunking = DEFAULT_PIECE): string[] {
  if (text === "") return [];
  if (typeof chunking === "function") {
    const pieces = [...chunking(text)];
    if (pieces.join("") !== text) {
      throw new ScriptError(
        `the chunks function returned pieces that do not join to ${JSON.stringify(text)}`,
      );
    }
    return pieces.filter((piece) => piece !== "");
  }
  const sizes = typeof chunking === "number" ? [chunking] : [...chunking];
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new ScriptError(`chunk sizes must be positive integers, got ${JSON.stringify(chunking)}`);
  }
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let at = 0, turn = 0; at < chars.length; turn += 1) {
    const size = sizes[turn % sizes.length] as number;
    pieces.push(chars.slice(at, at + size).join(""));
    at += size;
  }
  return pieces;
}

/** A rough token count (four characters a token), so usage numbers move with the sizes involved. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function planScript(script: Script, requestText: string): Plan {
  const split = (text: string) => splitText(text, script.chunks);
  const toolCalls = (script.toolCalls ?? []).map((call) => {
    if (typeof call.name !== "string" || typeof call.arguments !== "string") {
      throw new ScriptError("each tool call needs a string `name` and a string `arguments` (raw JSON text)");
    }
    return { id: call.id, name: call.name, arguments: call.arguments, pieces: split(call.arguments) };
  });
  const finishReason: ScriptFinishReason =
    script.finishReason ??
    (toolCalls.length > 0 ? "tool" : script.refusal !== undefined ? "refusal" : "stop");
  const written =
    (script.text ?? "") + (script.refusal ?? "") + toolCalls.map((call) => call.arguments).join("");
  return {
    text: script.text,
    textPieces: split(script.text ?? ""),
    refusal: script.refusal,
    refusalPieces: split(script.refusal ?? ""),
    toolCalls,
    finishReason,
    usage: {
      inputTokens: script.usage?.inputTokens ?? estimateTokens(requestText),
      outputTokens: script.usage?.outputTokens ?? estimateTokens(written),
    },
    model: script.model,
    delayMs: script.delayMs ?? 0,
    geminiPartialArgs: script.geminiPartialArgs ?? false,
    fault: script.fault,
    split,
  };
}

/** Parses tool arguments for the formats that carry them as an object rather than as text. */
export function parseArguments(call: { readonly name: string; readonly arguments: string }): unknown {
  try {
    return JSON.parse(call.arguments === "" ? "{}" : call.arguments);
  } catch {
    throw new ScriptError(
      `the arguments of tool call ${JSON.stringify(call.name)} are not valid JSON, and this API sends ` +
        "them as an object: stream them instead, or fix the JSON",
    );
  }
}
