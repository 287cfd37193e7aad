import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: e2e files each own a Compose project and port, so two can run side by side.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
