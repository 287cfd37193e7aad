import { expect } from "vitest";
import type { Deployment } from "../../src/store/types.js";
import type { AppFixture } from "./app-fixture.js";

/** The app's health check on its published port, asking for /health.txt. */
export const health = (fixture: AppFixture, timeout = 60) => ({
  healthcheck: { url: `http://127.0.0.1:${fixture.port}/health.txt`, expect: 200, timeout },
});

/**
 * The step that failed took its time budget: at least `seconds`, and not much more. The error's
 * "after N s" comes from the config; only the step's duration shows the kill came when it should.
 */
export function expectStoppedAt(d: Deployment, names: string[], seconds: number): void {
  const step = d.steps?.find((s) => names.includes(s.name) && s.status === "failed");
  expect(step, JSON.stringify(d.steps)).toBeDefined();
  expect(step?.durationMs).toBeGreaterThanOrEqual(seconds * 1000 - 250);
  // Generous for a loaded machine, and far below what a step left running (or on another budget) takes.
  expect(step?.durationMs).toBeLessThan(seconds * 1000 + 45_000);
}

/** Adds /www/health.txt to the image, which the app's health check asks for. */
export function withHealth(df: string): string {
  return df.replace(
    "COPY version.txt /www/version.txt\n",
    "COPY version.txt /www/version.txt\nCOPY version.txt /www/health.txt\n",
  );
}
