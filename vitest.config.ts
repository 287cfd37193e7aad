import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // E2E tests run several real deploys (builds on the vfs driver) in one test.
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Two cores: e2e files each own a Compose project and port, so two can run side by side.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
