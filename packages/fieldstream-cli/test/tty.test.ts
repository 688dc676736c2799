// The demo in a real terminal: tmux runs it in a pseudo-terminal, and the screen is read back while
// it streams, to see the live view drawn in place, in colour or without, at any width.

import { execFile, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { meetingAnswer } from "../src/meeting.js";
import { displayWidth } from "../src/text.js";
import { bin, cleanEnv, requireBuild, root } from "./helpers.js";

const exec = promisify(execFile);

beforeAll(() => {
  requireBuild();
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
  } catch {
    throw new Error("the terminal tests need tmux: apt-get install tmux (.ci/run installs it)");
  }
});

/** A status line of the live view: the one line that must never appear twice. */
const STATUS = /· fields \d+\/\d+( ·|$)/;
const SPINNER = "[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]";
const SUMMARY = /^✓ valid MeetingInfo · 13 fields/m;
const EXIT = /^\[exit (\d+)\]$/m;

interface Screen {
  /** What the pane showed at each poll, while the command ran. */
  readonly snapshots: string[];
  /** Everything the terminal holds, scrollback included, once the command has ended. */
  readonly history: string;
  /** The same with its colour codes. */
  readonly colored: string;
  /** The history with wrapped lines joined, so a line wider than the pane shows as one long line. */
  readonly joined: string;
  readonly exitCode: number;
}

let sessions = 0;

/** Runs `fieldstream demo ...args` in a fresh tmux server and watches the pane until it exits. */
async function watch(options: {
  readonly width: number;
  readonly height: number;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** Press Ctrl-C once the screen shows this. */
  readonly interruptWhen?: RegExp;
}): Promise<Screen> {
  const socket = `fieldstream-test-${process.pid}-${++sessions}`;
  const tmux = async (...args: string[]) =>
    (await exec("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" })).stdout;
  // The shell traps Ctrl-C so it lives on to report the command's exit code.
  const command = `trap true INT; node ${JSON.stringify(bin)} demo ${options.args.join(" ")}; echo "[exit $?]"; sleep 60`;
  await exec(
    "tmux",
    [
      ...["-L", socket, "-f", "/dev/null", "new-session", "-d"],
      ...["-x", String(options.width), "-y", String(options.height), "-c", root, command],
    ],
    { env: cleanEnv(options.env) },
  );
  try {
    const snapshots: string[] = [];
    let interrupted = false;
    const deadline = Date.now() + 25_000;
    for (;;) {
      const screen = await tmux("capture-pane", "-p");
      snapshots.push(screen);
      if (EXIT.test(screen)) break;
      if (options.interruptWhen?.test(screen) && !interrupted) {
        interrupted = true;
        await tmux("send-keys", "C-c");
      }
      if (Date.now() > deadline) throw new Error(`the demo did not finish; the screen shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const history = await tmux("capture-pane", "-p", "-S", "-");
    const colored = await tmux("capture-pane", "-p", "-e", "-S", "-");
    const joined = await tmux("capture-pane", "-p", "-J", "-S", "-");
    return { snapshots, history, colored, joined, exitCode: Number(EXIT.exec(history)?.[1]) };
  } finally {
    const path = (await tmux("display-message", "-p", "#{socket_path}").catch(() => "")).trim();
    await tmux("kill-server").catch(() => {});
    // tmux leaves its socket file behind; a test run should not.
    if (path !== "") rmSync(path, { force: true });
  }
}

const count = (text: string, pattern: RegExp) => text.split("\n").filter((line) => pattern.test(line)).length;

/** The JSON printed after the live view. */
function finalJson(history: string): unknown {
  const lines = history.split("\n");
  const start = lines.indexOf("{");
  const end = lines.indexOf("}", start);
  return JSON.parse(lines.slice(start, end + 1).join("\n"));
}

describe.concurrent("fieldstream demo in a terminal", () => {
  it("redraws the view in place while streaming, then prints the validated object", async () => {
    const screen = await watch({ width: 100, height: 40, args: ["--speed", "6"] });
    expect(screen.exitCode).toBe(0);

    // While streaming: a field being written (with its cursor), fields done, fields not seen yet.
    const streaming = screen.snapshots.filter((s) => new RegExp(`^${SPINNER} streaming `, "m").test(s));
    expect(streaming.length).toBeGreaterThan(3);
    const during = streaming.find(
      (s) => /^\s+✓ name\s+"Priya Raman"$/m.test(s) && /^\s+▸ \w+\s+"[^"]*▌$/m.test(s),
    );
    expect(during, streaming.join("\n----\n")).toBeDefined();
    expect(during).toMatch(/^ {2}· deadline\s+…$/m);
    expect(during).toMatch(
      new RegExp(
        `^${SPINNER} streaming · offline replay · openai · gpt-4o · \\d+ chars/s · fields \\d+/\\d+ · \\d+\\.\\ds · attempt 1$`,
        "m",
      ),
    );
    const counts = new Set(streaming.map((s) => /fields (\d+)\//.exec(s)?.[1]));
    expect(counts.size).toBeGreaterThanOrEqual(3);

    // In place: no screen ever held two status lines, and nothing scrolled into the history twice.
    for (const snapshot of screen.snapshots) expect(count(snapshot, STATUS)).toBeLessThanOrEqual(1);
    expect(count(screen.history, STATUS)).toBe(1);
    expect(count(screen.history, /^[✓▾·] MeetingInfo$/)).toBe(1);
    expect(count(screen.history, /^Offline replay: /)).toBe(1);
    expect(count(screen.history, /^\s+✓ name\s+"Priya Raman"$/)).toBe(1);

    // The end: every field marked, the status done, the object, the summary.
    expect(screen.history).toMatch(
      /^✓ done · offline replay · openai · gpt-4o · 110 tokens, \d+ tok\/s · fields 13\/13 · /m,
    );
    expect(count(screen.history, /^\s*✓ /)).toBeGreaterThanOrEqual(18);
    expect(finalJson(screen.history)).toEqual(meetingAnswer);
    expect(screen.history).toMatch(SUMMARY);

    // Colour: done marks green, and the notice in its own colour.
    expect(screen.colored).toMatch(/\x1b\[32m {6}✓ \x1b\[39mname/);
    expect(screen.colored).toMatch(/\x1b\[33m[^\n]*Offline replay/);
  });

  it("draws no colour at all with NO_COLOR, and keeps the marks", async () => {
    const screen = await watch({ width: 80, height: 40, args: ["--fast"], env: { NO_COLOR: "1" } });
    expect(screen.exitCode).toBe(0);
    expect(screen.colored).not.toMatch(/\x1b\[/);
    expect(screen.history).toMatch(/^ {6}✓ name\s+"Priya Raman"$/m);
    expect(count(screen.history, STATUS)).toBe(1);
    expect(finalJson(screen.history)).toEqual(meetingAnswer);
  });

  it("fits a narrow, short terminal: no line wider than the pane, still drawn in place", async () => {
    const screen = await watch({ width: 36, height: 16, args: ["--speed", "6"] });
    expect(screen.exitCode).toBe(0);
    // Before the final object (whose long lines may wrap), nothing on screen is wider than 36 columns.
    const beforeJson = screen.joined.slice(0, screen.joined.indexOf("\n{\n"));
    for (const line of beforeJson.split("\n"))
      expect(displayWidth(line.trimEnd()), line).toBeLessThanOrEqual(36);
    // 16 rows cannot hold the tree: it is windowed around the field being written.
    expect(screen.snapshots.some((s) => /⋮ \d+ more (above|below)/.test(s) && /▌/.test(s))).toBe(true);
    for (const snapshot of screen.snapshots) expect(count(snapshot, STATUS)).toBeLessThanOrEqual(1);
    expect(count(screen.history, STATUS)).toBe(1);
    expect(finalJson(screen.joined)).toEqual(meetingAnswer);
    expect(screen.history).toMatch(SUMMARY);
  });

  it("Ctrl-C cancels the request, leaves the view marked failed and exits 130", async () => {
    const screen = await watch({
      width: 90,
      height: 40,
      args: ["--speed", "2"],
      interruptWhen: /fields [2-9]\/\d+/,
    });
    expect(screen.exitCode).toBe(130);
    expect(screen.history).toMatch(/^✗ failed · .*fields \d+\/\d+ · /m);
    expect(screen.history).toMatch(/^fieldstream: cancelled$/m);
    expect(count(screen.history, STATUS)).toBe(1);
    expect(screen.history).not.toMatch(SUMMARY);
    expect(screen.history).not.toMatch(/^\s+at /m);
  });
});
