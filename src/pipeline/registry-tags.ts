import type { ComposeService } from "../runners/compose.js";
import { imageTags, removeImageTag } from "../runners/docker.js";
import type { StepContext } from "./context.js";
import { engineOptions } from "./context.js";
import { registryRepository } from "./stack-file.js";

const SHA_TAG = /^[0-9a-f]{7,40}$/;

/**
 * The engine keeps a local tag for every commit it pushed or pulled (`<registry>/<project>-<service>:<sha>`), and
 * each keeps its image's layers: those of commits other than the app's last `keepImages` succeeded ones
 * go, as finalize prunes the `deployer-<sha>` tags. The registry's own copies are left alone: its
 * garbage collection is the registry owner's business. Returns how many tags were removed.
 */
export async function pruneRegistryTags(
  ctx: StepContext,
  registry: string,
  project: string,
  built: ComposeService[],
  step = "push",
): Promise<number> {
  const opts = { ...engineOptions(ctx, step), quiet: true };
  const keep = new Set(ctx.store.succeededShas(ctx.app.name, ctx.config.keepImages - 1));
  keep.add(ctx.deployment.sha);
  let removed = 0;
  for (const s of built) {
    const repository = registryRepository(registry, project, s.name);
    for (const tag of await imageTags(repository, opts)) {
      if (!SHA_TAG.test(tag) || keep.has(tag)) continue;
      // A tag whose image a task still runs cannot go (`docker rmi` refuses): it stays for the next prune.
      await removeImageTag(`${repository}:${tag}`, opts);
      removed++;
    }
  }
  return removed;
}
