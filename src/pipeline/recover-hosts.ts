import type { DockerHost } from "../config/hosts.js";
import * as git from "../runners/git.js";
import { type DeployContext, runOptions, type StepContext } from "./context.js";
import type { PipelineDeps } from "./deps.js";
import { onHost } from "./hosts.js";
import { runSteps } from "./run-steps.js";
import { restoreSteps } from "./steps/index.js";
import type { Strategy } from "./strategies/strategy.js";

/**
 * After a failed multi-host rollout: the checkout goes back to `sha`, then every host the run changed
 * is put back on `sha`'s kept images, the last one updated first: hosts whose containers changed are
 * released again (health-checked), hosts that only got a build get their image tags back. Each host is
 * restored on its own, so one unreachable host does not keep the others on the failed commit.
 * Returns what to add to the deployment's error.
 */
export async function rollBackHosts(
  ctx: StepContext,
  sha: string,
  strategy: Strategy,
  deps: PipelineDeps,
  hosts: DockerHost[],
): Promise<string> {
  const touches = ctx.hostTouches ?? new Map();
  const changed = hosts.filter((h) => touches.has(h.name)).reverse();
  if (changed.length === 0) return "";
  ctx.log.line(`== rollback of ${changed.map((h) => h.name).join(", ")} to ${sha}`);
  await git.checkout(ctx.branch, sha, runOptions(ctx, "recover"));
  const done: string[] = [];
  const failed: string[] = [];
  for (const host of changed) {
    const containers = touches.get(host.name)?.has("containers") === true;
    const rollback: DeployContext = {
      ...ctx,
      deployment: { ...ctx.deployment, sha },
      touched: new Set(),
      hostTouches: new Map(),
      recovering: true,
    };
    const steps = restoreSteps(strategy, containers).map((s) => onHost(s, host));
    const result = await runSteps(rollback, steps, deps);
    if (result.ok) done.push(host.name);
    else failed.push(result.error.message);
  }
  const ok = done.length > 0 ? `; rolled back ${done.join(", ")} to ${sha}` : "";
  return ok + failed.map((f) => `; recovery failed ${f}`).join("");
}
