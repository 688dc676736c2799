// The load test's own run, the last step of `npm test` (alone: npm run test:load): it measures memory,
// which wants a full collection and no other test running beside it.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/fieldstream/test/load/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // So the memory figures it prints are measured after a full collection.
    execArgv: ["--expose-gc"],
  },
});
