import { shortSha } from "../helpers/short-sha.js";
import * as git from "../runners/git.js";
import type { StepContext } from "./context.js";

const RECOVERY_OF = "recovery of ";

/**
 * A re-run of an interrupted deployment may find the checkout half-way between two commits (git was
 * killed mid-checkout). If every modified tracked file is one that checkout was changing, and the
 * checkout is on deployer's own branch, it is put back with `git reset --hard <the deployment's commit>`.
 * Anything else is a user's local edit and is never overwritten. Returns the commit the interrupted
 * deployment started from once restored, or undefined when nothing was done.
 */
export async function restoreHalfDoneCheckout(
  ctx: StepContext,
  modified: string[],
  opts: git.GitOptions,
): Promise<string | undefined> {
  const { actor, sha } = ctx.deployment;
  if (!actor?.startsWith(RECOVERY_OF)) return undefined;
  if ((await git.currentBranch(opts)) !== ctx.branch) return undefined;
  const interrupted = ctx.store.get(actor.slice(RECOVERY_OF.length));
  const from = interrupted?.previousSha ?? ctx.store.lastSucceeded(ctx.app.name, ctx.deployment.id)?.sha;
  if (!interrupted || interrupted.sha !== sha || !from) return undefined;
  if (!(await git.hasCommit(sha, opts)) || !(await git.hasCommit(from, opts))) return undefined;
  const changing = new Set(await git.changedFiles(from, sha, opts));
  if (!modified.every((f) => changing.has(f))) return undefined;
  ctx.log.line(`restoring the checkout ${interrupted.id} left half-done: git reset --hard ${shortSha(sha)}`);
  await git.resetHard(sha, opts);
  return from;
}
