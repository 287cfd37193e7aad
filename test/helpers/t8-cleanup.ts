import { docker } from "./app-fixture.js";

/** Removes every image of a Compose project, the deployer-<sha> tags kept for rollback included. */
export function removeImages(project: string): void {
  try {
    const ids = docker("images", "-q", "--filter", `reference=${project}_*`).split("\n").filter(Boolean);
    if (ids.length > 0) docker("rmi", "-f", "--no-prune", ...new Set(ids));
  } catch {
    // Best effort: a leftover image is only disk space.
  }
}
