import { describeError, StepFailed } from "../../errors.js";
import { shortSha } from "../../helpers/short-sha.js";
import type { ComposeService } from "../../runners/compose.js";
import { imageExists, pullImage, tagImage } from "../../runners/docker.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import { pruneRegistryTags } from "../registry-tags.js";
import { registryImage } from "../stack-file.js";
import { type Found, need, type StepOutcome } from "../step.js";

/**
 * Points a built service's image at the one pushed for `sha` (`<registry>/<project>-<service>:<sha>`),
 * pulled first unless this engine has it already (the engine that built and pushed it does).
 *
 * Why `docker tag` and not a compose override naming the registry image: the service keeps the very
 * image name a build on this engine would have given it, so `up` (which builds nothing when the image
 * exists), health, finalize's `deployer-<sha>` tags, plan's missing-image check and every rollback work
 * exactly as they do after a local build; an override would change the name containers run under, and
 * each of those would have to know about it. Returns whether it pulled.
 */
export async function fromRegistry(
  ctx: StepContext,
  project: string,
  service: ComposeService,
  sha: string,
  step: string,
): Promise<boolean> {
  const registry = ctx.app.registry;
  if (!registry) throw new StepFailed(step, `internal error: ${step} needs the app's registry`);
  const opts = engineOptions(ctx, step);
  const ref = registryImage(registry, project, service.name, sha);
  const pull = !(await imageExists(ref, opts));
  if (pull) await pullImage(ref, opts);
  if (!(await tagImage(ref, service.image, opts)))
    throw new StepFailed(step, `docker tag ${ref} ${service.image} failed`);
  return pull;
}

/**
 * Rollback with a registry: the services among `services` whose image for `sha` this engine has under
 * its registry tag, or can pull, are pointed at it. Returns their names; a service the registry cannot
 * give (pushed before the app had a registry, or the registry is down) is left for a build.
 */
export async function restoreFromRegistry(
  ctx: StepContext,
  project: string,
  services: ComposeService[],
  sha: string,
): Promise<string[]> {
  if (!ctx.app.registry) return [];
  const restored: string[] = [];
  for (const s of services.filter((s) => s.build)) {
    try {
      await fromRegistry(ctx, project, s, sha, "images");
      restored.push(s.name);
    } catch (err) {
      ctx.log.line(`no image of ${s.name} for ${shortSha(sha)} from ${ctx.app.registry}: ${describeError(err)}`);
    }
  }
  return restored;
}

/**
 * Build once, push, pull on each host: this host's engine gets the images the push step pushed for this
 * commit, each under its service's own image name, so that `up` runs them without building anything.
 */
export async function pull(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target, services } = need(found, "plan", "pull");
  const registry = ctx.app.registry;
  if (!registry) throw new StepFailed("pull", "internal error: pull needs the app's registry");
  const built = services.filter((s) => s.build);
  if (built.length === 0) return { detail: "skipped: no service is built", skipped: true };
  ctx.touched.add("images");
  const pulled: string[] = [];
  for (const s of built)
    if (await fromRegistry(ctx, target.project, s, ctx.deployment.sha, "pull")) pulled.push(s.name);
  const pruned = await pruneRegistryTags(ctx, registry, target.project, built, "pull");
  const here = built.filter((s) => !pulled.includes(s.name)).map((s) => s.name);
  const what = [
    pulled.length ? `pulled ${pulled.join(", ")}` : "",
    here.length ? `already here: ${here.join(", ")}` : "",
  ];
  return {
    detail: `${what.filter(Boolean).join("; ")} (${shortSha(ctx.deployment.sha)} from ${registry}); ${pruned} old local tag(s) pruned`,
  };
}
