import { defineConfig, type Options } from "tsup";

// The library: one entry per public subpath, as ESM and CommonJS, each with its declarations.
const library: Options = {
  entry: {
    index: "src/index.ts",
    "react/index": "src/react/index.ts",
    "http/index": "src/http/index.ts",
    "http/redis/index": "src/http/redis/index.ts",
    "testing/index": "src/testing/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  target: "node20",
  // Shared chunks, so that every entry point uses the same classes (instanceof, private marks).
  splitting: true,
  treeshake: true,
  silent: true,
};

// The command line: Node only, ESM only.
const cli: Options = {
  entry: { "cli/main": "src/cli/main.ts" },
  format: ["esm"],
  sourcemap: true,
  target: "node20",
  platform: "node",
  silent: true,
};

export default defineConfig([library, cli]);
