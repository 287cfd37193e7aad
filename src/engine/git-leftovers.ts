import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Lock files a killed git leaves in a repository's .git, relative to it. */
export function staleGitLocks(gitDir: string): string[] {
  const locks = ["index.lock", "HEAD.lock", "packed-refs.lock", "config.lock", "shallow.lock"];
  try {
    for (const e of readdirSync(join(gitDir, "refs"), { recursive: true, withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith(".lock")) {
        locks.push(join(e.parentPath.slice(gitDir.length + 1), e.name));
      }
    }
  } catch {
    // No refs directory: nothing more to clear.
  }
  return locks;
}

/**
 * Removes the locks a killed git left in the checkout. Only called at start, under the data
 * directory's lock, for an app whose deployment was interrupted: no git of deployer's runs there now.
 */
export function clearGitLocks(checkout: string): string[] {
  const gitDir = join(checkout, ".git");
  const removed: string[] = [];
  for (const rel of staleGitLocks(gitDir)) {
    const file = join(gitDir, rel);
    try {
      rmSync(file);
      removed.push(rel);
    } catch {
      // Not there: the usual case.
    }
  }
  return removed;
}
