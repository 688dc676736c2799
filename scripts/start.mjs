// `npm start` (the demo) and `npm run fieldstream -- <command>`: build both packages when their sources
// changed since the last build, saying so, then run the command. After one build it starts at once.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const PACKAGES = [
  { name: "fieldstream", dir: "packages/fieldstream", built: "dist/index.js" },
  { name: "fieldstream-cli", dir: "packages/fieldstream-cli", built: "dist/main.js" },
];

/** The newest modification time of anything a build reads. */
function newestInput(dir) {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const input of ["src", "package.json", "tsup.config.ts"]) {
    const path = join(root, dir, input);
    if (existsSync(path)) visit(path);
  }
  return newest;
}

function isStale(pkg) {
  const built = join(root, pkg.dir, pkg.built);
  return !existsSync(built) || statSync(built).mtimeMs < newestInput(pkg.dir);
}

// The library's declarations feed the command's build, so a changed library rebuilds both.
const stale = PACKAGES.findIndex(isStale);
if (stale !== -1) {
  const started = performance.now();
  for (const pkg of PACKAGES.slice(stale)) {
    process.stderr.write(`Building ${pkg.name} (${pkg.dir})…\n`);
    const build = spawnSync("npm", ["run", "build", "--silent", "--workspace", pkg.name], {
      cwd: root,
      stdio: "inherit",
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`Built in ${seconds} s.\n\n`);
}

const bin = join(root, "packages/fieldstream-cli/dist/main.js");
const demo = spawn(process.execPath, [bin, ...process.argv.slice(2)], { stdio: "inherit" });
// Ctrl-C reaches the command too (same process group): it decides how to stop, and its exit is ours.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => demo.kill("SIGTERM"));
demo.on("exit", (code, signal) => {
  process.exit(code ?? (signal === "SIGINT" ? 130 : 1));
});
