import { appHosts } from "../config/hosts.js";
import { describeError } from "../errors.js";
import * as git from "../runners/git.js";
import { type DeployContext, runOptions, type StepContext, withDeadline } from "./context.js";
import type { PipelineDeps } from "./deps.js";
import { restoreImages } from "./images.js";
import { rollBackHosts } from "./recover-hosts.js";
import { runSteps } from "./run-steps.js";
import { resolveServices } from "./services.js";
import type { Found } from "./step.js";
import { restoreSteps } from "./steps/index.js";
import type { Strategy } from "./strategies/strategy.js";

/**
 * After a failure, undoes what the run touched: if containers may have changed, rolls back to the last
 * succeeded commit with its images; otherwise puts the checkout and image tags back where they were.
 * Returns what to add to the deployment's error.
 */
export async function recover(
  failed: DeployContext,
  found: Readonly<Found>,
  strategy: Strategy,
  deps: PipelineDeps,
): Promise<string> {
  // Recovery must not be cut short by the cancel that may have caused it.
  const ctx = withDeadline({ ...failed, signal: new AbortController().signal }, failed.app.timeouts.git);
  try {
    await strategy.cleanup?.(ctx, found);
    const previous = deps.store.lastSucceeded(ctx.app.name, ctx.deployment.id);
    const containers = ctx.touched.has("containers");
    const hosts = appHosts(ctx.app);
    if (hosts && previous && ctx.hostTouches?.size)
      return await rollBackHosts(ctx, previous.sha, strategy, deps, hosts);
    if (containers && previous) return await rollBackTo(ctx, previous.sha, strategy, deps);
    const previousSha = found.sync?.previousSha;
    if (ctx.touched.has("checkout") && previousSha) {
      ctx.log.line(`== restore checkout to ${previousSha}`);
      await git.checkout(ctx.branch, previousSha, runOptions(ctx, "recover"));
    }
    // A build re-points the service's image tag; put back the images the running containers came from,
    // or the next deploy that rebuilds nothing would start this failed commit's image.
    if (ctx.touched.has("images") && !containers && previous) {
      ctx.log.line(`== restore images of ${previous.sha}`);
      const services = found.plan?.services ?? (await resolveServices(ctx, "recover")).services;
      await restoreImages({ ...ctx, recovering: true }, services, previous.sha);
    }
    return containers ? "; no earlier successful deployment to roll back to" : "";
  } catch (err) {
    return `; recovery failed: ${describeError(err)}`;
  }
}

/** Checks out the last good commit and releases it again with its kept images, recorded as steps. */
async function rollBackTo(ctx: StepContext, sha: string, strategy: Strategy, deps: PipelineDeps): Promise<string> {
  ctx.log.line(`== rollback to ${sha}`);
  await git.checkout(ctx.branch, sha, runOptions(ctx, "recover"));
  const rollback: DeployContext = {
    ...ctx,
    deployment: { ...ctx.deployment, sha },
    touched: new Set(),
    recovering: true,
  };
  const result = await runSteps(rollback, restoreSteps(strategy), deps);
  if (!result.ok) return `; recovery failed: ${result.error.message}`;
  return `; rolled back to ${sha}`;
}
