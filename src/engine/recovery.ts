import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import type { DeploymentStore } from "../store/deployments.js";
import type { Deployment } from "../store/types.js";

/**
 * Run once at start, before the queue: deployments a crash left `running` become `interrupted`,
 * any command they left behind is killed, and each app's newest interrupted work runs again
 * unless newer work is already queued. The queue then picks everything up from the store.
 */
export function recoverInterrupted(config: Config, store: DeploymentStore, logger: Logger): Deployment[] {
  const requeued: Deployment[] = [];
  const interrupted = store.running();
  for (const d of interrupted) {
    if (d.pgid) {
      try {
        process.kill(-d.pgid, "SIGKILL");
      } catch {
        // Gone with the old process.
      }
    }
    const app = config.apps[d.app];
    // A git process killed mid-write leaves its lock behind and blocks every later deploy.
    if (app) rmSync(join(app.path, ".git", "index.lock"), { force: true });
    const step = store.steps(d.id).at(-1)?.name;
    store.finish(
      d.id,
      "interrupted",
      `interrupted: deployer stopped while this deployment was running${step ? ` (in ${step})` : ""}`,
    );
    logger.warn({ app: d.app, deployment: d.id }, `${d.app} ${d.id} was interrupted by a restart`);
  }
  const newestPerApp = new Map<string, Deployment>();
  for (const d of interrupted) newestPerApp.set(d.app, d);
  for (const d of newestPerApp.values()) {
    if (!config.apps[d.app]) continue;
    const next = store.transaction(() => {
      if (store.appsWithQueued().includes(d.app)) return undefined;
      return store.insert({
        app: d.app,
        trigger: "recovery",
        actor: `recovery of ${d.id}`,
        sha: d.sha,
        ref: d.ref ?? undefined,
        branch: d.branch ?? undefined,
      });
    });
    if (next) {
      requeued.push(next);
      logger.info({ app: d.app, deployment: next.id }, `${d.app}: re-queued ${d.sha.slice(0, 7)} as ${next.id}`);
    }
  }
  return requeued;
}
