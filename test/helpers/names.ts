import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// One source of names for every test: Compose projects, app names, data dirs and repos.
// Vitest runs files in parallel on one Docker engine shared with other work, so no two tests
// (and no two runs) may share a Compose project: `up --remove-orphans` would remove each other's containers.

/** Every name this suite makes starts with this; other suites on the machine use other prefixes. */
export const PREFIX = "dt";

let counter = 0;
const run = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3)
  .toString(36)
  .padStart(3, "0")}`;

/**
 * A name unique to this test process and call, usable as an app name, a Compose project
 * (lowercase, `a-z0-9-`, starts with a letter) and a directory name: `dt-<label>-<run><n>`.
 */
export function uniqueName(label: string): string {
  const clean =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 20) || "x";
  counter += 1;
  return `${PREFIX}-${clean}-${run}${counter.toString(36)}`;
}

/** A fresh temp directory named after `label` (for data dirs, repos, checkouts). */
export function uniqueDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `deployer-${uniqueName(label)}-`));
}
