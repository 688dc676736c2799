// The output modes as strategy objects: where each mode's JSON arrives, whether prose around it is
// skipped, the instruction it adds to the conversation, and how a re-ask after a failed answer reads.

import { formatInstruction, reaskMessage } from "./prompts.js";

/**
 * How the model is made to answer in the schema. `parallel_tools` is for `Iterable(schema)`: each item
 * comes as its own tool call, and the calls are read in order as the items of one list.
 */
export type Mode = "tools" | "parallel_tools" | "json_schema" | "json" | "md_json";

/** Where a mode's JSON arrives: the forced tool call's arguments, every tool call's, or the text. */
export type Channel = "tool" | "tools" | "text";

export interface ModeStrategy {
  readonly name: Mode;
  readonly channel: Channel;
  /** Prose or a ```json fence around the value is skipped (the text modes). */
  readonly lenient: boolean;
  /**
   * The instruction a request adds to the conversation, for the modes where the API does not carry
   * the schema itself; `undefined` for the others.
   */
  instruction(jsonSchema: Record<string, unknown>, description?: string): string | undefined;
  /** What the model is told after a failed answer: why, and what to do instead. */
  reask(error: unknown): string;
}

function strategy(name: Mode, channel: Channel, text?: "json" | "md_json"): ModeStrategy {
  return {
    name,
    channel,
    lenient: text !== undefined,
    instruction: (jsonSchema, description) =>
      text === undefined ? undefined : formatInstruction(text, jsonSchema, description),
    reask: (error) => reaskMessage(error, channel),
  };
}

/** Every mode's strategy, by name. */
export const MODE_STRATEGIES: Readonly<Record<Mode, ModeStrategy>> = {
  tools: strategy("tools", "tool"),
  parallel_tools: strategy("parallel_tools", "tools"),
  json_schema: strategy("json_schema", "text"),
  json: strategy("json", "text", "json"),
  md_json: strategy("md_json", "text", "md_json"),
};

/** The instruction `mode` adds to a request for this response model (empty when it adds none). */
export function instructionFor(
  mode: Mode,
  model: { readonly jsonSchema: Record<string, unknown>; readonly description?: string | undefined },
): string {
  return MODE_STRATEGIES[mode].instruction(model.jsonSchema, model.description) ?? "";
}
