import { rmSync } from "node:fs";
import { join } from "node:path";
import { describeError } from "../../errors.js";
import { shortSha } from "../../helpers/short-sha.js";
import * as git from "../../runners/git.js";
import type { StepContext } from "../context.js";
import { runOptions } from "../context.js";
import { pruneImageTags, tagDeployedImages } from "../images.js";
import { REBUILD_TRIGGER } from "../plan-input.js";
import { type Found, need, type StepOutcome } from "../step.js";

/**
 * After a healthy deploy: images get their commit tag, old tags go, then the trigger file goes.
 * The new version is already live and healthy, so bookkeeping trouble is reported, never a failure.
 */
export async function finalize(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { services } = need(found, "plan", "finalize");
  let detail: string;
  try {
    await tagDeployedImages(ctx, services);
    const pruned = await pruneImageTags(ctx, services);
    detail = `images tagged ${shortSha(ctx.deployment.sha)}; ${pruned} old tag(s) pruned`;
  } catch (err) {
    detail = `image tagging incomplete (rollback to this commit may rebuild): ${describeError(err)}`;
    ctx.log.line(detail);
  }
  // A committed trigger is the repo's business: deleting it would leave a local modification behind.
  if (!(await git.isTracked(REBUILD_TRIGGER, runOptions(ctx, "finalize")))) {
    rmSync(join(ctx.app.path, REBUILD_TRIGGER), { force: true });
  }
  return { detail };
}
