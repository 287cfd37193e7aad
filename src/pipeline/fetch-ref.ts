import * as git from "../runners/git.js";
import type { DeployContext } from "./context.js";

/** The local branch a tag-following app's checkout is kept on (tags are not branches). */
export const TAG_BRANCH = "deployer-tags";

/** The tag a deployment deploys, if it came from a tag push. */
export function deployedTag(ctx: Pick<DeployContext, "deployment">): string | undefined {
  const ref = ctx.deployment.ref;
  return ref?.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : undefined;
}

/** Brings the deployment's ref from origin: its tag (moved or not), every tag for a tag app, else its branch. */
export async function fetchDeployedRef(ctx: DeployContext, opts: git.GitOptions): Promise<void> {
  const tag = deployedTag(ctx);
  if (tag) await git.fetchTag(tag, opts);
  else if (ctx.app.tags && ctx.branch === TAG_BRANCH) await git.fetchTags(opts);
  else await git.fetchBranch(ctx.branch, opts);
}
