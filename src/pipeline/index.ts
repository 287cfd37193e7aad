import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Timeouts } from "../config/schema.js";
import type { Config } from "../config/types.js";
import { Cancelled, DeployerError } from "../errors.js";
import { shortSha } from "../helpers/short-sha.js";
import type { ComposeCli } from "../runners/compose.js";
import * as git from "../runners/git.js";
import type { DeploymentStore } from "../store/deployments.js";
import type { LogStore } from "../store/logs.js";
import type { Deployment } from "../store/types.js";
import { build, plan, resolveServices, up } from "./compose-steps.js";
import type { DeployContext } from "./context.js";
import { runOptions } from "./context.js";
import { health } from "./health.js";
import { postDeploy, preDeploy } from "./hooks.js";
import { pruneImageTags, restoreImages, tagDeployedImages } from "./images.js";
import { REBUILD_TRIGGER } from "./plan-input.js";
import { sync } from "./sync.js";

export interface PipelineStep {
  name: string;
  /** Which configured timeout bounds the whole step. */
  timeout: keyof Timeouts;
  run: (ctx: DeployContext) => Promise<string | undefined>;
}

/**
 * After a healthy deploy: images get their commit tag, old tags go, then the trigger file goes.
 * The new version is already live and healthy, so bookkeeping trouble is reported, never a failure.
 */
async function finalize(ctx: DeployContext): Promise<string> {
  let detail: string;
  try {
    await tagDeployedImages(ctx);
    const pruned = await pruneImageTags(ctx);
    detail = `images tagged ${shortSha(ctx.deployment.sha)}; ${pruned} old tag(s) pruned`;
  } catch (err) {
    detail = `image tagging incomplete (rollback to this commit may rebuild): ${errorMessage(err)}`;
    ctx.log.line(detail);
  }
  // A committed trigger is the repo's business: deleting it would leave a local modification behind.
  if (!(await git.isTracked(REBUILD_TRIGGER, runOptions(ctx, "finalize", "git")))) {
    rmSync(join(ctx.app.path, REBUILD_TRIGGER), { force: true });
  }
  return detail;
}

/** Rollback reuses the images tagged for the commit; only a service whose image is gone gets built. */
async function images(ctx: DeployContext): Promise<string> {
  await resolveServices(ctx, "images");
  ctx.imagesTouched = true;
  const missing = await restoreImages(ctx, ctx.deployment.sha);
  ctx.rebuild = missing.map((service) => ({ service, reasons: ["no image kept for this commit"] }));
  if (!ctx.recovering) ctx.store.update(ctx.deployment.id, { rebuilt: missing });
  if (missing.length > 0) await build(ctx);
  return missing.length ? `rebuilt ${missing.join(", ")} (no kept image)` : "reused kept images";
}

export const DEPLOY_STEPS: PipelineStep[] = [
  { name: "sync", timeout: "git", run: sync },
  { name: "plan", timeout: "git", run: plan },
  { name: "build", timeout: "build", run: build },
  // After build so migrations can run in the new image; before up so a failure changes nothing that runs.
  { name: "preDeploy", timeout: "hooks", run: preDeploy },
  { name: "up", timeout: "up", run: up },
  { name: "health", timeout: "health", run: health },
  { name: "postDeploy", timeout: "hooks", run: postDeploy },
  { name: "finalize", timeout: "git", run: finalize },
];

/** Back to a kept commit after a failure: the checkout is already there, so no sync, and no bookkeeping. */
const RESTORE_STEPS: PipelineStep[] = [
  { name: "images", timeout: "build", run: images },
  { name: "up", timeout: "up", run: up },
  { name: "health", timeout: "health", run: health },
];

export const ROLLBACK_STEPS: PipelineStep[] = [
  { name: "sync", timeout: "git", run: sync },
  ...RESTORE_STEPS,
  { name: "finalize", timeout: "git", run: finalize },
];

export interface PipelineDeps {
  config: Config;
  store: DeploymentStore;
  logs: LogStore;
  compose: ComposeCli;
  logger: Logger;
}

function errorMessage(err: unknown): string {
  if (err instanceof DeployerError) return err.message;
  if (err instanceof git.GitError) return err.message;
  return `internal error: ${(err as Error)?.message ?? String(err)}`;
}

async function runSteps(ctx: DeployContext, steps: PipelineStep[], deps: PipelineDeps): Promise<void> {
  const { store, logger } = deps;
  const id = ctx.deployment.id;
  for (const step of steps) {
    if (ctx.signal.aborted) throw new Cancelled(step.name);
    ctx.log.line(`== ${step.name}`);
    store.startStep(id, step.name);
    const t0 = Date.now();
    ctx.stepTimeout = ctx.app.timeouts[step.timeout];
    ctx.deadline = t0 + ctx.stepTimeout * 1000;
    try {
      const detail = (await step.run(ctx)) ?? undefined;
      const ms = Date.now() - t0;
      const skipped = detail?.startsWith("skipped") ?? false;
      store.finishStep(id, step.name, skipped ? "skipped" : "succeeded", ms, detail);
      logger.info(
        { app: ctx.app.name, deployment: id, step: step.name, ms },
        `${ctx.app.name} ${id} ${step.name} ok in ${(ms / 1000).toFixed(1)}s${detail ? `: ${detail}` : ""}`,
      );
    } catch (err) {
      const ms = Date.now() - t0;
      store.finishStep(id, step.name, "failed", ms, errorMessage(err));
      logger.warn(
        { app: ctx.app.name, deployment: id, step: step.name, ms },
        `${ctx.app.name} ${id} ${step.name} FAILED in ${(ms / 1000).toFixed(1)}s: ${errorMessage(err)}`,
      );
      throw err;
    } finally {
      ctx.deadline = undefined;
    }
  }
}

/**
 * After a failure: if containers may have changed, roll back to the last succeeded commit with its images;
 * otherwise just put the checkout back where it was. Returns what to add to the error.
 */
async function recover(failed: DeployContext, deps: PipelineDeps): Promise<string> {
  // Recovery must not be cut short by the cancel that may have caused it.
  const ctx: DeployContext = { ...failed, signal: new AbortController().signal, deadline: undefined };
  try {
    const opts = runOptions(ctx, "recover", "git");
    const previous = deps.store.lastSucceeded(ctx.app.name, ctx.deployment.id);
    if (ctx.containersTouched && previous) {
      ctx.log.line(`== rollback to ${previous.sha}`);
      await git.checkout(ctx.branch, previous.sha, opts);
      const rollbackCtx: DeployContext = {
        ...ctx,
        deployment: { ...ctx.deployment, sha: previous.sha },
        containersTouched: false,
        recovering: true,
      };
      await runSteps(rollbackCtx, RESTORE_STEPS, deps);
      return `; rolled back to ${previous.sha}`;
    }
    if (ctx.checkoutMoved && ctx.previousSha) {
      ctx.log.line(`== restore checkout to ${ctx.previousSha}`);
      await git.checkout(ctx.branch, ctx.previousSha, opts);
    }
    // A build re-points the service's image tag; put back the images the running containers came from,
    // or the next deploy that rebuilds nothing would start this failed commit's image.
    if (ctx.imagesTouched && !ctx.containersTouched && previous) {
      ctx.log.line(`== restore images of ${previous.sha}`);
      await restoreImages({ ...ctx, recovering: true }, previous.sha);
    }
    return ctx.containersTouched ? "; no earlier successful deployment to roll back to" : "";
  } catch (err) {
    return `; recovery failed: ${errorMessage(err)}`;
  }
}

/** Runs one claimed deployment to the end and records the outcome. */
export async function runDeployment(deps: PipelineDeps, deployment: Deployment, signal: AbortSignal): Promise<void> {
  try {
    await deploy(deps, deployment, signal);
  } finally {
    // Retention runs after every deployment, whatever its outcome.
    const pruned = deps.store.prune(deployment.app, deps.config.history, deps.config.keepImages);
    for (const gone of pruned) deps.logs.remove(gone);
    deps.logs.end(deployment.id);
  }
}

async function deploy(deps: PipelineDeps, deployment: Deployment, signal: AbortSignal): Promise<void> {
  const app = deps.config.apps[deployment.app];
  const log = deps.logs.sink(deployment.id);
  const branch = deployment.branch ?? app?.branch;
  if (!app || !branch) {
    const why = app ? "has no branch recorded" : `is for app ${deployment.app}, which is no longer configured`;
    deps.store.finish(deployment.id, "failed", `deployment ${why}`);
    return;
  }
  const ctx: DeployContext = {
    deployment,
    app,
    config: deps.config,
    store: deps.store,
    compose: deps.compose,
    log,
    logger: deps.logger,
    signal,
    branch,
  };
  log.line(
    `deployment ${deployment.id} of ${app.name} at ${deployment.sha} (${deployment.trigger}${deployment.actor ? ` by ${deployment.actor}` : ""})`,
  );
  try {
    await runSteps(ctx, deployment.trigger === "rollback" ? ROLLBACK_STEPS : DEPLOY_STEPS, deps);
    deps.store.finish(deployment.id, "succeeded");
    log.line("deployment succeeded");
    deps.logger.info({ app: app.name, deployment: deployment.id }, `${app.name} ${deployment.id} succeeded`);
  } catch (err) {
    const cancelled = err instanceof Cancelled;
    const message = errorMessage(err) + (await recover(ctx, deps));
    deps.store.finish(deployment.id, cancelled ? "cancelled" : "failed", message);
    log.line(`deployment ${cancelled ? "cancelled" : "failed"}: ${message}`);
    deps.logger.warn({ app: app.name, deployment: deployment.id }, `${app.name} ${deployment.id} failed: ${message}`);
  }
}
