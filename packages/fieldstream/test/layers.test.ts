// The layer rule is real: biome rejects an import that reaches up a layer, or around a layer's
// index.ts / internal.ts, and accepts one that goes down through them.

import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
    ["schema", "../client/index.js", "up several layers"],
    ["stream", "../schema/shape.js", "around the schema layer's index and internal"],
    ["http", "../client/index.js", "sideways, to a layer http does not build on"],
    ["testing", "../json/index.js", "from the mock server, which imports nothing of the library"],
    ["errors", "../json/index.js", "from the ground floor up"],
  ])("rejects %s importing %s (%s)", async (layer, specifier) => {
    const failure = await lint(layer, specifier);
    expect(failure).toMatch(new RegExp(`Layers: ${layer}/ may import only`));
  });

  it.each([
    ["stream", "../schema/internal.js"],
    ["client", "../providers/index.js"],
    ["react", "../http/index.js"],
    ["json", "../errors/index.js"],
  ])("accepts %s importing %s", async (layer, specifier) => {
    expect(await lint(layer, specifier)).toBeUndefined();
  });
});
