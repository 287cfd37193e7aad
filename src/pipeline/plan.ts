import { createRequire } from "node:module";
import { posix } from "node:path";
import type DockerIgnore from "@balena/dockerignore";
import picomatch from "picomatch";
import { escapeControl } from "../helpers/escape.js";

// CommonJS module whose typings claim a default export; load it the way Node sees it.
const ignore = createRequire(import.meta.url)("@balena/dockerignore") as typeof DockerIgnore.default;

export interface BuiltService {
  name: string;
  /** Build context relative to the repo root ("" for the root); undefined when outside the repo or remote. */
  context: string | undefined;
  /** Dockerfile path relative to the repo root. */
  dockerfile: string | undefined;
  /** Patterns of the context's .dockerignore, if it has one. */
  dockerignore: string[];
}

export interface PlanInput {
  /** Files changed between the deployed commit and the new one, repo-relative. */
  changed: string[];
  services: BuiltService[];
  rebuildOn: string[];
  /** A REBUILD_TRIGGER file exists in the checkout. */
  trigger: boolean;
  /** Built services whose image does not exist yet. */
  missingImages?: string[];
  /**
   * deployer has never deployed this app: an image of the same name may come from anywhere
   * (another checkout, a hand-run build), so nothing existing can be trusted.
   */
  firstDeploy?: boolean;
}

export interface PlannedRebuild {
  service: string;
  reasons: string[];
}

const inside = (dir: string, file: string) => dir === "" || file.startsWith(`${dir}/`);

/**
 * Decides which built services to rebuild. Runs nothing: plain data in, plain data out.
 * A service is rebuilt when a changed file is in its build context and not dockerignored,
 * its Dockerfile changed, a changed file matches rebuildOn, a REBUILD_TRIGGER exists, its image is
 * missing, or deployer has never deployed the app before.
 */
export function planRebuild(input: PlanInput): PlannedRebuild[] {
  // Patterns without a slash match a file's name anywhere (like .gitignore), so "Dockerfile*" catches app/Dockerfile.
  const matches = picomatch(
    input.rebuildOn.map((p) => (p.includes("/") ? p : `**/${p}`)),
    { dot: true },
  );
  const forced = input.changed.filter((f) => matches(f));
  const out: PlannedRebuild[] = [];
  for (const svc of input.services) {
    const reasons: string[] = [];
    if (input.firstDeploy) reasons.push("first deployment of this app by deployer");
    if (input.trigger) reasons.push("REBUILD_TRIGGER present");
    if (input.missingImages?.includes(svc.name)) reasons.push("image missing");
    if (forced.length > 0) reasons.push(`rebuildOn matched ${forced.slice(0, 3).map(escapeControl).join(", ")}`);
    if (svc.dockerfile && input.changed.includes(svc.dockerfile)) reasons.push(`${svc.dockerfile} changed`);
    const context = svc.context;
    if (context !== undefined) {
      const ig = ignore().add(svc.dockerignore);
      const hits = input.changed.filter((f) => {
        if (!inside(context, f)) return false;
        const rel = context === "" ? f : posix.relative(context, f);
        // .dockerignore shapes the context itself, even where it lists itself.
        return rel === ".dockerignore" || !ig.ignores(rel);
      });
      if (hits.length > 0)
        reasons.push(
          `changed in build context: ${hits.slice(0, 3).map(escapeControl).join(", ")}${hits.length > 3 ? ", …" : ""}`,
        );
    }
    if (reasons.length > 0) out.push({ service: svc.name, reasons });
  }
  return out;
}
