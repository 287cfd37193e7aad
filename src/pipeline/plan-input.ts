import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { checkCheckoutFile, readCheckoutFile } from "../helpers/checkout-file.js";
import { escapeControl } from "../helpers/escape.js";
import { shortSha } from "../helpers/short-sha.js";
import type { ComposeService } from "../runners/compose.js";
import { imageExists } from "../runners/docker.js";
import * as git from "../runners/git.js";
import type { DeployContext, StepContext } from "./context.js";
import { engineOptions, runOptions } from "./context.js";
import type { BuiltService, PlanInput } from "./plan.js";

export const REBUILD_TRIGGER = "REBUILD_TRIGGER";

/** Repo-relative posix path, or undefined when `abs` is outside the checkout. */
function inRepo(root: string, abs: string): string | undefined {
  const rel = relative(root, abs);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

export function describeBuild(root: string, svc: ComposeService): BuiltService {
  const ctx = svc.build?.context ?? "";
  const remote = /^[a-z]+:\/\//i.test(ctx) || ctx.startsWith("git@");
  const contextAbs = remote ? undefined : resolve(root, ctx);
  const context = contextAbs === undefined ? undefined : inRepo(root, contextAbs);
  const dockerfileAbs =
    contextAbs === undefined ? undefined : resolve(contextAbs, svc.build?.dockerfile ?? "Dockerfile");
  // Only a .dockerignore inside the checkout is read, and only under checkout-file's rules.
  const ignoreRel = context === undefined ? undefined : join(context, ".dockerignore");
  const dockerignore = (ignoreRel === undefined ? undefined : readCheckoutFile(root, ignoreRel))
    ?.toString("utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  return {
    name: svc.name,
    context,
    dockerfile: dockerfileAbs === undefined ? undefined : inRepo(root, dockerfileAbs),
    dockerignore: dockerignore ?? [],
  };
}

/**
 * The commit the running containers were built from. Normally where the checkout was before sync;
 * after a crash mid-deploy (maybe several in a row) the checkout may already have moved, so the last
 * succeeded commit is used then, or failing that the interrupted deployment's starting point.
 */
export function diffBase(ctx: DeployContext, previousSha: string | undefined): string | undefined {
  const last = ctx.store.lastStarted(ctx.app.name, ctx.deployment.id);
  if (last?.status === "interrupted") {
    return ctx.store.lastSucceeded(ctx.app.name, ctx.deployment.id)?.sha ?? last.previousSha ?? undefined;
  }
  return previousSha;
}

/** Gathers what the planner needs: the diff, the built services, the trigger file, missing images. */
export async function gatherPlanInput(
  ctx: StepContext,
  services: ComposeService[],
  previousSha: string | undefined,
): Promise<PlanInput> {
  const opts = runOptions(ctx, "plan");
  const built = services.filter((s) => s.build);
  const base = diffBase(ctx, previousSha);
  const changed = base ? await git.changedFiles(base, ctx.deployment.sha, opts) : [];
  ctx.log.line(`changed files since ${base ? shortSha(base) : "(none)"}: ${changed.length}`);
  for (const f of changed.slice(0, 50)) ctx.log.line(`  ${escapeControl(f)}`);
  const missingImages: string[] = [];
  const engine = engineOptions(ctx, "plan");
  for (const s of built) if (!(await imageExists(s.image, engine))) missingImages.push(s.name);
  return {
    changed,
    services: built.map((s) => describeBuild(ctx.app.path, s)),
    rebuildOn: ctx.app.rebuildOn,
    trigger: checkCheckoutFile(ctx.app.path, REBUILD_TRIGGER) !== undefined,
    missingImages,
    firstDeploy: ctx.store.lastSucceeded(ctx.app.name, ctx.deployment.id) === undefined,
  };
}
