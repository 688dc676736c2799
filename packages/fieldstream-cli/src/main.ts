#!/usr/bin/env node
// The `fieldstream` command: `demo`, `extract` and `mock-server`, their flags and help, and the one
// place where every failure becomes a single line on stderr and an exit code.

import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type Context, demo, extract } from "./commands.js";
import { CancelledError, describeError, oneLine, UsageError } from "./errors.js";
import { mockServer, TOKEN_DELAY_MS } from "./mock-server.js";
import { MODES, PROVIDERS } from "./providers.js";

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_CANCELLED = 130;

function version(): string {
  try {
    // One level up from both src/ and dist/.
    return (createRequire(import.meta.url)("../package.json") as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError("expected a positive number.");
  return number;
}

function count(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError("expected a whole number, 0 or more.");
  return number;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    throw new InvalidArgumentError("expected a port number from 0 to 65535.");
  }
  return number;
}

const PROVIDER_HELP = `
Who answers:
  With --provider, that provider; otherwise the environment decides, in this order:
    OPENAI_BASE_URL        an OpenAI-compatible server (Ollama, vLLM, LM Studio, ...), key OPENAI_API_KEY if any
    OPENAI_API_KEY         OpenAI
    ANTHROPIC_API_KEY      Anthropic
    GEMINI_API_KEY         Google Gemini (GOOGLE_API_KEY works too)
  Models default to OPENAI_MODEL, ANTHROPIC_MODEL or GEMINI_MODEL when set.

Output:
  On a terminal the answer is drawn live, in place. Piped, each field is printed as it completes
  (users[0].name = "Priya Raman"), then the final JSON. --json prints NDJSON partials, --fields one
  NDJSON line per completed field: {"path":["users",0,"name"],"value":"Priya Raman"}.

Exit codes: 0 done and valid, 1 the stream failed, 2 a usage or setup error, 130 interrupted.`;

/** The flags `demo` and `extract` share. */
function withStreamOptions(command: Command, replayPacing: string): Command {
  return command
    .addOption(new Option("--provider <name>", "who answers").choices(PROVIDERS))
    .option("--model <name>", "the model to ask")
    .option("--base-url <url>", "the API's base URL (for compatible servers: e.g. http://localhost:11434/v1)")
    .addOption(new Option("--mode <mode>", "how the model is made to answer in the schema").choices(MODES))
    .option("--replay <file>", "replay a recorded stream (from --record) instead of calling a provider")
    .option("--record <file>", "record the provider's stream to a file, for --replay")
    .option("--json", "print NDJSON partials instead of drawing")
    .option("--fields", "print one NDJSON line per completed field")
    .addOption(
      new Option("--max-retries <n>", "attempts after a failed one (invalid answer, rate limit)")
        .argParser(count)
        .default(2),
    )
    .addOption(
      new Option("--speed <factor>", `how fast to stream ${replayPacing} (2: twice as fast)`).argParser(
        positiveNumber,
      ),
    )
    .option("--fast", `stream ${replayPacing} without pauses`)
    .option("--no-color", "no colours (NO_COLOR does the same)");
}

function buildProgram(context: Context): Command {
  const { terminal } = context;
  const program = new Command("fieldstream")
    .description("Stream structured LLM output field by field.")
    .version(version(), "-v, --version")
    .exitOverride()
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => terminal.stdout.write(text),
      writeErr: (text) => terminal.stderr.write(text),
      outputError: (text, write) =>
        write(`fieldstream: ${oneLine(text.replace(/^error: /, ""))} (see --help)\n`),
    });

  program.addHelpText(
    "after",
    `
Examples:
  fieldstream demo                                     the live demo, offline unless a provider is set up
  fieldstream extract --schema ./schema.ts#Invoice --text invoice.txt
  fieldstream mock-server --port 8787                  a mock OpenAI, Anthropic and Gemini API on loopback
  fieldstream <command> --help                         the flags of a command`,
  );

  withStreamOptions(
    program
      .command("demo")
      .description(
        "Extract MeetingInfo from a meeting note, drawn live as it streams. Offline unless a provider is configured.",
      )
      .option("--offline", "the offline replay even when a provider is configured"),
    "the offline and replayed answers",
  )
    .addHelpText("after", PROVIDER_HELP)
    .action(async (flags) => {
      await demo(flags, context);
    });

  withStreamOptions(
    program
      .command("extract")
      .description("Extract any schema from a text, drawn live as it streams.")
      .requiredOption("--schema <module#export>", "the schema: a zod schema exported by a .ts or .js module")
      .option("--text <file>", "the text to extract from (default: stdin; - for stdin)")
      .option("--prompt <text>", "the instruction put before the text"),
    "a replayed answer",
  )
    .addHelpText(
      "after",
      `
Example:
  fieldstream extract --schema ./schema.ts#Invoice --text invoice.txt
  cat notes.txt | fieldstream extract --schema ./schema.ts#MeetingInfo --json --fields | jq .
${PROVIDER_HELP}`,
    )
    .action(async (flags) => {
      await extract(flags, context);
    });

  program
    .command("mock-server")
    .description(
      "Serve the OpenAI, Anthropic and Gemini APIs on loopback with a scripted or recorded answer.",
    )
    .addOption(new Option("--port <port>", "the port (0 picks a free one)").argParser(port).default(8787))
    .option("--host <host>", "the address to listen on", "127.0.0.1")
    .option(
      "--script [file]",
      "answer with the scripts in a JSON file (default: the scripted meeting answer)",
    )
    .option("--replay <file>", "answer with a recorded stream")
    .addOption(
      new Option(
        "--delay <ms>",
        `milliseconds between streamed events (default ${TOKEN_DELAY_MS} for the meeting)`,
      ).argParser(count),
    )
    .addHelpText(
      "after",
      `
Scripts are JSON: {"toolCalls":[{"name":"MeetingInfo","arguments":"{...}"}],"chunks":4,"delayMs":20},
{"text":"...","finishReason":"length"}, {"status":429,...} under "fault", and so on (see fieldstream/testing).
A list of scripts answers the requests in turn, the last one again once they run out.`,
    )
    .action(
      async (flags: {
        port: number;
        host: string;
        script?: string | true;
        replay?: string;
        delay?: number;
      }) => {
        if (flags.script !== undefined && flags.replay !== undefined) {
          throw new UsageError("--script and --replay do not go together: pick one");
        }
        await mockServer(
          {
            port: flags.port,
            host: flags.host,
            ...(typeof flags.script === "string" ? { script: flags.script } : {}),
            ...(flags.replay !== undefined ? { replay: flags.replay } : {}),
            ...(flags.delay !== undefined ? { delay: flags.delay } : {}),
          },
          terminal,
        );
      },
    );

  return program;
}

export async function main(argv: readonly string[], context: Context): Promise<number> {
  const program = buildProgram(context);
  const fail = (message: string, code: number) => {
    context.terminal.stderr.write(`fieldstream: ${message}\n`);
    return code;
  };
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof CancelledError) return fail("cancelled", EXIT_CANCELLED);
    if (error instanceof UsageError) return fail(describeError(error), EXIT_USAGE);
    return fail(describeError(error), EXIT_FAILED);
  }
}

const context: Context = {
  terminal: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  env: process.env,
  cwd: process.cwd(),
};

// A failure that escapes the command (a broken pipe, a bug) still ends as one line, never a trace.
const crash = (error: unknown) => {
  if ((error as { code?: unknown } | null)?.code === "EPIPE") process.exit(0);
  process.stderr.write(`fieldstream: ${describeError(error)}\n`);
  process.exit(EXIT_FAILED);
};
process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);
process.stdout.on("error", crash);

const code = await main(process.argv.slice(2), context);
// Sockets an SDK keeps alive would hold the process open for seconds after the answer is complete.
process.stdout.write("", () => process.exit(code));
