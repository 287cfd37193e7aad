import { StepFailed } from "../../errors.js";
import { shortSha } from "../../helpers/short-sha.js";
import * as git from "../../runners/git.js";
import type { StepContext } from "../context.js";
import { runOptions } from "../context.js";
import { fetchDeployedRef } from "../fetch-ref.js";
import type { StepOutcome } from "../step.js";

/**
 * Brings the checkout to exactly the deployment's commit, force pushes included.
 * Refuses to touch a checkout whose tracked files were edited in place.
 */
export async function sync(ctx: StepContext): Promise<StepOutcome> {
  const opts = runOptions(ctx, "sync");
  const { sha } = ctx.deployment;

  const modified = await git.modifiedTrackedFiles(opts);
  if (modified.length > 0) {
    throw new StepFailed(
      "sync",
      `local modifications in ${ctx.app.path}: ${modified.join(", ")}; commit, stash or revert them, then deploy again`,
    );
  }
  const previousSha = await git.headSha(opts);
  ctx.store.update(ctx.deployment.id, { previousSha });

  if (!(await git.hasCommit(sha, opts)) || ctx.deployment.trigger !== "rollback") {
    await fetchDeployedRef(ctx, opts);
  }
  if (!(await git.hasCommit(sha, opts))) {
    await git.fetchCommit(sha, opts).catch(() => undefined);
    if (!(await git.hasCommit(sha, opts))) {
      throw new StepFailed("sync", `commit ${sha} is not on origin (was it force-pushed away?)`);
    }
  }
  const moved = previousSha !== sha;
  if (moved) {
    ctx.touched.add("checkout");
    await git.checkout(ctx.branch, sha, opts);
  }
  return { detail: `${shortSha(previousSha)} → ${shortSha(sha)}`, found: { sync: { previousSha, moved } } };
}
