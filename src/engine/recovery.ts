import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import { processStartTime } from "../helpers/proc-start.js";
import { shortSha } from "../helpers/short-sha.js";
import type { Stores } from "../store/stores.js";
import type { Deployment } from "../store/types.js";
import { clearGitLocks } from "./git-leftovers.js";

/** A deployment interrupted this many times in a row (re-runs included) is given up on: a crash loop ends. */
export const MAX_INTERRUPTED_ATTEMPTS = 3;

type Orphaned = Deployment & { pgid: number | null; pgidStart: string | null };

/**
 * Kills what a crashed deployer left running, if the recorded process group is still the one it
 * started (same id and start time), and clears the git locks a killed git leaves behind.
 */
function cleanUpAfter(d: Orphaned, config: Config, logger: Logger): void {
  if (d.pgid && d.pgidStart && processStartTime(d.pgid) === d.pgidStart) {
    try {
      process.kill(-d.pgid, "SIGKILL");
    } catch {
      // Gone with the old process.
    }
  }
  const app = config.apps[d.app];
  if (!app) return;
  const removed = clearGitLocks(app.path);
  if (removed.length > 0) logger.warn({ app: d.app }, `${d.app}: removed stale git lock(s): ${removed.join(", ")}`);
}

/** How many interrupted runs this one ends: itself plus the runs it re-ran, through `recovery of` actors. */
function attempts(d: Deployment, stores: Pick<Stores, "store">): number {
  let n = 1;
  let actor = d.actor;
  while (actor?.startsWith("recovery of ") && n < 100) {
    const earlier = stores.store.get(actor.slice("recovery of ".length));
    if (earlier?.status !== "interrupted") break;
    n++;
    actor = earlier.actor;
  }
  return n;
}

/**
 * Run once at start, before the queue: deployments a crash left `running` become `interrupted` (their
 * running step too), any command they left behind is killed, and each one runs again (as a new
 * deployment) unless newer work for its app is already queued, or it was already interrupted
 * MAX_INTERRUPTED_ATTEMPTS times: then it is failed. Marking and re-queuing happen in one
 * transaction, so a crash here cannot drop the work. The queue then picks everything up from the store.
 */
export function recoverInterrupted(
  config: Config,
  { store, steps }: Pick<Stores, "store" | "steps">,
  logger: Logger,
): Deployment[] {
  const requeued: Deployment[] = [];
  for (const d of store.running()) {
    cleanUpAfter(d, config, logger);
    const step = steps.list(d.id).at(-1)?.name;
    const where = step ? ` (in ${step})` : "";
    const tries = attempts(d, { store });
    const givingUp = tries >= MAX_INTERRUPTED_ATTEMPTS;
    const next = store.transaction(() => {
      steps.interruptRunning(d.id);
      if (givingUp) {
        store.finish(
          d.id,
          "failed",
          `interrupted ${tries} times in a row${where}; deployer gave up on ${shortSha(d.sha)} so that a crash loop ends; push again or deploy by hand once the cause is fixed`,
        );
        return undefined;
      }
      store.finish(d.id, "interrupted", `interrupted: deployer stopped while this deployment was running${where}`);
      if (!config.apps[d.app] || store.appsWithQueued().includes(d.app)) return undefined;
      return store.insert({
        app: d.app,
        // An interrupted rollback resumes as a rollback: it must not rebuild.
        trigger: d.trigger === "rollback" ? "rollback" : "recovery",
        actor: `recovery of ${d.id}`,
        sha: d.sha,
        ref: d.ref ?? undefined,
        branch: d.branch ?? undefined,
      });
    });
    logger.warn({ app: d.app, deployment: d.id }, `${d.app} ${d.id} was interrupted by a restart`);
    if (givingUp) logger.error({ app: d.app, deployment: d.id }, `${d.app} ${d.id}: gave up after ${tries} attempts`);
    if (next) {
      requeued.push(next);
      logger.info({ app: d.app, deployment: next.id }, `${d.app}: re-queued ${shortSha(d.sha)} as ${next.id}`);
    }
  }
  return requeued;
}
