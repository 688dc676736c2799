// Which modes each wire API supports and which it uses by default: one table that the bindings
// declare themselves by and that tools (the command line) read, so the two cannot drift apart.

import type { Mode } from "./modes.js";

/** The wire APIs `instructor` speaks, by the name its errors and hooks use. */
export type ApiName = "openai" | "openai-responses" | "anthropic" | "gemini";

export interface ApiModes {
  /** Every mode the API supports, the default first. */
  readonly modes: readonly Mode[];
  readonly defaultMode: Mode;
}

/** The modes of each API (Chat Completions is `openai`, and every OpenAI-compatible server). */
export const API_MODES: Readonly<Record<ApiName, ApiModes>> = {
  openai: { modes: ["tools", "parallel_tools", "json_schema", "json", "md_json"], defaultMode: "tools" },
  "openai-responses": { modes: ["json_schema", "tools", "parallel_tools"], defaultMode: "json_schema" },
  anthropic: { modes: ["tools", "parallel_tools", "json", "md_json"], defaultMode: "tools" },
  gemini: {
    modes: ["json_schema", "tools", "parallel_tools", "json", "md_json"],
    defaultMode: "json_schema",
  },
};
