// Every TypeScript example in the READMEs and docs compiles, against the built packages, with the repo's
// strict settings: each block becomes a module of its own and the compiler's verdict is mapped back.

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
// Inside the repo, so that `fieldstream`, `zod`, `react`... resolve from its node_modules exactly as
// they would for a user of the published packages.
const cacheDir = join(root, "node_modules/.cache/readme-blocks");
let outDir: string | undefined;

/** Languages whose blocks are checked; any other block (sh, json, plain) is prose to the compiler. */
const TYPESCRIPT = new Set(["ts", "tsx", "typescript"]);
/** The one info-string word that excludes a TypeScript block: it shows a fragment on purpose. */
const PARTIAL = "partial";

interface Block {
  /** The markdown file, relative to the repo root. */
  readonly file: string;
  /** The 1-based line, in the markdown, of the block's first line of code. */
  readonly line: number;
  readonly lang: string;
  readonly words: readonly string[];
  readonly code: string;
}

/**
 * The fenced code blocks of a markdown text, as CommonMark reads them: a fence of three or more
 * backticks or tildes, closed by a fence of the same character at least as long. Fences are found
 * at any indentation, so a block inside a list item is not missed.
 */
function fencedBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = "", fence = "", info = ""] = open;
    // A backtick fence cannot have a backtick in its info string (that is inline code).
    if (fence.startsWith("`") && info.includes("`")) continue;
    const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: a code block that is never closed`);
    const [lang = "", ...words] = info.trim().split(/\s+/);
    const code = lines
      .slice(i + 1, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
      .join("\n");
    blocks.push({ file, line: i + 2, lang: lang.toLowerCase(), words, code });
    i = end;
  }
  return blocks;
}

/** The markdown files whose examples are checked, relative to the repo root. */
function markdownFiles(): string[] {
  const list = (dir: string, keep: (name: string) => boolean) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir), { withFileTypes: true }).filter((entry) => keep(entry.name))
      : [];
  const files = ["README.md"];
  for (const pkg of list("packages", () => true)) {
    if (!pkg.isDirectory()) continue;
    const dir = `packages/${pkg.name}`;
    if (existsSync(join(root, dir, "README.md"))) files.push(`${dir}/README.md`);
    for (const layer of list(`${dir}/src`, () => true)) {
      const readme = `${dir}/src/${layer.name}/README.md`;
      if (layer.isDirectory() && existsSync(join(root, readme))) files.push(readme);
    }
  }
  for (const doc of list("docs", (name) => name.endsWith(".md"))) files.push(`docs/${doc.name}`);
  return files;
}

const files = markdownFiles();
const typescriptBlocks = new Map(
  files.map((file) => [
    file,
    fencedBlocks(readFileSync(join(root, file), "utf8"), file).filter((block) => TYPESCRIPT.has(block.lang)),
  ]),
);
const checked = new Map(
  [...typescriptBlocks].map(([file, blocks]) => [
    file,
    blocks.filter((block) => !block.words.includes(PARTIAL)),
  ]),
);

/** Compiler messages per markdown file, as `file:line: message`. */
const reports = new Map<string, string[]>();

beforeAll(() => {
  if (!existsSync(join(root, "packages/fieldstream/dist/index.d.ts"))) {
    throw new Error("The examples compile against the built packages: run `npm run build` first");
  }
  mkdirSync(cacheDir, { recursive: true });
  // A directory of this run's own, so that two runs at once never overwrite each other's blocks.
  const dir = mkdtempSync(join(cacheDir, "run-"));
  outDir = dir;
  const written = new Map<string, Block>();
  for (const blocks of checked.values()) {
    for (const block of blocks) {
      const name = `${block.file.replace(/[^A-Za-z0-9]+/g, "-")}-${block.line}`;
      const path = join(dir, `${name}.${block.lang === "tsx" ? "tsx" : "ts"}`);
      writeFileSync(path, `${block.code}\n`);
      written.set(ts.sys.resolvePath(path), block);
    }
  }

  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram([...written.keys()], {
    ...options,
    noEmit: true,
    // Every block is a module of its own, even one without imports, so their names never collide.
    moduleDetection: ts.ModuleDetectionKind.Force,
  });
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const block = diagnostic.file ? written.get(ts.sys.resolvePath(diagnostic.file.fileName)) : undefined;
    let file = "(compiler)";
    let where = `TS${diagnostic.code}: ${message}`;
    if (block && diagnostic.file && diagnostic.start !== undefined) {
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      file = block.file;
      where = `${block.file}:${block.line + line}:${character + 1}: TS${diagnostic.code}: ${message}`;
    } else if (diagnostic.file) {
      where = `${diagnostic.file.fileName}: ${where}`;
    }
    reports.set(file, [...(reports.get(file) ?? []), where]);
  }
}, 120_000);

afterAll(() => {
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe("TypeScript blocks in the READMEs and docs", () => {
  it("reads the READMEs of both packages and of the library's layers", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "README.md",
        "packages/fieldstream/README.md",
        "packages/fieldstream-cli/README.md",
        "packages/fieldstream/src/react/README.md",
      ]),
    );
  });

  it("leaves nothing to the compiler that it cannot attribute to a block", () => {
    expect(reports.get("(compiler)") ?? []).toEqual([]);
  });

  it.each(files)("%s: every block compiles", (file) => {
    const all = typescriptBlocks.get(file) ?? [];
    const kept = checked.get(file) ?? [];
    // A file with examples has at least one that is checked: no file is let off by its marks.
    if (all.length > 0) expect(kept.length, "TypeScript blocks checked").toBeGreaterThan(0);
    expect(reports.get(file) ?? [], "compiler errors, at their lines in the markdown").toEqual([]);
  });
});

describe("fencedBlocks", () => {
  const markdown = [
    "Text with ```` ```json ```` inline.", // 1
    "```ts", // 2
    "const a: number = 1;", // 3
    "```", // 4
    "- item", // 5
    "  ```tsx partial", // 6
    "  const b = <div />;", // 7
    "  ```", // 8
    "````sh", // 9
    "```ts", // 10
    "````", // 11
    "~~~typescript", // 12
    "let c = 3;", // 13
    "~~~", // 14
  ].join("\n");

  it("finds blocks at any indentation, with their language, marks and first line", () => {
    expect(fencedBlocks(markdown, "x.md")).toEqual([
      { file: "x.md", line: 3, lang: "ts", words: [], code: "const a: number = 1;" },
      { file: "x.md", line: 7, lang: "tsx", words: ["partial"], code: "const b = <div />;" },
      { file: "x.md", line: 10, lang: "sh", words: [], code: "```ts" },
      { file: "x.md", line: 13, lang: "typescript", words: [], code: "let c = 3;" },
    ]);
  });

  it("refuses a block that is never closed", () => {
    expect(() => fencedBlocks("```ts\nconst a = 1;\n", "x.md")).toThrow("x.md:1");
  });
});
