// The library's build: one entry per public subpath, as ESM and CommonJS, each with its declarations.
// No source maps: the package ships no sources for them to point at.
import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "react/index": "src/react/index.ts",
    "http/index": "src/http/index.ts",
    "http/redis/index": "src/http/redis/index.ts",
    "testing/index": "src/testing/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  // Shared chunks, so that every entry point uses the same classes (instanceof, private marks).
  splitting: true,
  treeshake: true,
  clean: true,
  silent: true,
});
