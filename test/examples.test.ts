// The examples run as users would run them: as their own process, through the real SDK, against the
// mock server standing in for the provider.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type MockProvider, startMockProvider } from "fieldstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingAnswer } from "../packages/fieldstream-cli/src/meeting.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});

describe("examples/meeting.ts", () => {
  it("streams the meeting extraction and prints the validated result", async () => {
    mock.enqueue({
      toolCalls: [{ name: "Response", arguments: JSON.stringify(meetingAnswer, null, 2) }],
      chunks: 4,
      delayMs: 1,
    });
    const { stdout } = await run(process.execPath, ["--import", "tsx", "examples/meeting.ts"], {
      cwd: root,
      env: { ...process.env, OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: "test" },
      timeout: 30_000,
    });
    // One printed object per partial (console.clear only clears a terminal, so here they pile up),
    // growing until the last one holds every participant.
    const printed = stdout.split(/^\{/m).slice(1);
    expect(printed.length).toBeGreaterThan(10);
    expect(printed.at(-1)).toContain("Hannah Becker");
    expect(stdout).toContain("3 participants, budget 48500");
    const request = mock.requests.at(-1)!.body as { messages: { content: string }[]; tool_choice: unknown };
    expect(request.messages[0]!.content).toContain("Get the information about the meeting and the users");
    expect(request.tool_choice).toEqual({ type: "function", function: { name: "Response" } });
  });
});
