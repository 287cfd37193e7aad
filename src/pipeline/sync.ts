import { StepFailed } from "../errors.js";
import { shortSha } from "../helpers/short-sha.js";
import * as git from "../runners/git.js";
import type { DeployContext } from "./context.js";
import { runOptions } from "./context.js";

/**
 * Brings the checkout to exactly the deployment's commit, force pushes included.
 * Refuses to touch a checkout whose tracked files were edited in place.
 */
export async function sync(ctx: DeployContext): Promise<string> {
  const opts = runOptions(ctx, "sync", "git");
  const { sha } = ctx.deployment;

  const modified = await git.modifiedTrackedFiles(opts);
  if (modified.length > 0) {
    throw new StepFailed(
      "sync",
      `local modifications in ${ctx.app.path}: ${modified.join(", ")}; commit, stash or revert them, then deploy again`,
    );
  }
  ctx.previousSha = await git.headSha(opts);
  ctx.store.update(ctx.deployment.id, { previousSha: ctx.previousSha });

  if (!(await git.hasCommit(sha, opts)) || ctx.deployment.trigger !== "rollback") {
    await git.fetchBranch(ctx.branch, opts);
  }
  if (!(await git.hasCommit(sha, opts))) {
    await git.fetchCommit(sha, opts).catch(() => undefined);
    if (!(await git.hasCommit(sha, opts))) {
      throw new StepFailed("sync", `commit ${sha} is not on origin (was it force-pushed away?)`);
    }
  }
  if (ctx.previousSha !== sha) {
    ctx.checkoutMoved = true;
    await git.checkout(ctx.branch, sha, opts);
  }
  return `${shortSha(ctx.previousSha)} → ${shortSha(sha)}`;
}
