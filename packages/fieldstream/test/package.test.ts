// Checks the built package as a consumer sees it: the exports map, ESM and CommonJS entry points,
// type declarations for each.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as {
  exports: Record<
    string,
    { import: { types: string; default: string }; require: { types: string; default: string } }
  >;
};

describe("the built package", () => {
  it("has every file its exports map names", () => {
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      if (typeof entry === "string") continue;
      for (const file of [
        entry.import.types,
        entry.import.default,
        entry.require.types,
        entry.require.default,
      ]) {
        expect(existsSync(`${root}/${file}`), `${subpath}: ${file}`).toBe(true);
      }
    }
  });

  it("works through import and require under its own name", async () => {
    const esm = await import("fieldstream");
    const require = createRequire(import.meta.url);
    const cjs = require("fieldstream") as typeof esm;
    for (const api of [esm, cjs]) {
      const parser = api.createPartialParser();
      parser.push('{"a":[1,"tw');
      expect(parser.value).toEqual({ a: [1, "tw"] });
      expect(() => api.parsePartial("{]")).toThrow(api.JsonStreamError);
    }
    for (const subpath of ["fieldstream/react", "fieldstream/http", "fieldstream/testing"]) {
      await expect(import(subpath)).resolves.toBeDefined();
      expect(require(subpath)).toBeDefined();
    }
  });

  it("shares one copy of each class between entry points, in ESM and in CommonJS", async () => {
    const require = createRequire(import.meta.url);
    const serialized = {
      name: "JsonStreamError",
      message: "cut",
      code: "unexpected-end",
      offset: 3,
      line: 1,
      column: 4,
      excerpt: "",
    };
    const esmRoot = await import("fieldstream");
    const esmHttp = (await import("fieldstream/http")) as { reviveError(e: unknown): unknown };
    expect(esmHttp.reviveError(serialized)).toBeInstanceOf(esmRoot.JsonStreamError);
    const cjsRoot = require("fieldstream") as typeof esmRoot;
    const cjsHttp = require("fieldstream/http") as typeof esmHttp;
    expect(cjsHttp.reviveError(serialized)).toBeInstanceOf(cjsRoot.JsonStreamError);
  });
});
