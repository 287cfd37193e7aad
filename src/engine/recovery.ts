import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import { shortSha } from "../helpers/short-sha.js";
import type { Stores } from "../store/stores.js";
import type { Deployment } from "../store/types.js";

/** Kills what a crashed deployer left running, and the git lock a killed git leaves behind. */
function cleanUpAfter(d: Deployment & { pgid: number | null }, config: Config, logger: Logger): void {
  try {
    if (d.pgid) process.kill(-d.pgid, "SIGKILL");
  } catch {
    // Gone with the old process.
  }
  const app = config.apps[d.app];
  try {
    if (app) rmSync(join(app.path, ".git", "index.lock"), { force: true });
  } catch (err) {
    logger.warn({ err, app: d.app }, `${d.app}: could not remove a stale .git/index.lock`);
  }
}

/**
 * Run once at start, before the queue: deployments a crash left `running` become `interrupted`,
 * any command they left behind is killed, and each one runs again (as a new deployment) unless newer
 * work for its app is already queued. Marking and re-queuing happen in one transaction, so a crash
 * here cannot drop the work. The queue then picks everything up from the store.
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
    const next = store.transaction(() => {
      store.finish(
        d.id,
        "interrupted",
        `interrupted: deployer stopped while this deployment was running${step ? ` (in ${step})` : ""}`,
      );
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
    if (next) {
      requeued.push(next);
      logger.info({ app: d.app, deployment: next.id }, `${d.app}: re-queued ${shortSha(d.sha)} as ${next.id}`);
    }
  }
  return requeued;
}
