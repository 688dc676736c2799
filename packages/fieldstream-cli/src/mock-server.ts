// `fieldstream mock-server`: the testing package's wire-compatible provider on a port of your choice,
// so any program (or this command's own demo, through OPENAI_BASE_URL) can stream from it.

import { existsSync, readFileSync } from "node:fs";
import { type MockScript, type RecordedRequest, startMockProvider } from "fieldstream/testing";
import { describeError, need, UsageError } from "./errors.js";
import type { Terminal } from "./session.js";

/** The pause between two streamed tokens in the scripted demo answer: slow enough to watch. */
export const TOKEN_DELAY_MS = 90;
/** The pause between two replayed events: about the pace of a fast hosted model. */
export const REPLAY_DELAY_MS = 25;

export interface MockServerOptions {
  readonly port: number;
  readonly host: string;
  /** A JSON file with a script (or a list of scripts served in turn); without one, the meeting answer. */
  readonly script?: string;
  readonly replay?: string;
  /** Milliseconds between streamed events. */
  readonly delay?: number;
}

function readScripts(file: string): MockScript[] {
  if (!existsSync(file)) throw new UsageError(`--script: cannot find ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--script: ${file} is not JSON: ${describeError(error)}`);
  }
  const scripts = Array.isArray(parsed) ? parsed : [parsed];
  if (scripts.length === 0 || scripts.some((s) => typeof s !== "object" || s === null || Array.isArray(s))) {
    throw new UsageError(`--script: ${file} must hold a script object or a non-empty list of them`);
  }
  return scripts as MockScript[];
}

/** Answers every request with the given scripts in turn, the last one again once they run out. */
function inTurn(scripts: readonly MockScript[], delay: number | undefined): () => MockScript {
  let next = 0;
  return () => {
    const script = scripts[Math.min(next, scripts.length - 1)]!;
    next++;
    return delay !== undefined && !("delayMs" in script) ? { ...script, delayMs: delay } : script;
  };
}

function logLine(request: RecordedRequest): string {
  const body = request.body as { model?: unknown } | undefined;
  const model = typeof body?.model === "string" ? ` model=${body.model}` : "";
  return `${request.method} ${request.path} ${request.api ?? "unknown route"}${request.stream ? " stream" : ""}${model}\n`;
}

/** Starts the server and serves until Ctrl-C or SIGTERM. */
export async function mockServer(options: MockServerOptions, terminal: Terminal): Promise<void> {
  let answer: (request: RecordedRequest) => MockScript;
  let what: string;
  if (options.replay !== undefined) {
    if (!existsSync(options.replay)) throw new UsageError(`--replay: cannot find ${options.replay}`);
    answer = inTurn([{ replay: options.replay }], options.delay);
    what = `replaying ${options.replay}`;
  } else if (options.script !== undefined) {
    answer = inTurn(readScripts(options.script), options.delay);
    what = `serving the scripts in ${options.script}`;
  } else {
    const [{ meetingScript }, { gptTokens }] = await Promise.all([
      need("zod", () => import("./meeting.js"), "The scripted meeting answer"),
      import("./tokens.js"),
    ]);
    const delay = options.delay ?? TOKEN_DELAY_MS;
    answer = (request) => meetingScript(request, gptTokens, delay);
    what = "serving the scripted meeting answer in GPT-4o tokens";
  }
  const mock = await startMockProvider({
    port: options.port,
    host: options.host,
    handler: (request) => {
      terminal.stderr.write(logLine(request));
      return answer(request);
    },
  }).catch((error: unknown) => {
    throw new UsageError(`cannot listen on ${options.host}:${options.port}: ${describeError(error)}`);
  });
  terminal.stdout.write(
    [
      `fieldstream mock-server listening on ${mock.url}, ${what}`,
      `  OpenAI and compatible clients: OPENAI_BASE_URL=${mock.url}/v1`,
      `  Anthropic: ANTHROPIC_BASE_URL=${mock.url}    Gemini: httpOptions.baseUrl = "${mock.url}"`,
      `  try: OPENAI_BASE_URL=${mock.url}/v1 fieldstream demo`,
      "Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await mock.close();
}
