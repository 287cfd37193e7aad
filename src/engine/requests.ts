import type { AppConfig } from "../config/types.js";
import { BadRequestError, NotFoundError, UpstreamError } from "../errors.js";
import * as git from "../runners/git.js";
import type { Deployment } from "../store/types.js";
import type { Runtime } from "./runtime.js";

const HEX = /^[0-9a-f]{7,40}$/;

function appOf(rt: Runtime, name: string): AppConfig {
  const app = rt.config.apps[name];
  if (!app) throw new NotFoundError(`no app named ${name}; configured: ${Object.keys(rt.config.apps).join(", ")}`);
  return app;
}

const gitOpts = (app: AppConfig) => ({ cwd: app.path, step: "request", timeoutMs: 60_000 });

/** The branch an app deploys: configured, or the one its checkout is on. */
export async function appBranch(app: AppConfig): Promise<string> {
  const branch = app.branch ?? (await git.currentBranch(gitOpts(app)));
  if (!branch) throw new BadRequestError(`app ${app.name} has no branch configured and its checkout is detached`);
  return branch;
}

/**
 * A full commit id. Requests only read the checkout (a fetch here would race a running deploy's sync):
 * a full id is taken as it is and the deploy's sync fetches it; a short one must already be known.
 */
async function fullSha(app: AppConfig, sha: string): Promise<string> {
  if (!HEX.test(sha)) throw new BadRequestError(`"${sha}" is not a commit id (7 to 40 hex digits)`);
  if (sha.length === 40) return sha;
  const full = await git.resolveCommit(sha, gitOpts(app));
  if (!full) throw new BadRequestError(`commit ${sha} is not in ${app.name}'s checkout; give the full 40-digit id`);
  return full;
}

/** Queues a deploy of the given commit, or of the remote head of the app's branch (or of `ref`). */
export async function requestDeploy(
  rt: Runtime,
  name: string,
  opts: { sha?: string | undefined; ref?: string | undefined; actor?: string | undefined },
): Promise<Deployment> {
  const app = appOf(rt, name);
  let branch = await appBranch(app);
  if (opts.ref) {
    const b = opts.ref.replace(/^refs\/heads\//, "");
    if (!git.isSafeBranchName(b)) throw new BadRequestError(`ref ${opts.ref} is not a branch name deployer accepts`);
    branch = b;
  }
  let sha: string;
  if (opts.sha) sha = await fullSha(app, opts.sha);
  else {
    const head = await git.remoteHead(branch, gitOpts(app)).catch((err: unknown) => {
      // The remote is down or refuses us: a gateway problem, not deployer's own failure.
      throw err instanceof git.GitError ? new UpstreamError(`cannot reach ${app.name}'s origin: ${err.message}`) : err;
    });
    if (!head) throw new BadRequestError(`branch ${branch} does not exist on ${app.name}'s origin`);
    sha = head;
  }
  return enqueue(rt, { app: app.name, trigger: "manual", actor: opts.actor, sha, ref: `refs/heads/${branch}`, branch });
}

/** Queues a rollback to `to`, or to the succeeded commit before the current one. No rebuild when images are kept. */
export async function requestRollback(
  rt: Runtime,
  name: string,
  opts: { to?: string | undefined; actor?: string | undefined },
): Promise<Deployment> {
  const app = appOf(rt, name);
  const branch = await appBranch(app);
  let sha: string;
  if (opts.to) sha = await fullSha(app, opts.to);
  else {
    const [, previous] = rt.store.succeededShas(app.name, 2);
    if (!previous) throw new BadRequestError(`${app.name} has no earlier succeeded deployment to roll back to`);
    sha = previous;
  }
  return enqueue(rt, {
    app: app.name,
    trigger: "rollback",
    actor: opts.actor,
    sha,
    ref: `refs/heads/${branch}`,
    branch,
  });
}

function enqueue(rt: Runtime, d: Parameters<Runtime["store"]["insert"]>[0]): Deployment {
  const deployment = rt.store.insert(d);
  rt.queue.kick();
  return deployment;
}
