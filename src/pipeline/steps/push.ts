import { StepFailed } from "../../errors.js";
import { shortSha } from "../../helpers/short-sha.js";
import { tagImage } from "../../runners/docker.js";
import { pushImage } from "../../runners/swarm.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import { pruneRegistryTags } from "../registry-tags.js";
import { registryImage } from "../stack-file.js";
import { type Found, need, type StepOutcome } from "../step.js";

/**
 * Each built service's image (as the build, or the kept images of a rollback, left it) is tagged
 * `<registry>/<project>-<service>:<sha>` and pushed, so that every node of the swarm (Swarm), or every
 * one of the app's hosts (the pull step), can pull it. Pushing a commit's images again (a rollback,
 * a re-run, services the plan did not rebuild) uploads nothing new.
 */
export async function push(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target, services } = need(found, "plan", "push");
  const registry = ctx.app.registry;
  if (!registry) throw new StepFailed("push", "internal error: push needs the app's registry");
  const built = services.filter((s) => s.build);
  if (built.length === 0) return { detail: "skipped: no service is built", skipped: true };
  const opts = engineOptions(ctx, "push");
  for (const s of built) {
    const ref = registryImage(registry, target.project, s.name, ctx.deployment.sha);
    if (!(await tagImage(s.image, ref, opts))) throw new StepFailed("push", `docker tag ${s.image} ${ref} failed`);
    await pushImage(ref, opts);
  }
  const pruned = await pruneRegistryTags(ctx, registry, target.project, built);
  const names = built.map((s) => s.name).join(", ");
  return {
    detail: `pushed ${names} to ${registry} as ${shortSha(ctx.deployment.sha)}; ${pruned} old local tag(s) pruned`,
  };
}
