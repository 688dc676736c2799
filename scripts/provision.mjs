// The first step of `npm test`: makes sure the system tools the tests drive are here (Chromium for the
// browser tests, redis-server for the Redis store, tmux for the terminal), installing them where it can.

import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

/** What the tests need: the executable they run, and the Debian package that provides it. */
const TOOLS = [
  { need: "the browser tests", file: "/usr/bin/chromium", apt: "chromium" },
  { need: "the Redis store tests", command: "redis-server", apt: "redis-server" },
  { need: "the terminal tests", command: "tmux", apt: "tmux" },
];

function onPath(command) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

function present(tool) {
  return tool.file ? existsSync(tool.file) : onPath(tool.command);
}

function isDebianLike() {
  if (process.platform !== "linux" || !existsSync("/etc/os-release")) return false;
  const release = readFileSync("/etc/os-release", "utf8");
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release) && onPath("apt-get");
}

function fail(lines) {
  process.stderr.write(`${lines.join("\n")}\n`);
  process.exit(1);
}

const missing = TOOLS.filter((tool) => !present(tool));
if (missing.length === 0) process.exit(0);

const packages = missing.map((tool) => tool.apt);
const why = missing.map((tool) => `  ${tool.apt} (${tool.need})`);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

if (!isDebianLike()) {
  fail([
    "npm test needs these system tools, and they are not installed:",
    ...why,
    "This machine is not Debian or Ubuntu, so they cannot be installed for you. Install them with your",
    "package manager (Chromium must be at /usr/bin/chromium), then run npm test again.",
  ]);
}
if (!isRoot) {
  fail([
    "npm test needs these system tools, and they are not installed:",
    ...why,
    "Run this once, then npm test again:",
    `  sudo apt-get update && sudo apt-get install -y ${packages.join(" ")}`,
  ]);
}

process.stderr.write(`npm test: installing what the tests need: ${packages.join(", ")}\n`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [
  ["-qq", "update"],
  ["-qq", "-o", "Dpkg::Use-Pty=0", "install", "-y", ...packages],
]) {
  const run = spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env });
  if (run.status !== 0) fail([`npm test: apt-get ${args.join(" ")} failed (exit ${run.status}).`]);
}
const still = missing.filter((tool) => !present(tool));
if (still.length > 0) {
  fail([`npm test: still missing after apt-get: ${still.map((tool) => tool.apt).join(", ")}`]);
}
process.stderr.write(`npm test: installed ${packages.join(", ")}\n`);
