// Every test of both packages and of the examples, in one run. The load test runs after it, on its
// own (vitest.load.config.ts), because it measures memory and wants the machine to itself.
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "**/test/load/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    typecheck: {
      enabled: true,
      include: ["packages/*/src/**/*.test-d.ts", "packages/*/test/**/*.test-d.ts"],
    },
  },
});
