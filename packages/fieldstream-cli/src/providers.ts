// Which model answers: the provider, model, base URL and key from the flags and the environment, the
// official SDK client built for it, and the one structured streaming call each provider's client takes.

import { API_MODES, instructor, type LLMObjectStream, type Mode } from "fieldstream";
import { record } from "fieldstream/testing";
import { need, UsageError } from "./errors.js";

export const PROVIDERS = ["openai", "anthropic", "gemini", "compatible"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Every mode some provider supports, in the library's order. */
export const MODES: readonly Mode[] = [...new Set(Object.values(API_MODES).flatMap((api) => api.modes))];
export type ModeName = Mode;

export interface ProviderFlags {
  readonly provider?: ProviderName;
  readonly model?: string;
  readonly baseUrl?: string;
  readonly mode?: ModeName;
}

/** A provider to call, with everything its client needs. */
export interface Target {
  readonly provider: ProviderName;
  readonly model: string;
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  readonly mode: ModeName;
}

export type Env = Readonly<Record<string, string | undefined>>;

const KEY_VARS: Readonly<Record<ProviderName, readonly string[]>> = {
  openai: ["OPENAI_API_KEY"],
  anthropic: ["ANTHROPIC_API_KEY"],
  gemini: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
  compatible: [],
};
const MODEL_VARS: Readonly<Record<ProviderName, string>> = {
  openai: "OPENAI_MODEL",
  anthropic: "ANTHROPIC_MODEL",
  gemini: "GEMINI_MODEL",
  compatible: "OPENAI_MODEL",
};
const BASE_URL_VARS: Readonly<Record<ProviderName, string>> = {
  openai: "OPENAI_BASE_URL",
  anthropic: "ANTHROPIC_BASE_URL",
  gemini: "GOOGLE_GEMINI_BASE_URL",
  compatible: "OPENAI_BASE_URL",
};
export const DEFAULT_MODELS: Readonly<Record<ProviderName, string>> = {
  // Fast models that answer without a reasoning pause, which is what a live view wants.
  openai: "gpt-4.1-mini",
  anthropic: "claude-haiku-4-5",
  gemini: "gemini-flash-latest",
  // Ollama's name for a small model that runs on a laptop; any server takes --model.
  compatible: "llama3.2",
};
/** What each provider accepts, as the library's bindings declare it (compatible servers speak Chat Completions). */
export const PROVIDER_MODES: Readonly<Record<ProviderName, readonly ModeName[]>> = {
  openai: API_MODES.openai.modes,
  anthropic: API_MODES.anthropic.modes,
  gemini: API_MODES.gemini.modes,
  compatible: API_MODES.openai.modes,
};
/** Compatible servers most often honour a response format and most often ignore a forced tool. */
const DEFAULT_MODES: Readonly<Record<ProviderName, ModeName>> = {
  openai: "tools",
  anthropic: "tools",
  gemini: "json_schema",
  compatible: "json_schema",
};

function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** The provider the environment points at, in the order the README gives. */
export function providerFromEnv(env: Env): ProviderName | undefined {
  if (envValue(env, "OPENAI_BASE_URL")) return "compatible";
  if (envValue(env, "OPENAI_API_KEY")) return "openai";
  if (envValue(env, "ANTHROPIC_API_KEY")) return "anthropic";
  if (envValue(env, "GEMINI_API_KEY") ?? envValue(env, "GOOGLE_API_KEY")) return "gemini";
  return undefined;
}

export function checkMode(provider: ProviderName, mode: ModeName | undefined): ModeName {
  const allowed = PROVIDER_MODES[provider];
  if (mode === undefined) return DEFAULT_MODES[provider];
  if (!allowed.includes(mode)) {
    throw new UsageError(`--mode ${mode} is not available for ${provider}; use one of ${allowed.join(", ")}`);
  }
  return mode;
}

/**
 * The live provider from the flags, else from the environment; `undefined` when neither names one.
 * A provider chosen explicitly without its key is a usage error naming the variable to set.
 */
export function resolveTarget(flags: ProviderFlags, env: Env): Target | undefined {
  const provider = flags.provider ?? (flags.baseUrl !== undefined ? "compatible" : providerFromEnv(env));
  if (provider === undefined) return undefined;
  const baseURL = flags.baseUrl ?? envValue(env, BASE_URL_VARS[provider]);
  if (provider === "compatible" && baseURL === undefined) {
    throw new UsageError(
      "--provider compatible needs the server's URL: pass --base-url (e.g. http://localhost:11434/v1) or set OPENAI_BASE_URL",
    );
  }
  const keyVars = KEY_VARS[provider];
  const apiKey =
    keyVars.map((name) => envValue(env, name)).find((value) => value !== undefined) ??
    (provider === "compatible" ? (envValue(env, "OPENAI_API_KEY") ?? "not-needed") : undefined);
  if (apiKey === undefined) {
    throw new UsageError(
      `--provider ${provider} needs an API key: set ${keyVars.join(" or ")} in the environment`,
    );
  }
  const model = flags.model ?? envValue(env, MODEL_VARS[provider]) ?? DEFAULT_MODELS[provider];
  return { provider, model, apiKey, baseURL, mode: checkMode(provider, flags.mode) };
}

/** `openai · gpt-4o`, with the server's host for a compatible one. */
export function describeTarget(target: Target): string {
  if (target.provider === "compatible" && target.baseURL !== undefined) {
    let host = target.baseURL;
    try {
      host = new URL(target.baseURL).host;
    } catch {
      // Shown as given: the SDK will say what is wrong with it.
    }
    return `compatible (${host}) · ${target.model}`;
  }
  return `${target.provider} · ${target.model}`;
}

/** What the structured call asks for. */
export interface Ask {
  /** A schema, or `{ schema, name, description, jsonSchema }`, as `response_model` takes it. */
  readonly responseModel: unknown;
  readonly prompt: string;
  readonly maxRetries: number;
  readonly signal: AbortSignal;
}

export type AnyStream = LLMObjectStream<unknown, unknown, unknown>;

/** An instructed SDK client, ready to stream one structured answer. */
export interface Connection {
  stream(ask: Ask): AnyStream;
}

type Create = (params: Record<string, unknown>, options?: { signal?: AbortSignal }) => AnyStream;

/**
 * Wraps one method of an SDK client so each stream it returns is also written to `file`, in the
 * format the mock server replays; everything else on the client is left as it was.
 */
function recorded<T extends object>(target: T, path: readonly string[], file: string): T {
  const [head, ...rest] = path;
  return new Proxy(target, {
    get(object, key) {
      // Read with the real object as receiver: SDK clients keep private fields behind their getters.
      const value = Reflect.get(object, key) as unknown;
      if (key === head && rest.length === 0 && typeof value === "function") {
        return async (...args: unknown[]) =>
          record(
            (await (value as (...a: unknown[]) => unknown).apply(object, args)) as AsyncIterable<unknown>,
            {
              file,
            },
          );
      }
      if (key === head && typeof value === "object" && value !== null) return recorded(value, rest, file);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/** Builds the provider's official SDK client (loaded only now: each is an optional dependency). */
export async function connect(
  target: Target,
  options: { readonly record?: string } = {},
): Promise<Connection> {
  const tap = <T extends object>(client: T, path: readonly string[]) =>
    options.record === undefined ? client : recorded(client, path, options.record);
  const settings = { mode: target.mode };
  switch (target.provider) {
    case "openai":
    case "compatible": {
      const { default: OpenAI } = await need(
        "openai",
        () => import("openai"),
        `--provider ${target.provider}`,
      );
      const sdk = new OpenAI({
        apiKey: target.apiKey,
        ...(target.baseURL !== undefined ? { baseURL: target.baseURL } : {}),
      });
      const client = instructor(tap(sdk, ["chat", "completions", "create"]), settings);
      const create = client.chat.completions.create as unknown as Create;
      return {
        stream: (ask) =>
          create(
            {
              model: target.model,
              messages: [{ role: "user", content: ask.prompt }],
              response_model: ask.responseModel,
              max_retries: ask.maxRetries,
              stream: true,
            },
            { signal: ask.signal },
          ),
      };
    }
    case "anthropic": {
      const { default: Anthropic } = await need(
        "@anthropic-ai/sdk",
        () => import("@anthropic-ai/sdk"),
        "--provider anthropic",
      );
      const sdk = new Anthropic({
        apiKey: target.apiKey,
        ...(target.baseURL !== undefined ? { baseURL: target.baseURL } : {}),
      });
      const client = instructor(tap(sdk, ["messages", "create"]), settings);
      const create = client.messages.create as unknown as Create;
      return {
        stream: (ask) =>
          create(
            {
              model: target.model,
              max_tokens: 4096,
              messages: [{ role: "user", content: ask.prompt }],
              response_model: ask.responseModel,
              max_retries: ask.maxRetries,
              stream: true,
            },
            { signal: ask.signal },
          ),
      };
    }
    case "gemini": {
      const { GoogleGenAI } = await need("@google/genai", () => import("@google/genai"), "--provider gemini");
      const sdk = new GoogleGenAI({
        apiKey: target.apiKey,
        ...(target.baseURL !== undefined ? { httpOptions: { baseUrl: target.baseURL } } : {}),
      });
      const client = instructor(tap(sdk, ["models", "generateContentStream"]), settings);
      const create = client.models.generateContentStream as unknown as Create;
      return {
        stream: (ask) =>
          create(
            {
              model: target.model,
              contents: ask.prompt,
              response_model: ask.responseModel,
              max_retries: ask.maxRetries,
            },
            { signal: ask.signal },
          ),
      };
    }
  }
}

/** What a recording holds: whose wire format, and whether the JSON comes as a tool call or as text. */
export interface RecordingInfo {
  readonly provider: "openai" | "anthropic" | "gemini";
  readonly channel: "tool" | "text";
  /** The model that answered, when the recording says. */
  readonly model: string | undefined;
}

function firstObject(recording: string): Record<string, unknown> | undefined {
  for (const raw of recording.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    const payload = line.startsWith("data:") ? line.slice(5).trim() : line;
    if (!payload.startsWith("{")) continue;
    try {
      const value = JSON.parse(payload) as unknown;
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // Not a chunk (a truncated line, say): look further.
    }
  }
  return undefined;
}

/**
 * Tells a recording's provider from its first chunk, so `--replay` needs no flag to say it. Responses
 * API recordings are not read: the command streams through Chat Completions.
 */
export function recordingInfo(recording: string): RecordingInfo | undefined {
  const first = firstObject(recording);
  if (first === undefined) return undefined;
  const type = typeof first.type === "string" ? first.type : "";
  let provider: RecordingInfo["provider"] | undefined;
  if (first.object === "chat.completion.chunk" || Array.isArray(first.choices)) provider = "openai";
  else if (/^(message_|content_block|ping)/.test(type)) provider = "anthropic";
  else if ("candidates" in first || "usageMetadata" in first || "modelVersion" in first) provider = "gemini";
  if (provider === undefined) return undefined;
  const tool =
    provider === "openai"
      ? recording.includes('"tool_calls"')
      : provider === "anthropic"
        ? recording.includes('"tool_use"')
        : recording.includes('"functionCall"');
  const message = first.message as { model?: unknown } | undefined;
  const model = first.model ?? message?.model ?? first.modelVersion;
  return { provider, channel: tool ? "tool" : "text", model: typeof model === "string" ? model : undefined };
}
