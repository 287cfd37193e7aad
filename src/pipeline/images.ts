import type { ComposeService } from "../runners/compose.js";
import { imageExists, imageTags, removeImageTag, splitImageRef, tagImage } from "../runners/docker.js";
import type { StepContext } from "./context.js";
import { engineOptions } from "./context.js";

const TAG_PREFIX = "deployer-";

/** The per-commit tag deployer gives a built image, e.g. shop-web:deployer-<sha>. */
export function commitTag(image: string, sha: string): string {
  return `${splitImageRef(image).repository}:${TAG_PREFIX}${sha}`;
}

function built(services: ComposeService[]) {
  return services.filter((s) => s.build);
}

/** Tags the image every built service now runs with this deployment's commit. */
export async function tagDeployedImages(ctx: StepContext, services: ComposeService[]): Promise<void> {
  const opts = engineOptions(ctx, "finalize");
  for (const s of built(services)) await tagImage(s.image, commitTag(s.image, ctx.deployment.sha), opts);
}

/**
 * Points each built service's image back at the one tagged for `sha`.
 * Returns the services that have no such image (they need a build).
 */
export async function restoreImages(ctx: StepContext, services: ComposeService[], sha: string): Promise<string[]> {
  const opts = engineOptions(ctx, "images");
  const missing: string[] = [];
  for (const s of built(services)) {
    const tagged = commitTag(s.image, sha);
    if (await imageExists(tagged, opts)) await tagImage(tagged, s.image, opts);
    else missing.push(s.name);
  }
  return missing;
}

/** Removes commit tags of images other than those of the app's last `keepImages` succeeded commits. */
export async function pruneImageTags(ctx: StepContext, services: ComposeService[]): Promise<number> {
  const opts = engineOptions(ctx, "finalize");
  // This deployment is not recorded as succeeded yet: it is one of the `keepImages`.
  const keep = new Set(ctx.store.succeededShas(ctx.app.name, ctx.config.keepImages - 1));
  keep.add(ctx.deployment.sha);
  let removed = 0;
  for (const s of built(services)) {
    const { repository } = splitImageRef(s.image);
    for (const tag of await imageTags(repository, opts)) {
      if (!tag.startsWith(TAG_PREFIX) || keep.has(tag.slice(TAG_PREFIX.length))) continue;
      await removeImageTag(`${repository}:${tag}`, opts);
      removed++;
    }
  }
  return removed;
}
