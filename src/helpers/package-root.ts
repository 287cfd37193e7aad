import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * deployer's own directory (the one with its package.json), found upwards from `from`: the same answer
 * from src/, from dist/ and from the one-file bundle dist/deployer.js, whose modules no longer sit at
 * their source depth.
 */
export function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
  return dir;
}
