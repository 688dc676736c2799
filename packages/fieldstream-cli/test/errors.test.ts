// Every way the command can fail says so in one line on stderr, with the exit code the help promises
// (2 for usage and setup, 1 for a failed stream, 130 for Ctrl-C), and never shows a stack trace.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockScript, startMockProvider } from "fieldstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, linesOf, type Run, requireBuild } from "./helpers.js";

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), "fieldstream-cli-errors-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `stdout` is empty unless fields completed before the failure, which stay printed. */
function expectOneLineError(run: Run, code: number, message: RegExp, stdout: RegExp = /^$/): void {
  expect(run.code, run.stderr).toBe(code);
  const lines = linesOf(run.stderr).filter((line) => !/^(Offline replay|Replay of)/.test(line));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^fieldstream: /);
  expect(lines[0]).toMatch(message);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout).toMatch(stdout);
}

const schema = "test/fixtures/schemas.ts#Recipe";
const text = "test/fixtures/recipe.txt";

// One concurrent suite: each test is its own process, so they can all run side by side.
describe.concurrent("fieldstream fails in one line", () => {
  describe("usage and setup errors: exit 2", () => {
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      ["an unknown flag", ["demo", "--colour"], {}, /unknown option '--colour'/],
      [
        "a misspelt flag, with a suggestion",
        ["demo", "--fsat"],
        {},
        /unknown option '--fsat' \(Did you mean --fast\?\)/,
      ],
      ["an unknown command", ["dmeo"], {}, /unknown command 'dmeo'/],
      [
        "an unknown provider",
        ["demo", "--provider", "cohere"],
        {},
        /Allowed choices are openai, anthropic, gemini, compatible/,
      ],
      ["a flag without its value", ["demo", "--model"], {}, /option '--model <name>' argument missing/],
      ["a bad speed", ["demo", "--speed", "fast"], {}, /'--speed <factor>' argument 'fast' is invalid/],
      [
        "OpenAI chosen without a key",
        ["demo", "--provider", "openai"],
        {},
        /set OPENAI_API_KEY in the environment/,
      ],
      [
        "Anthropic chosen without a key",
        ["demo", "--provider", "anthropic"],
        { OPENAI_API_KEY: "k" },
        /set ANTHROPIC_API_KEY/,
      ],
      [
        "Gemini chosen without a key",
        ["demo", "--provider", "gemini"],
        {},
        /set GEMINI_API_KEY or GOOGLE_API_KEY/,
      ],
      [
        "a compatible server without its URL",
        ["demo", "--provider", "compatible"],
        {},
        /--base-url .* OPENAI_BASE_URL/,
      ],
      [
        "a mode the provider lacks",
        ["demo", "--provider", "anthropic", "--mode", "json_schema"],
        { ANTHROPIC_API_KEY: "k" },
        /--mode json_schema is not available for anthropic/,
      ],
      [
        "a missing recording",
        ["demo", "--replay", "nowhere.jsonl"],
        {},
        /--replay: cannot find nowhere\.jsonl/,
      ],
      ["a recording nobody made", ["demo", "--replay", text], {}, /cannot tell which provider recorded/],
      [
        "recording over the replayed file",
        ["demo", "--replay", text, "--record", `./${text}`],
        {},
        /name the same file/,
      ],
      [
        "a record file that cannot be written",
        ["demo", "--record", "/nonexistent/dir/x.jsonl"],
        {},
        /--record: cannot write/,
      ],
      [
        "extract without --schema",
        ["extract"],
        { OPENAI_API_KEY: "k" },
        /required option '--schema <module#export>'/,
      ],
      [
        "extract with no provider",
        ["extract", "--schema", schema, "--text", text],
        {},
        /no provider: set OPENAI_API_KEY/,
      ],
      [
        "a missing schema module",
        ["extract", "--schema", "nope.ts#X", "--text", text],
        { OPENAI_API_KEY: "k" },
        /cannot find nope\.ts/,
      ],
      [
        "a missing export",
        ["extract", "--schema", "test/fixtures/schemas.ts#Nope", "--text", text],
        { OPENAI_API_KEY: "k" },
        /has no export named Nope \(it exports Contact, Recipe, default, notASchema\)/,
      ],
      [
        "an export that is not a schema",
        ["extract", "--schema", "test/fixtures/schemas.ts#notASchema", "--text", text],
        { OPENAI_API_KEY: "k" },
        /notASchema is not a schema/,
      ],
      [
        "a missing text file",
        ["extract", "--schema", schema, "--text", "gone.txt"],
        { OPENAI_API_KEY: "k" },
        /--text: cannot find gone\.txt/,
      ],
      [
        "an empty text",
        ["extract", "--schema", schema],
        { OPENAI_API_KEY: "k" },
        /no text to extract from: the input is empty/,
      ],
      [
        "a missing mock script",
        ["mock-server", "--port", "0", "--script", "none.json"],
        {},
        /--script: cannot find none\.json/,
      ],
      [
        "both --script and --replay",
        ["mock-server", "--script", "a", "--replay", "b"],
        {},
        /do not go together/,
      ],
      ["a port out of range", ["mock-server", "--port", "70000"], {}, /port number from 0 to 65535/],
    ];

    it.each(cases)("%s", async (_name, args, env, message) => {
      expectOneLineError(await cli(args, { env }), 2, message);
    });

    it("a schema module that does not compile", async () => {
      const file = join(dir, "broken.ts");
      writeFileSync(file, "export const X = ;\n");
      const run = await cli(["extract", "--schema", `${file}#X`, "--text", text], {
        env: { OPENAI_API_KEY: "k" },
      });
      expectOneLineError(run, 2, /--schema: cannot load .*broken\.ts: TransformError: .*Unexpected ";"/);
    });

    it("a port already taken", async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const port = String((taken.address() as { port: number }).port);
      try {
        expectOneLineError(
          await cli(["mock-server", "--port", port]),
          2,
          /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
        );
      } finally {
        taken.close();
      }
    });
  });

  describe("failures while streaming: exit 1", () => {
    /** A live run of `command` against the mock server, which answers with `script`. */
    async function against(
      script: MockScript,
      args: string[] = [],
      command: "demo" | "extract" = "demo",
    ): Promise<Run> {
      const server = await startMockProvider({ defaultScript: script });
      const input = command === "extract" ? ["extract", "--schema", schema, "--text", text] : ["demo"];
      try {
        return await cli([...input, "--provider", "openai", "--max-retries", "0", ...args], {
          env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${server.url}/v1` },
        });
      } finally {
        await server.close();
      }
    }
    const call = (args: string) => ({ toolCalls: [{ name: "MeetingInfo", arguments: args }] });

    it("the provider refuses the key", async () => {
      const run = await against(
        { fault: { status: 401, message: "Incorrect API key provided" } },
        [],
        "extract",
      );
      expectOneLineError(run, 1, /^fieldstream: ProviderError: .*401.*Incorrect API key provided/);
    });

    it("the provider breaks off mid-stream", async () => {
      const run = await against({
        ...call('{"users":[],"date":"2025-05-14","location":"Hall B"'),
        fault: { errorEventAfter: 3, message: "The server had an error" },
      });
      expectOneLineError(
        run,
        1,
        /^fieldstream: ProviderError: .*The server had an error/,
        /^(users = \[\]\n)?$/,
      );
    });

    it("the answer does not match the schema", async () => {
      const run = await against(
        call('{"users":[],"date":"2025-05-14","location":"Hall B","budget":"lots","deadline":"soon"}'),
      );
      expectOneLineError(
        run,
        1,
        /^fieldstream: (Field)?ValidationError: .*budget/,
        /^users = \[\]\ndate = "2025-05-14"\n/,
      );
    });

    it("the answer is cut off by the token limit", async () => {
      const run = await against({ ...call('{"users":[],"date":"2025-05-14","loca'), finishReason: "length" });
      expectOneLineError(
        run,
        1,
        /^fieldstream: IncompleteOutputError: /,
        /^users = \[\]\ndate = "2025-05-14"\n$/,
      );
    });

    it("the server cannot be reached", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      const run = await cli(["demo", "--max-retries", "0", "--base-url", `http://127.0.0.1:${port}/v1`]);
      expectOneLineError(run, 1, /^fieldstream: ProviderError: .*[Cc]onnection/);
    });

    it("with --json output, the failure is the same one line", async () => {
      const run = await against({ fault: { status: 500, message: "Boom" } }, ["--json"]);
      expectOneLineError(run, 1, /ProviderError: .*Boom/);
    });
  });

  describe("interrupting", () => {
    it("Ctrl-C cancels the request and exits 130 with one line", async () => {
      let sent = false;
      const run = await cli(["demo", "--speed", "2"], {
        onStdout: (_text, child) => {
          if (!sent) {
            sent = true;
            child.kill("SIGINT");
          }
        },
      });
      expect(run.code).toBe(130);
      expect(linesOf(run.stdout).length).toBeLessThan(13);
      expect(linesOf(run.stderr).at(-1)).toBe("fieldstream: cancelled");
      expect(run.stderr).not.toMatch(/^\s+at /m);
    });
  });

  describe("help", () => {
    it.each([
      [[], /Usage: fieldstream \[options\] \[command\][\s\S]*demo[\s\S]*extract[\s\S]*mock-server/],
      [["--help"], /Usage: fieldstream \[options\] \[command\]/],
      [["demo", "--help"], /Usage: fieldstream demo \[options\][\s\S]*--provider <name>[\s\S]*Exit codes/],
      [
        ["extract", "--help"],
        /Usage: fieldstream extract \[options\][\s\S]*--schema <module#export>[\s\S]*--fields/,
      ],
      [
        ["mock-server", "--help"],
        /Usage: fieldstream mock-server \[options\][\s\S]*--port <port>[\s\S]*--replay <file>/,
      ],
      [["help", "demo"], /Usage: fieldstream demo/],
    ])("fieldstream %j", async (args, usage) => {
      const run = await cli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(usage);
      expect(run.stderr).toBe("");
    });

    it("--version", async () => {
      const run = await cli(["--version"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    });
  });
});
