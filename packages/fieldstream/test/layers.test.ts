// The layer rule is real: biome rejects an import that reaches up a layer, or around a layer's
// index.ts / internal.ts, and accepts one that goes down through them.

import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../..", import.meta.url));
const src = join(repo, "packages/fieldstream/src");
const biome = join(repo, "node_modules/@biomejs/biome/bin/biome");

/** Lints one module placed in `layer` that makes `specifier`'s import; the rule's message if it fails. */
async function lint(layer: string, specifier: string): Promise<string | undefined> {
  const file = join(src, layer, `layer-probe-${process.pid}-${Math.random().toString(36).slice(2)}.ts`);
  await writeFile(
    file,
    `import * as probe from ${JSON.stringify(specifier)};\n\nexport const used = probe;\n`,
  );
  try {
    await run(process.execPath, [biome, "lint", file], { cwd: repo });
    return undefined;
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
    return /noRestrictedImports/.test(output) ? output : `other failure: ${output}`;
  } finally {
    await rm(file, { force: true });
  }
}

describe("the layer rule", () => {
  it.each([
    ["json", "../stream/index.js", "up a layer"],
    ["schema", "../llm/index.js", "up several layers"],
    ["stream", "../schema/shape.js", "around the schema layer's index and internal"],
    ["http", "../llm/index.js", "sideways, to a layer http does not build on"],
    ["llm/openai-chat", "../../http/index.js", "from a provider's folder, sideways"],
    ["llm/gemini", "../../schema/shape.js", "from a provider's folder, around the schema layer's index"],
    ["testing", "../json/index.js", "from the mock server, which imports nothing of the library"],
    ["errors", "../json/index.js", "from the ground floor up"],
  ])("rejects %s importing %s (%s)", async (layer, specifier) => {
    const failure = await lint(layer, specifier);
    expect(failure).toMatch(new RegExp(`Layers: ${layer.split("/")[0]}/ may import only`));
  });

  it.each([
    ["stream", "../schema/internal.js"],
    ["llm", "../stream/index.js"],
    ["llm/anthropic", "../../stream/index.js"],
    ["react", "../http/index.js"],
    ["json", "../errors/index.js"],
  ])("accepts %s importing %s", async (layer, specifier) => {
    expect(await lint(layer, specifier)).toBeUndefined();
  });
});

/** Every module of the library (tests aside) and the modules it imports, by path from `src`. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  const files = (await readdir(src, { recursive: true })).filter(
    (file) => file.endsWith(".ts") && !/\.test(-d)?\.ts$/.test(file),
  );
  for (const file of files) {
    const text = await readFile(join(src, file), "utf8");
    const targets: string[] = [];
    for (const match of text.matchAll(/^(?:import|export)[^;]*?from "(\.{1,2}\/[^"]+)\.js";/gms)) {
      targets.push(relative(src, resolve(dirname(join(src, file)), `${match[1]}.ts`)));
    }
    graph.set(file, targets);
  }
  return graph;
}

describe("the import graph", () => {
  it("has no cycle between modules", async () => {
    const graph = await importGraph();
    expect(graph.size).toBeGreaterThan(50);
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    // Iterative depth-first search: a module met again while still open closes a cycle.
    for (const start of graph.keys()) {
      if (state.has(start)) continue;
      const stack: { file: string; next: number }[] = [{ file: start, next: 0 }];
      state.set(start, "open");
      while (stack.length > 0) {
        const top = stack.at(-1)!;
        const target = graph.get(top.file)?.[top.next++];
        if (target === undefined) {
          state.set(top.file, "done");
          stack.pop();
        } else if (state.get(target) === "open") {
          const from = stack.findIndex((frame) => frame.file === target);
          cycles.push([...stack.slice(from).map((frame) => frame.file), target].join(" -> "));
        } else if (!state.has(target) && graph.has(target)) {
          state.set(target, "open");
          stack.push({ file: target, next: 0 });
        }
      }
    }
    expect(cycles).toEqual([]);
  });
});
