// The command's build: Node only, ESM only. The library and every other dependency stay imports
// (tsup leaves a package's dependencies and peers external), so the CLI runs on the published library.
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  clean: true,
  silent: true,
});
