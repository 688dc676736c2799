// The standard JSON conformance corpora (JSONTestSuite, JSON_checker) fed whole, one code unit at a
// time and in random chunkings: the parser must agree with JSON.parse on every file, whatever the cuts.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createPartialParser, JsonStreamError, type JsonValue, type PartialParserOptions } from "./index.js";

const SUITE = fileURLToPath(new URL("../../test/fixtures/json/JSONTestSuite/test_parsing/", import.meta.url));
const CHECKER = fileURLToPath(new URL("../../test/fixtures/json/jsonchecker/", import.meta.url));

/**
 * Bytes decoded as a browser's TextDecoder would, except that a byte-order mark is kept: JSON.parse
 * rejects U+FEFF before a value, and both parsers must see the very same text to be compared.
 */
function decode(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/** A small seeded generator (mulberry32), so a failing chunking can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Mostly small cuts, now and then a long one, as network reads come. */
function randomChunks(text: string, next: () => number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = next() < 0.1 ? 1 + Math.floor(next() * 64) : 1 + Math.floor(next() * 8);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

type Outcome = { ok: true; value: JsonValue } | { ok: false; error: JsonStreamError };

function feed(chunks: readonly string[], options?: PartialParserOptions): Outcome {
  const parser = createPartialParser(options);
  try {
    for (const chunk of chunks) {
      parser.push(chunk);
      void parser.value;
    }
    return { ok: true, value: parser.end() };
  } catch (error) {
    if (!(error instanceof JsonStreamError)) throw error;
    return { ok: false, error };
  }
}

function reference(text: string): { ok: true; value: JsonValue } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

/** The three ways every file is fed, each compared with JSON.parse and with each other. */
function chunkings(name: string, text: string): [string, string[]][] {
  const next = random(seedOf(name));
  const ways: [string, string[]][] = [
    ["whole", [text]],
    ["by code unit", [...text].flatMap((c) => (c.length === 2 ? [c[0]!, c[1]!] : [c]))],
  ];
  for (let k = 0; k < 20; k++) ways.push([`random #${k}`, randomChunks(text, next)]);
  return ways;
}

function expectAgreement(name: string, text: string, options?: PartialParserOptions) {
  const expected = reference(text);
  let firstOffset: number | undefined;
  for (const [way, chunks] of chunkings(name, text)) {
    const outcome = feed(chunks, options);
    if (expected.ok) {
      expect(outcome, `${name} (${way})`).toEqual({ ok: true, value: expected.value });
    } else {
      expect(outcome.ok, `${name} (${way}) must fail`).toBe(false);
      const error = (outcome as { error: JsonStreamError }).error;
      expect(error.name).toBe("JsonStreamError");
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
      // Where an error is reported must not depend on how the text was cut.
      firstOffset ??= error.offset;
      expect(error.offset, `${name} (${way}) offset`).toBe(firstOffset);
    }
  }
  return expected;
}

describe("JSONTestSuite", () => {
  const files = readdirSync(SUITE).filter((f) => f.endsWith(".json"));

  it("has the whole corpus", () => {
    expect(files.filter((f) => f.startsWith("y_")).length).toBe(95);
    expect(files.filter((f) => f.startsWith("n_")).length).toBe(188);
    expect(files.filter((f) => f.startsWith("i_")).length).toBe(35);
  });

  for (const prefix of ["y_", "n_", "i_"]) {
    it(`agrees with JSON.parse on every ${prefix} file, in every chunking`, () => {
      for (const name of files.filter((f) => f.startsWith(prefix))) {
        const expected = expectAgreement(name, decode(readFileSync(join(SUITE, name))));
        if (prefix === "y_") expect(expected.ok, `${name} is valid`).toBe(true);
        if (prefix === "n_") expect(expected.ok, `${name} is invalid`).toBe(false);
      }
    });
  }

  it("fails a hundred thousand open brackets with a typed error", () => {
    const text = decode(readFileSync(join(SUITE, "n_structure_100000_opening_arrays.json")));
    const outcome = feed([text]);
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: JsonStreamError }).error.code).toBe("max-depth");
  });
});

describe("JSON_checker", () => {
  const files = readdirSync(CHECKER).filter((f) => f.endsWith(".json"));

  // Valid JSON text although named "fail": the EXCLUDE files and the over-64-bit integer are valid
  // under RFC 8259, and JSON.parse reads an exponent past the double range as Infinity.
  const VALID_FAILS = new Set([
    "fail01_EXCLUDE.json",
    "fail18_EXCLUDE.json",
    "fail39_EXCLUDE.json",
    "fail41_toolarge.json",
    "fail60.json",
    "fail73.json",
  ]);
  // Invalid only as bytes (bad UTF-8 inside a string), which the decoder is there to catch.
  const BAD_BYTES = new Set(["fail34.json", "fail71.json"]);

  it("agrees with JSON.parse on every pass and fail file", () => {
    for (const name of files) {
      const bytes = readFileSync(join(CHECKER, name));
      const expected = expectAgreement(name, decode(bytes));
      const valid = name.startsWith("pass") || VALID_FAILS.has(name) || BAD_BYTES.has(name);
      expect(expected.ok, name).toBe(valid);
      if (BAD_BYTES.has(name))
        expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    }
  });

  /** Values read line by line: each value ends at the end of the line where JSON.parse first accepts it. */
  function linesReference(text: string): JsonValue[] | undefined {
    const values: JsonValue[] = [];
    let pending = "";
    for (const line of text.split("\n")) {
      pending += `${line}\n`;
      if (pending.trim() === "") continue;
      const parsed = reference(pending);
      if (parsed.ok) {
        values.push(parsed.value);
        pending = "";
      }
    }
    return pending.trim() === "" ? values : undefined;
  }

  for (const name of ["pass01.ndjson", "pass02.ndjson", "fail01.ndjson"]) {
    it(`reads ${name} as a sequence of values`, () => {
      const text = decode(readFileSync(join(CHECKER, name)));
      const expected = linesReference(text);
      expect(expected !== undefined, name).toBe(name.startsWith("pass"));
      for (const [way, chunks] of chunkings(name, text)) {
        const outcome = feed(chunks, { multiple: true });
        if (expected) expect(outcome, `${name} (${way})`).toEqual({ ok: true, value: expected });
        else expect(outcome.ok, `${name} (${way})`).toBe(false);
      }
    });
  }
});
