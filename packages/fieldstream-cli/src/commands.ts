// What `demo` and `extract` do once their flags are read: pick who answers (a live provider, the
// offline replay, a recording), ask for the schema, and hand the stream to the session.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { text as readAll } from "node:stream/consumers";
import { outlineOf, type Slot } from "fieldstream";
import { type MockProvider, startMockProvider } from "fieldstream/testing";
import pc from "picocolors";
import { need, UsageError } from "./errors.js";
import { REPLAY_DELAY_MS, TOKEN_DELAY_MS } from "./mock-server.js";
import {
  type Connection,
  checkMode,
  connect,
  describeTarget,
  type Env,
  type ModeName,
  type ProviderFlags,
  type ProviderName,
  recordingInfo,
  resolveTarget,
  type Target,
} from "./providers.js";
import type { Paragraph } from "./render.js";
import { loadSchema } from "./schema-module.js";
import { type OutputMode, runSession, type Terminal } from "./session.js";
import { wrapWords } from "./text.js";

/** The flags `demo` and `extract` share. */
export interface StreamFlags {
  readonly provider?: ProviderName;
  readonly model?: string;
  readonly baseUrl?: string;
  readonly mode?: ModeName;
  readonly replay?: string;
  readonly record?: string;
  readonly json?: boolean;
  readonly fields?: boolean;
  readonly maxRetries: number;
  readonly speed?: number;
  readonly fast?: boolean;
  readonly color: boolean;
}

export interface DemoFlags extends StreamFlags {
  readonly offline?: boolean;
}

export interface ExtractFlags extends StreamFlags {
  readonly schema: string;
  readonly text?: string;
  readonly prompt?: string;
}

export interface Context {
  readonly terminal: Terminal & { readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean } };
  readonly env: Env;
  readonly cwd: string;
}

const GO_LIVE =
  "Go live: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (or OPENAI_BASE_URL for Ollama, vLLM and other compatible servers) and run it again.";

function providerFlags(flags: StreamFlags): ProviderFlags {
  return {
    ...(flags.provider !== undefined ? { provider: flags.provider } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.mode !== undefined ? { mode: flags.mode } : {}),
  };
}

function outputMode(flags: StreamFlags, terminal: Terminal): OutputMode {
  if (flags.fields) return "fields";
  if (flags.json) return "json";
  return terminal.stdout.isTTY ? "live" : "lines";
}

/** Milliseconds between streamed events of a scripted or replayed answer. */
function paceOf(flags: StreamFlags, base: number): number {
  return flags.fast ? 0 : Math.round(base / (flags.speed ?? 1));
}

function checkRecordFile(flags: StreamFlags): void {
  const file = flags.record;
  if (file === undefined) return;
  if (flags.replay !== undefined && resolve(flags.replay) === resolve(file)) {
    throw new UsageError("--record and --replay name the same file: recording would erase what is replayed");
  }
  try {
    writeFileSync(file, "");
  } catch (error) {
    throw new UsageError(`--record: cannot write ${file}: ${(error as Error).message}`);
  }
}

/** Who answers, and what the screen says about it. */
interface Answerer {
  readonly connection: Connection;
  readonly source: string;
  readonly header: readonly Paragraph[];
  /** Said once on stderr when the output is for a program rather than a person. */
  readonly notice?: string;
  readonly mock?: MockProvider;
}

/** A recorded stream served by the mock server on loopback and read by the recording provider's SDK. */
async function replaying(file: string, flags: StreamFlags): Promise<Answerer> {
  if (!existsSync(file)) throw new UsageError(`--replay: cannot find ${file}`);
  const recording = readFileSync(file, "utf8");
  const info = recordingInfo(recording);
  const provider = flags.provider ?? info?.provider;
  if (provider === undefined) {
    throw new UsageError(
      `--replay: cannot tell which provider recorded ${file}; pass --provider openai, anthropic or gemini`,
    );
  }
  // Read the JSON where the recording has it; md_json reads plain and fenced text alike.
  const channelMode = info === undefined ? undefined : info.channel === "tool" ? "tools" : "md_json";
  const mode = checkMode(provider, flags.mode ?? channelMode);
  const mock = await startMockProvider({
    defaultScript: { replay: recording, delayMs: paceOf(flags, REPLAY_DELAY_MS) },
  });
  const model = flags.model ?? info?.model ?? "recorded";
  const baseURL = provider === "openai" || provider === "compatible" ? `${mock.url}/v1` : mock.url;
  try {
    const connection = await connect(
      { provider, model, apiKey: "replay", baseURL, mode },
      flags.record !== undefined ? { record: flags.record } : {},
    );
    const text = `Replay of ${file}: a recorded ${provider} stream, served by fieldstream's mock server on loopback and read by the ${provider} SDK.`;
    return {
      connection,
      source: `replay · ${provider} · ${model}`,
      header: [{ text, style: "warn" }],
      notice: text,
      mock,
    };
  } catch (error) {
    await mock.close();
    throw error;
  }
}

/** The offline demo: the scripted answer in GPT-4o tokens, through the real openai SDK, from loopback. */
async function offline(flags: StreamFlags): Promise<Answerer> {
  const [{ meetingScript }, { gptTokens }] = await Promise.all([
    import("./meeting.js"),
    import("./tokens.js"),
  ]);
  const pace = paceOf(flags, TOKEN_DELAY_MS);
  const mock = await startMockProvider({ handler: (request) => meetingScript(request, gptTokens, pace) });
  const model = flags.model ?? "gpt-4o";
  try {
    const connection = await connect(
      {
        provider: "openai",
        model,
        apiKey: "offline",
        baseURL: `${mock.url}/v1`,
        mode: checkMode("openai", flags.mode),
      },
      flags.record !== undefined ? { record: flags.record } : {},
    );
    const text =
      "Offline replay: a scripted answer from fieldstream's mock server on loopback, streamed through the real openai SDK in GPT-4o tokens.";
    return {
      connection,
      source: `offline replay · openai · ${model}`,
      header: [
        { text, style: "warn" },
        { text: GO_LIVE, style: "dim" },
      ],
      notice: `${text} ${GO_LIVE}`,
      mock,
    };
  } catch (error) {
    await mock.close();
    throw error;
  }
}

async function live(target: Target, flags: StreamFlags): Promise<Answerer> {
  const connection = await connect(target, flags.record !== undefined ? { record: flags.record } : {});
  return { connection, source: describeTarget(target), header: [] };
}

/** The task, shown above the live view so the person sees what the model is reading. */
function intro(title: string, text: string, width: number, color: boolean): string {
  const c = pc.createColors(color);
  const lines = wrapWords(title, width).map((line) => c.bold(line));
  for (const line of text.split("\n")) {
    const wrapped = wrapWords(line, Math.max(1, width - 4));
    for (const piece of wrapped.length === 0 ? [""] : wrapped) lines.push(c.dim(`  │ ${piece}`.trimEnd()));
  }
  return `${lines.join("\n")}\n\n`;
}

async function stream(
  answerer: Answerer,
  ask: {
    readonly responseModel: unknown;
    readonly prompt: string;
    readonly title: string;
    readonly slot: Slot;
  },
  flags: StreamFlags,
  context: Context,
  introText: { readonly heading: string; readonly text: string },
): Promise<void> {
  const { terminal } = context;
  const output = outputMode(flags, terminal);
  const color = output === "live" && flags.color && pc.isColorSupported;
  if (output === "live") {
    terminal.stdout.write(intro(introText.heading, introText.text, terminal.stdout.columns ?? 80, color));
  } else if (answerer.notice !== undefined) {
    terminal.stderr.write(`${answerer.notice}\n`);
  }
  const controller = new AbortController();
  const llm = answerer.connection.stream({
    responseModel: ask.responseModel,
    prompt: ask.prompt,
    maxRetries: flags.maxRetries,
    signal: controller.signal,
  });
  await runSession({
    stream: llm,
    title: ask.title,
    slot: ask.slot,
    source: answerer.source,
    header: answerer.header,
    output,
    color,
    terminal,
  });
}

export async function demo(flags: DemoFlags, context: Context): Promise<void> {
  checkRecordFile(flags);
  // Settle who answers before loading anything: a missing key is the likeliest mistake.
  const target =
    flags.replay !== undefined || flags.offline
      ? undefined
      : resolveTarget(providerFlags(flags), context.env);
  const meeting = await need("zod", () => import("./meeting.js"), "The demo");
  const answerer =
    flags.replay !== undefined
      ? await replaying(flags.replay, flags)
      : target !== undefined
        ? await live(target, flags)
        : await offline(flags);
  try {
    await stream(
      answerer,
      {
        responseModel: meeting.meetingModel,
        prompt: meeting.meetingPrompt,
        title: meeting.meetingModel.name,
        slot: outlineOf(meeting.MeetingInfo),
      },
      flags,
      context,
      { heading: "fieldstream demo: MeetingInfo from this meeting note", text: meeting.meetingNote },
    );
  } finally {
    await answerer.mock?.close();
  }
}

const EXTRACT_PROMPT = "Extract the information from this text:";

async function readInput(file: string | undefined, context: Context): Promise<string> {
  let text: string;
  if (file !== undefined && file !== "-") {
    if (!existsSync(file)) throw new UsageError(`--text: cannot find ${file}`);
    text = readFileSync(file, "utf8");
  } else if (file === "-" || !context.terminal.stdin.isTTY) {
    text = await readAll(context.terminal.stdin);
  } else {
    throw new UsageError("no text to extract from: pass --text FILE or pipe the text on stdin");
  }
  if (text.trim() === "") throw new UsageError("no text to extract from: the input is empty");
  return text;
}

export async function extract(flags: ExtractFlags, context: Context): Promise<void> {
  checkRecordFile(flags);
  // Settle who answers before reading anything: a missing key is the likeliest mistake.
  const target = flags.replay === undefined ? resolveTarget(providerFlags(flags), context.env) : undefined;
  if (flags.replay === undefined && target === undefined) {
    throw new UsageError(
      "no provider: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (or OPENAI_BASE_URL for a compatible server), pass --provider, or --replay a recording",
    );
  }
  const text = await readInput(flags.text, context);
  const schema = await loadSchema(flags.schema, context.cwd);
  const answerer = target === undefined ? await replaying(flags.replay!, flags) : await live(target, flags);
  try {
    await stream(
      answerer,
      {
        responseModel: schema.responseModel,
        prompt: `${flags.prompt ?? EXTRACT_PROMPT}\n\n${text}`,
        title: schema.name,
        slot: schema.slot,
      },
      flags,
      context,
      { heading: `fieldstream extract: ${schema.name} from ${flags.text ?? "stdin"}`, text: excerpt(text) },
    );
  } finally {
    await answerer.mock?.close();
  }
}

/** The first lines of a long input: enough to recognise it, not so many that the view scrolls away. */
function excerpt(text: string): string {
  const lines = text.trim().split("\n");
  return lines.length <= 6
    ? lines.join("\n")
    : [...lines.slice(0, 5), `… (${lines.length - 5} more lines)`].join("\n");
}
