// Builds the demo page. fieldstream's subpaths point at the source, so the page always runs the code
// under test and needs no library build first.

import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const source = (path: string) =>
  fileURLToPath(new URL(`../../packages/fieldstream/src/${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^fieldstream\/react$/, replacement: source("react/index.ts") },
      { find: /^fieldstream\/http$/, replacement: source("http/index.ts") },
      { find: /^fieldstream$/, replacement: source("index.ts") },
    ],
  },
  build: {
    outDir: "dist/page",
    emptyOutDir: true,
    // Small enough to read in the browser's devtools.
    sourcemap: true,
  },
  logLevel: "warn",
});
