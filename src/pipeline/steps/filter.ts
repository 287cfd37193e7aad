import { DeploySkipped } from "../../errors.js";
import { shortSha } from "../../helpers/short-sha.js";
import * as git from "../../runners/git.js";
import { runOptions, type StepContext } from "../context.js";
import { fetchDeployedRef } from "../fetch-ref.js";
import type { StepOutcome } from "../step.js";
import { hasSkipMarker, pathSkipReason } from "../triggers.js";

/**
 * Decides whether a push deploys at all, before anything changes: a skip marker in the head commit's
 * message, or no changed file matching the app's `paths`/`ignorePaths`, ends the deployment as
 * `skipped`. Changed files come from git (the deployed commit against the pushed one), never from
 * the payload, whose file lists are capped or missing on some forges.
 */
export async function filter(ctx: StepContext): Promise<StepOutcome> {
  const { app, deployment } = ctx;
  if (deployment.trigger !== "push") return { skipped: true, detail: `${deployment.trigger}: not filtered` };
  const opts = runOptions(ctx, "filter");
  const { sha } = deployment;
  await fetchDeployedRef(ctx, opts);
  if (!(await git.hasCommit(sha, opts))) await git.fetchCommit(sha, opts).catch(() => undefined);
  // A commit origin does not have is sync's to report, with its own message.
  if (!(await git.hasCommit(sha, opts))) return { detail: `commit ${shortSha(sha)} not fetched yet` };

  if (hasSkipMarker(await git.commitMessage(sha, opts))) {
    throw new DeploySkipped("filter", `skipped: the head commit's message says [skip deploy]`);
  }
  if (!app.paths && !app.ignorePaths) return { detail: "no path filter" };
  const base = ctx.store.lastSucceeded(app.name, deployment.id)?.sha ?? (await git.headSha(opts));
  if (!(await git.hasCommit(base, opts))) return { detail: `deployed commit ${shortSha(base)} unknown: not filtered` };
  const changed = await git.changedFiles(base, sha, opts);
  const reason = pathSkipReason(changed, app);
  if (reason) throw new DeploySkipped("filter", `skipped: ${reason} (since ${shortSha(base)})`);
  return { detail: `${changed.length} changed file(s) since ${shortSha(base)}; paths match` };
}
