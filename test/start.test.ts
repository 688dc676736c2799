// `npm start` as a newcomer runs it: after one build it goes straight to the demo, builds nothing and
// prints nothing about building; the demo's answer is the validated meeting.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { meetingAnswer } from "../packages/fieldstream-cli/src/meeting.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));

describe("npm start", () => {
  it("runs the demo at once when the build is current, and passes its flags on", async () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!/^(OPENAI|ANTHROPIC|GEMINI|GOOGLE)_/.test(name)) env[name] = value;
    }
    // npm test has just built both packages, so nothing is stale.
    const { stdout, stderr } = await run(process.execPath, ["scripts/start.mjs", "demo", "--fast"], {
      cwd: root,
      env,
      timeout: 60_000,
    });
    expect(stderr).not.toMatch(/Building/);
    // Piped, the demo prints a line per completed field, then the object.
    const json = stdout.slice(stdout.indexOf("\n{") + 1);
    expect(JSON.parse(json)).toEqual(meetingAnswer);
    expect(stderr).toMatch(/✓ valid MeetingInfo/);
  });

  it("hands a failing command's exit code back", async () => {
    const failed = await run(process.execPath, ["scripts/start.mjs", "demo", "--no-such-flag"], {
      cwd: root,
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect("code" in failed ? failed.code : 0).toBe(2);
    expect(failed.stderr).toMatch(/no-such-flag/);
  });
});
