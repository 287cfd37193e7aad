import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * Tests that run the built CLI (dist/) must never test an old build: compile it once before any test file.
 * The native TypeScript compiler takes a couple of seconds; the bundle (dist/deployer.js, what the tests run)
 * one more.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, "..");
  execFileSync(process.execPath, [resolve(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
    timeout: 120_000,
  });
  execFileSync(process.execPath, [resolve(root, "scripts/bundle.mjs")], {
    cwd: root,
    stdio: "inherit",
    timeout: 120_000,
  });
}
