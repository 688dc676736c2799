// The library as its users get it: packed, installed offline into an empty project, then resolved,
// loaded and type-checked from that installed copy, and linted by attw and publint.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const repo = fileURLToPath(new URL("../../..", import.meta.url));
const repoModules = join(repo, "node_modules");

/**
 * Every public entry point and the optional peer it loads at run time. Checked against the exports map,
 * so a new entry point must be added here, and with it the promise of which peer it needs.
 */
const ENTRIES: Readonly<Record<string, string | undefined>> = {
  ".": undefined,
  "./react": "react",
  "./http": undefined,
  "./http/redis": "ioredis",
  "./testing": undefined,
};
/** The entry points meant for browsers and edge runtimes, whose types must not need Node's. */
const CORE_ENTRIES = [".", "./react", "./http"];
const specifier = (subpath: string) => `fieldstream${subpath.slice(1)}`;

/** A consumer's module importing the given entry points, and using a few types that cross them. */
function consumerSource(subpaths: readonly string[]): string {
  return [
    ...subpaths.map((subpath, i) => `import * as entry${i} from "${specifier(subpath)}";`),
    `import { createPartialParser, type PartialParser } from "fieldstream";`,
    `import type { ToResponseOptions } from "fieldstream/http";`,
    `export const entries = [${subpaths.map((_, i) => `entry${i}`).join(", ")}];`,
    "export const parser: PartialParser = createPartialParser();",
    // Typed through the Headers constructor, so it must hold with and without the DOM library.
    `export const options: ToResponseOptions = { headers: [["x-trace", "1"]] };`,
  ].join("\n");
}

/** Well above today's ~650 kB: a bound that catches sources, maps or tests slipping into the package. */
const MAX_UNPACKED_BYTES = 1_000_000;

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}
interface PackageJson {
  readonly exports: Record<string, unknown>;
  readonly scripts: Record<string, string>;
  readonly dependencies?: Record<string, string>;
}
interface Loaded {
  readonly file?: string;
  readonly exports?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a consumer's shell. npm passes its config to scripts as npm_* variables, and
 * under `npm test` those would point the nested npm at this repository instead of the temp project.
 */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name)) env[name] = value;
  }
  return env;
}

/** Runs a command to its end; a non-zero exit is returned, not thrown, so a test can show the output. */
function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env: consumerEnv(), timeout: 45_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

async function succeed(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

const npm = (args: readonly string[], cwd: string) => succeed("npm", args, cwd);
const tsc = (project: string, cwd: string) =>
  run(process.execPath, [join(repoModules, "typescript/bin/tsc"), "-p", project, "--listFiles"], cwd);

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Node, inside the consumer project, reporting where each specifier resolves and what it exports. */
async function load(kind: "esm" | "cjs", specifiers: readonly string[]): Promise<Record<string, Loaded>> {
  const script = `
    const out = {};
    for (const spec of JSON.parse(process.argv[1])) {
      const entry = {};
      try {
        entry.file = ${kind === "esm" ? "(await import('node:url')).fileURLToPath(import.meta.resolve(spec))" : "require.resolve(spec)"};
        entry.exports = Object.keys(${kind === "esm" ? "await import(spec)" : "require(spec)"}).sort();
      } catch (error) {
        entry.error = { code: String(error.code), message: String(error.message) };
      }
      out[spec] = entry;
    }
    console.log(JSON.stringify(out));`;
  const args = kind === "esm" ? ["--input-type=module", "-e", script] : ["-e", script];
  const stdout = await succeed(process.execPath, [...args, JSON.stringify(specifiers)], consumer);
  return JSON.parse(stdout) as Record<string, Loaded>;
}

/** Relative link targets of a markdown file, outside code: inline links, images, references, HTML. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
  const targets = [
    ...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g),
    ...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm),
    ...prose.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/g),
  ].map((match) => match[1]!);
  return targets.filter((target) => !/^([a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target));
}

let tmp: string;
let consumer: string;
let tarball: string;
let packed: PackResult;
let pkg: PackageJson;
let installLog: string;

beforeAll(async () => {
  // The real path, as Node reports resolved files by theirs (macOS's /tmp is a link).
  tmp = await realpath(await mkdtemp(join(tmpdir(), "fieldstream-pack-")));
  consumer = join(tmp, "consumer");
  await mkdir(consumer);
  pkg = JSON.parse(await readFile(join(pkgDir, "package.json"), "utf8")) as PackageJson;
  if (!existsSync(join(pkgDir, "dist", "index.js"))) {
    throw new Error(`${pkgDir}dist is missing: run "npm run build" first (npm test does)`);
  }
  // Without scripts: npm test has just built dist, and a prepack rebuild would rewrite it under the
  // other test files that are importing it.
  const out = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], pkgDir);
  packed = (JSON.parse(out) as PackResult[])[0]!;
  tarball = join(tmp, packed.filename);
  await writeFile(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
  );
  // An empty cache as well as --offline: were npm to want anything beyond the tarball, such as an
  // optional peer, the install would fail rather than quietly take it from a warm cache.
  installLog = await npm(
    ["install", "--offline", "--cache", join(tmp, "cache"), "--no-audit", "--no-fund", tarball],
    consumer,
  );
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("the packed library", () => {
  it("holds the build, its licence and readme, and nothing else", () => {
    const files = packed.files.map((file) => file.path);
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      for (const file of JSON.stringify(target).match(/\.\/[^"]+/g) ?? []) {
        expect(files, `${subpath}: ${file}`).toContain(file.slice(2));
      }
    }
    expect(
      files.filter(
        (file) => !/^(dist\/.+\.(js|cjs|d\.ts|d\.cts)|package\.json|LICENSE|README\.md)$/.test(file),
      ),
    ).toEqual([]);
    expect(files.filter((file) => file.endsWith(".map"))).toEqual([]);
    expect(Object.keys(ENTRIES).sort()).toEqual(
      Object.keys(pkg.exports)
        .filter((subpath) => subpath !== "./package.json")
        .sort(),
    );
    // A plain `npm pack` or `npm publish` builds first, so a stale or missing dist is never published.
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.scripts.build).toBe("tsup");
  });

  it("installs offline as exactly one package, the size of its tarball's contents", async () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    const modules = (await readdir(join(consumer, "node_modules"))).filter((name) => !name.startsWith("."));
    expect(modules).toEqual(["fieldstream"]);
    // npm's own view of the tree: the project and one package. (The JSON form also lists the missing
    // optional peers, as empty entries.)
    const tree = (await npm(["ls", "--all", "--parseable"], consumer)).trim().split("\n");
    expect(tree).toEqual([consumer, join(consumer, "node_modules", "fieldstream")]);
    expect(installLog).toMatch(/\badded 1 package\b/);
    const installed = await sizeOf(join(consumer, "node_modules", "fieldstream"));
    expect(installed).toBe(packed.unpackedSize);
    expect(installed).toBeLessThan(MAX_UNPACKED_BYTES);
    console.log(
      `fieldstream: tarball ${(packed.size / 1024).toFixed(1)} kB, installed ${(installed / 1024).toFixed(1)} kB in ${packed.files.length} files, ${modules.length} package`,
    );
  });

  it("links from its readme only to files it ships", async () => {
    const readme = packed.files.find((file) => /^readme(\.md)?$/i.test(file.path));
    if (!readme) return;
    const files = packed.files.map((file) => file.path);
    const text = await readFile(join(consumer, "node_modules", "fieldstream", readme.path), "utf8");
    const broken = relativeLinks(text).filter((link) => {
      const path = posix.normalize(decodeURI(link.replace(/[?#].*$/, ""))).replace(/\/$/, "");
      if (path === "" || path === ".") return false;
      return !files.some((file) => file === path || file.startsWith(`${path}/`));
    });
    expect(broken, "relative links in README.md to files outside the package").toEqual([]);
  });

  it("passes publint with no message at all", async () => {
    const bytes = await readFile(tarball);
    const { messages, pkg: linted } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: "suggestion",
    });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, linted)}`)).toEqual([]);
  });

  it("passes attw for every entry point under node10, node16 (CJS and ESM) and bundler", async () => {
    const result = await run(join(repoModules, ".bin", "attw"), [tarball, "--format", "json"], tmp);
    expect(result.stdout.trimStart().startsWith("{"), `attw printed no report: ${result.stderr}`).toBe(true);
    const report = JSON.parse(result.stdout) as {
      problems?: Record<string, unknown>;
      analysis: {
        problems: unknown[];
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
      };
    };
    expect(report.analysis.problems).toEqual([]);
    expect(report.problems ?? {}).toEqual({});
    expect(result.code, result.stderr).toBe(0);
    for (const subpath of Object.keys(ENTRIES)) {
      const resolutions = report.analysis.entrypoints[subpath]?.resolutions ?? {};
      for (const kind of ["node10", "node16-cjs", "node16-esm", "bundler"]) {
        expect(resolutions[kind]?.resolution?.fileName, `${subpath} under ${kind}`).toMatch(/\.d\.c?ts$/);
      }
    }
  });
});

describe("the installed library, without its optional peers", () => {
  it("resolves every entry point to its own files, and loads each that needs no peer", async () => {
    const specifiers = Object.keys(ENTRIES).map(specifier);
    const own = `${join(consumer, "node_modules", "fieldstream", "dist")}${sep}`;
    for (const kind of ["esm", "cjs"] as const) {
      const loaded = await load(kind, specifiers);
      for (const [subpath, peer] of Object.entries(ENTRIES)) {
        const entry = loaded[specifier(subpath)]!;
        expect(entry.file, `${kind} ${subpath}`).toMatch(kind === "esm" ? /\.js$/ : /\.cjs$/);
        expect(entry.file!.startsWith(own), `${kind} ${subpath}: ${entry.file}`).toBe(true);
        if (peer) {
          // Only the peer is missing: every file of the library itself was found.
          expect(entry.error?.code, `${kind} ${subpath}`).toMatch(/^(ERR_)?MODULE_NOT_FOUND$/);
          expect(entry.error?.message).toMatch(new RegExp(`'${peer}'`));
        } else {
          expect(entry.error, `${kind} ${subpath}`).toBeUndefined();
          expect(entry.exports!.length).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe("the installed library, with its peers and types", () => {
  const compilerOptions = {
    target: "ES2022",
    strict: true,
    exactOptionalPropertyTypes: true,
    // Every declaration file is checked, ours and those of the packages they reach, but not the
    // compiler's own lib files: lib.dom.d.ts alone would triple the time of the browser check.
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    noEmit: true,
  };
  const writeProject = (name: string, options: object, files: Record<string, string>) =>
    Promise.all([
      writeFile(
        join(consumer, name),
        JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files: Object.keys(files) }),
      ),
      ...Object.entries(files).map(([file, text]) => writeFile(join(consumer, file), text)),
    ]);

  beforeAll(async () => {
    // The consumer's own installs of the peers, taken from this repository rather than the network.
    for (const name of ["react", "@types/react", "ioredis"]) {
      await mkdir(join(consumer, "node_modules", name, ".."), { recursive: true });
      await symlink(join(repoModules, name), join(consumer, "node_modules", name), "dir");
    }
  });

  it("loads every entry point, with the same exports in ESM and CommonJS", async () => {
    const specifiers = Object.keys(ENTRIES).map(specifier);
    const [esm, cjs] = await Promise.all([load("esm", specifiers), load("cjs", specifiers)]);
    for (const name of specifiers) {
      expect(esm[name]!.error, name).toBeUndefined();
      expect(cjs[name]!.error, name).toBeUndefined();
      expect(esm[name]!.exports!.length, name).toBeGreaterThan(0);
      expect(cjs[name]!.exports, name).toEqual(esm[name]!.exports);
    }
  });

  it("type-checks the browser entry points with the DOM library and no Node types", async () => {
    await writeProject(
      "tsconfig.browser.json",
      { lib: ["ES2022", "DOM", "DOM.Iterable"], module: "esnext", moduleResolution: "bundler", types: [] },
      { "browser.ts": consumerSource(CORE_ENTRIES) },
    );
    const result = await tsc("tsconfig.browser.json", consumer);
    expect(result.stdout, "tsc").not.toMatch(/error TS/);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/@types[\\/]node/);
  });

  it("type-checks every entry point with Node's types and no DOM, under node16 and bundler", async () => {
    await mkdir(join(consumer, "node_modules", "@types"), { recursive: true });
    await symlink(
      join(repoModules, "@types", "node"),
      join(consumer, "node_modules", "@types", "node"),
      "dir",
    );
    const nodeOnly = { lib: ["ES2022"], types: ["node"] };
    const consumerFile = consumerSource(Object.keys(ENTRIES));
    await writeProject(
      "tsconfig.node16.json",
      { ...nodeOnly, module: "node16", moduleResolution: "node16" },
      { "consumer.mts": consumerFile, "consumer.cts": consumerFile },
    );
    await writeProject(
      "tsconfig.bundler.json",
      { ...nodeOnly, module: "esnext", moduleResolution: "bundler" },
      { "consumer.ts": consumerFile },
    );
    const projects = ["tsconfig.node16.json", "tsconfig.bundler.json"];
    const results = await Promise.all(projects.map((project) => tsc(project, consumer)));
    for (const [i, project] of projects.entries()) {
      const result = results[i]!;
      expect(result.stdout, project).not.toMatch(/error TS/);
      expect(result.code, project).toBe(0);
      // The declarations were checked from the installed copy: both .d.ts (import) and .d.cts (require).
      const own = result.stdout
        .split("\n")
        .filter((file) => file.includes("/node_modules/fieldstream/dist/"));
      expect(own.some((file) => file.endsWith(".d.ts"))).toBe(true);
      if (project.includes("node16")) expect(own.some((file) => file.endsWith(".d.cts"))).toBe(true);
    }
    // Two compilers checking all of Node's declarations: about 10 s alone, but under npm test they share
    // the cores with every other test file.
  }, 120_000);
});
