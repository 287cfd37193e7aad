import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ first, so tests of the built CLI never run an old build.
    globalSetup: ["test/global-setup.ts"],
    // No retries: a flaky test is a defect to fix, not to hide.
    retry: 0,
    // E2E tests run several real deploys (builds on the vfs driver) in one test.
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Two cores: every test owns its Compose projects, ports and dirs (test/helpers/names.ts), so files run side by side.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
