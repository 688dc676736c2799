// The load test's own run (npm run test:load): only test/load, kept out of `npm test` because it takes
// a few seconds more and measures memory, which it wants a full collection for.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/load/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // So the memory figures it prints are measured after a full collection.
    execArgv: ["--expose-gc"],
  },
});
