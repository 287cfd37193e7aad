import { StepFailed } from "../errors.js";
import { shortSha } from "../helpers/short-sha.js";
import * as git from "../runners/git.js";
import type { StepContext } from "./context.js";

type Opts = git.GitOptions;

/** Tag deployments follow the tag wherever it points (a moved tag deploys again): no branch rules. */
const isTag = (ctx: StepContext) => ctx.deployment.ref?.startsWith("refs/tags/") ?? false;

/**
 * Triggers whose commit came from outside (a push, or a catch-up of one) and so may be old news:
 * a replayed or late delivery must never move the app backwards.
 */
const STALE_CHECKED = new Set(["push", "catch-up"]);

/**
 * The commit must be on the app's branch: reachable from `origin/<branch>` as just fetched.
 * A rollback to a commit this app deployed successfully (and keeps images of) is allowed anyway.
 */
export async function assertOnBranch(ctx: StepContext, opts: Opts): Promise<void> {
  const { sha, trigger } = ctx.deployment;
  if (isTag(ctx)) return;
  if (trigger === "rollback" && ctx.store.succeededShas(ctx.app.name, ctx.config.keepImages).includes(sha)) return;
  const head = await git.remoteTrackingSha(ctx.branch, opts);
  if (!head) throw new StepFailed("sync", `origin has no branch ${ctx.branch}; nothing can be deployed from it`);
  if (!(await git.isAncestor(sha, head, opts))) {
    throw new StepFailed(
      "sync",
      `commit ${shortSha(sha)} is not on branch ${ctx.branch} (not reachable from origin/${ctx.branch} at ${shortSha(head)}); ` +
        "only commits of the configured branch deploy",
    );
  }
}

/**
 * Why this push is stale, or undefined: its commit is an ancestor of the deployed commit while the
 * branch head is elsewhere (a replay or a late redelivery). A force push moves the branch head itself
 * to the older commit, so it is not stale and deploys.
 */
export async function staleReason(ctx: StepContext, opts: Opts): Promise<string | undefined> {
  const { sha, trigger } = ctx.deployment;
  if (!STALE_CHECKED.has(trigger) || isTag(ctx)) return undefined;
  const deployed = ctx.store.lastSucceeded(ctx.app.name, ctx.deployment.id)?.sha;
  if (!deployed) return undefined;
  const head = await git.remoteTrackingSha(ctx.branch, opts);
  if (head === sha) return undefined;
  const older = await git.isAncestor(sha, deployed, opts).catch(() => false);
  if (!older) return undefined;
  return `stale: ${shortSha(sha)} is already part of the deployed ${shortSha(deployed)} and origin/${ctx.branch} is at ${shortSha(head ?? "?")}; nothing changed`;
}
