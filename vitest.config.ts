import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ first, so tests of the built CLI never run an old build.
    globalSetup: ["test/global-setup.ts"],
    // No retries: a flaky test is a defect to fix, not to hide.
    retry: 0,
    // E2E tests run several real deploys (builds on the vfs driver) in one test, on a machine that may be
    // loaded (the suite must pass under `stress -c 2`): a ceiling, not an expectation. Waits inside tests
    // poll for conditions, so a fast machine never waits for these.
    testTimeout: 600_000,
    hookTimeout: 300_000,
    // Every test owns its Compose projects, ports and dirs (test/helpers/names.ts), so files run side by side.
    // Three on two cores: e2e files spend most of their time waiting on timeouts, health checks and the
    // engine, and the suite passes under `stress -c 2` with two, which is more load than a third file.
    maxWorkers: 3,
    reporters: ["default"],
  },
});
