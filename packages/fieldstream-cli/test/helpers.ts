// Running the built `fieldstream` command as a person or a pipe would: its own process, an environment
// without provider keys (so the tests never reach a real API), and its exit code and both outputs.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** Fails with the fix when the command has not been built (npm test builds it first). */
export function requireBuild(): void {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" first (npm test does)`);
}

/** Variables that would send a run to a real provider, or change colours, removed. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(OPENAI|ANTHROPIC|GEMINI|GOOGLE)_/.test(name) || name === "NO_COLOR" || name === "FORCE_COLOR")
      continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string>;
  /** Written to stdin, which is then closed; stdin is closed at once without it. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Called with each piece of stdout as it arrives, and the child, e.g. to interrupt it. */
  readonly onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
}

export function cli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: cleanEnv(options.env) });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      stdout += text;
      options.onStdout?.(text, child);
    });
    child.stderr.on("data", (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `fieldstream ${args.join(" ")} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Starts `fieldstream mock-server` on a free port and resolves once it listens. */
export function startMockServerCommand(
  args: readonly string[] = [],
): Promise<{ url: string; log: () => string; stop: () => Promise<Run> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "mock-server", "--port", "0", ...args], {
      cwd: root,
      env: cleanEnv(),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr += text;
    });
    const closed = new Promise<Run>((done) => {
      child.on("close", (code, signal) => done({ code, signal, stdout, stderr }));
    });
    child.stdout.on("data", (text: string) => {
      stdout += text;
      const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(stdout)?.[1];
      if (url !== undefined) {
        resolve({
          url,
          log: () => stderr,
          stop: () => {
            child.kill("SIGTERM");
            return closed;
          },
        });
      }
    });
    child.on("error", reject);
    void closed.then((run) => reject(new Error(`mock-server exited early: ${run.stderr}`)));
  });
}

/** The lines of a text, without the empty one after the last line break. */
export function linesOf(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The line a piped run prints for each field of the meeting, in the order they complete. */
export const fieldLines = [
  'users[0].name = "Priya Raman"',
  'users[0].email = "priya.raman@example.org"',
  'users[0].twitter = "@priyabuilds"',
  'users[1].name = "Tomás Oliveira"',
  'users[1].email = "tomas.o@example.net"',
  'users[1].twitter = "@tomas_codes"',
  'users[2].name = "Hannah Becker"',
  'users[2].email = "hbecker@example.com"',
  'users[2].twitter = "@hannahb_dev"',
  'date = "2025-05-14"',
  'location = "Hall B, Riverside Convention Centre, 200 Quay Street"',
  "budget = 48500",
  'deadline = "2025-04-02"',
];
