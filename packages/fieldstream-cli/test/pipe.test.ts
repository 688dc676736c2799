// The built command end to end with its output piped, as a script uses it: lines per field, NDJSON,
// every provider's SDK against the mock server, recordings replayed, and any schema module extracted.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockProvider } from "fieldstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingAnswer } from "../src/meeting.js";
import { cli, fieldLines, linesOf, requireBuild, root, startMockServerCommand } from "./helpers.js";

const recipe = {
  title: "Lentil soup",
  servings: 4,
  ingredients: [
    { item: "red lentils", grams: 250 },
    { item: "carrots", grams: 150 },
  ],
  vegetarian: true,
};

let server: Awaited<ReturnType<typeof startMockServerCommand>>;
let dir: string;
beforeAll(async () => {
  requireBuild();
  // One `fieldstream mock-server` for every run that goes "live" through it.
  server = await startMockServerCommand(["--delay", "0"]);
  dir = mkdtempSync(join(tmpdir(), "fieldstream-cli-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const stopped = await server.stop();
  expect(stopped.code).toBe(0);
});

// One concurrent suite: each test is its own process, so they can all run side by side.
describe.concurrent("fieldstream, piped", () => {
  describe("demo, piped", () => {
    it("prints one line per completed field, then the validated JSON, paced like a model; notes go to stderr", async () => {
      const started = performance.now();
      const run = await cli(["demo", "--speed", "9"]);
      // About 110 tokens 10 ms apart: over a second of streaming.
      expect(performance.now() - started).toBeGreaterThan(1100);
      expect(run.code).toBe(0);
      const lines = linesOf(run.stdout);
      expect(lines.slice(0, fieldLines.length)).toEqual(fieldLines);
      expect(JSON.parse(lines.slice(fieldLines.length).join("\n"))).toEqual(meetingAnswer);
      expect(run.stderr).toContain("Offline replay");
      expect(run.stderr).toContain("Go live: set OPENAI_API_KEY");
      expect(run.stderr).toMatch(
        /✓ valid MeetingInfo · 13 fields · 110 tokens.* · attempt 1 · offline replay · openai · gpt-4o/,
      );
      expect(run.stdout).not.toMatch(/\x1b/);
    });

    it("--json prints NDJSON partials that grow to the validated object; --record keeps the stream", async () => {
      const file = join(dir, "meeting.jsonl");
      const run = await cli(["demo", "--fast", "--json", "--record", file]);
      expect(run.code).toBe(0);
      const partials = linesOf(run.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(partials.length).toBeGreaterThan(20);
      expect(partials.at(-1)).toEqual(meetingAnswer);
      expect(Object.keys(partials[0]!).length).toBeLessThan(Object.keys(meetingAnswer).length);
      // Each line is a new state: no line repeats the one before.
      for (let i = 1; i < partials.length; i++) expect(partials[i]).not.toEqual(partials[i - 1]);

      // The recording replays through the same SDK, to the same answer.
      const chunks = linesOf(readFileSync(file, "utf8")).map(
        (line) => JSON.parse(line) as { object?: string },
      );
      expect(chunks.length).toBeGreaterThan(50);
      expect(chunks[0]?.object).toBe("chat.completion.chunk");
      const replayed = await cli(["demo", "--replay", file, "--fast"]);
      expect(replayed.code).toBe(0);
      expect(linesOf(replayed.stdout).slice(0, 13)).toEqual(fieldLines);
      expect(replayed.stderr).toContain(`Replay of ${file}: a recorded openai stream`);
      expect(replayed.stderr).toMatch(/replay · openai · gpt-4o$/m);
    });

    it("--fields prints one NDJSON line per completed field", async () => {
      const run = await cli(["demo", "--fast", "--fields"]);
      expect(run.code).toBe(0);
      const fields = linesOf(run.stdout).map(
        (line) => JSON.parse(line) as { path: (string | number)[]; value: unknown },
      );
      expect(fields).toHaveLength(13);
      expect(fields[0]).toEqual({ path: ["users", 0, "name"], value: "Priya Raman" });
      expect(fields.at(-1)).toEqual({ path: ["deadline"], value: "2025-04-02" });
    });

    it("runs live through OPENAI_BASE_URL against `fieldstream mock-server`, the same code path", async () => {
      const run = await cli(["demo"], { env: { OPENAI_BASE_URL: `${server.url}/v1` } });
      expect(run.code).toBe(0);
      const lines = linesOf(run.stdout);
      expect(lines.slice(0, 13)).toEqual(fieldLines);
      expect(JSON.parse(lines.slice(13).join("\n"))).toEqual(meetingAnswer);
      expect(run.stderr).not.toContain("Offline replay");
      expect(run.stderr).toMatch(/✓ valid MeetingInfo .* compatible \(127\.0\.0\.1:\d+\) · llama3\.2$/m);
      expect(server.log()).toMatch(/^POST \/v1\/chat\/completions openai-chat stream model=llama3\.2$/m);
    });

    it.each([
      ["openai", { OPENAI_API_KEY: "k" }, "tools"],
      ["anthropic", { ANTHROPIC_API_KEY: "k" }, "tools"],
      ["gemini", { GEMINI_API_KEY: "k" }, "json_schema"],
      ["gemini", { GEMINI_API_KEY: "k" }, "tools"],
      ["compatible", {}, "md_json"],
    ] as const)(
      "streams through the %s SDK (%o, mode %s), and replays what it recorded",
      async (provider, env, mode) => {
        const base = provider === "openai" || provider === "compatible" ? `${server.url}/v1` : server.url;
        const file = join(dir, `${provider}-${mode}.jsonl`);
        const args = ["--provider", provider, "--base-url", base, "--mode", mode, "--record", file];
        const run = await cli(["demo", ...args, "--fields"], { env });
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        expect(linesOf(run.stdout)).toHaveLength(13);
        // The recording says whose stream it is and where the JSON is: no flags needed to replay it.
        const replayed = await cli(["demo", "--replay", file, "--fast", "--fields"]);
        expect(replayed.code).toBe(0);
        expect(replayed.stdout).toBe(run.stdout);
      },
    );
  });

  describe("extract, piped", () => {
    const schema = "test/fixtures/schemas.ts#Recipe";
    const text = "test/fixtures/recipe.txt";

    it("loads a TypeScript schema module and extracts from --text", async () => {
      const mock = await startMockProvider({
        defaultScript: { toolCalls: [{ name: "Recipe", arguments: JSON.stringify(recipe) }], chunks: 3 },
      });
      try {
        const run = await cli(["extract", "--schema", schema, "--text", text, "--provider", "openai"], {
          env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${mock.url}/v1` },
        });
        expect(run.stderr).toMatch(/^✓ valid Recipe · 7 fields/);
        expect(run.code).toBe(0);
        const lines = linesOf(run.stdout);
        expect(lines.slice(0, 3)).toEqual([
          'title = "Lentil soup"',
          "servings = 4",
          'ingredients[0].item = "red lentils"',
        ]);
        expect(JSON.parse(lines.slice(7).join("\n"))).toEqual(recipe);
        const request = mock.requests[0]!.body as {
          messages: { content: string }[];
          tools: { function: { name: string; parameters: { required: string[] } } }[];
        };
        expect(request.messages[0]!.content).toContain("Grandma's lentil soup feeds four");
        expect(request.tools[0]!.function.name).toBe("Recipe");
        expect(request.tools[0]!.function.parameters.required).toContain("ingredients");
      } finally {
        await mock.close();
      }
    });

    it("reads the text from stdin and prints NDJSON fields with --fields", async () => {
      const mock = await startMockProvider({ defaultScript: { text: JSON.stringify(recipe), chunks: 5 } });
      try {
        const run = await cli(["extract", "--schema", schema, "--fields"], {
          env: { OPENAI_BASE_URL: `${mock.url}/v1` },
          input: readFileSync(join(root, text), "utf8"),
        });
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        const fields = linesOf(run.stdout).map((line) => JSON.parse(line) as unknown);
        expect(fields).toContainEqual({ path: ["ingredients", 1, "grams"], value: 150 });
        expect(fields).toHaveLength(7);
        const body = mock.requests[0]!.body as {
          response_format: { type: string };
          messages: { content: string }[];
        };
        // A compatible server is asked for a JSON response rather than a forced tool.
        expect(body.response_format.type).toBe("json_schema");
        expect(body.messages[0]!.content).toContain("No meat in it.");
      } finally {
        await mock.close();
      }
    });

    it("uses the module's default export when no name is given, and --json for partials", async () => {
      const contact = { name: "Ada", email: "ada@example.org" };
      const mock = await startMockProvider({ defaultScript: { text: JSON.stringify(contact) } });
      try {
        const run = await cli(["extract", "--schema", "test/fixtures/schemas.ts", "--json", "--text", text], {
          env: { OPENAI_BASE_URL: `${mock.url}/v1` },
        });
        expect(run.code).toBe(0);
        expect(JSON.parse(linesOf(run.stdout).at(-1)!)).toEqual(contact);
      } finally {
        await mock.close();
      }
    });
  });
});
