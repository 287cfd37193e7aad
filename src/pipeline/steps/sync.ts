import { StepFailed } from "../../errors.js";
import { escapeControl } from "../../helpers/escape.js";
import { shortSha } from "../../helpers/short-sha.js";
import * as git from "../../runners/git.js";
import { assertOnBranch, staleReason } from "../commit-rules.js";
import type { StepContext } from "../context.js";
import { runOptions } from "../context.js";
import { fetchDeployedRef } from "../fetch-ref.js";
import { restoreHalfDoneCheckout } from "../restore-checkout.js";
import type { StepOutcome } from "../step.js";

/**
 * Brings the checkout to exactly the deployment's commit, force pushes included.
 * Refuses to touch a checkout whose tracked files were edited in place, and a commit that is not on
 * the branch; a stale push (older than what is deployed) halts the run and changes nothing.
 */
export async function sync(ctx: StepContext): Promise<StepOutcome> {
  const opts = runOptions(ctx, "sync");
  const { sha } = ctx.deployment;

  const modified = await git.modifiedTrackedFiles(opts);
  const restoredFrom = modified.length > 0 ? await restoreHalfDoneCheckout(ctx, modified, opts) : undefined;
  if (modified.length > 0 && !restoredFrom) {
    throw new StepFailed(
      "sync",
      `local modifications in ${ctx.app.path}: ${modified.map(escapeControl).join(", ")}; commit, stash or revert them, then deploy again`,
    );
  }
  const previousSha = restoredFrom ?? (await git.headSha(opts));

  if (!(await git.hasCommit(sha, opts)) || ctx.deployment.trigger !== "rollback") {
    await fetchDeployedRef(ctx, opts);
  }
  if (!(await git.hasCommit(sha, opts))) {
    await git.fetchCommit(sha, opts).catch(() => undefined);
    if (!(await git.hasCommit(sha, opts))) {
      throw new StepFailed("sync", `commit ${sha} is not on origin (was it force-pushed away?)`);
    }
  }
  await assertOnBranch(ctx, opts);
  const stale = await staleReason(ctx, opts);
  if (stale) return { detail: stale, skipped: true, halt: stale };
  ctx.store.update(ctx.deployment.id, { previousSha });
  const moved = previousSha !== sha;
  if (moved) {
    ctx.touched.add("checkout");
    await git.checkout(ctx.branch, sha, opts);
  }
  return { detail: `${shortSha(previousSha)} → ${shortSha(sha)}`, found: { sync: { previousSha, moved } } };
}
