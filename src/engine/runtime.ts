import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import { runDeployment } from "../pipeline/index.js";
import type { ComposeCli } from "../runners/compose.js";
import { openDb } from "../store/db.js";
import { DeploymentStore } from "../store/deployments.js";
import { LogStore } from "../store/logs.js";
import { Queue } from "./queue.js";
import { recoverInterrupted } from "./recovery.js";

/** The long-lived parts of a running deployer, wired once. */
export interface Runtime {
  config: Config;
  store: DeploymentStore;
  logs: LogStore;
  queue: Queue;
  compose: ComposeCli;
  logger: Logger;
  close(graceMs?: number): Promise<void>;
}

export function createRuntime(config: Config, compose: ComposeCli, logger: Logger): Runtime {
  const db = openDb(join(config.dataDir, "deployer.db"));
  const store = new DeploymentStore(db);
  const logs = new LogStore(join(config.dataDir, "logs"));
  const deps = { config, store, logs, compose, logger };
  const queue = new Queue(store, config.concurrency, (d, signal) => runDeployment(deps, d, signal), logger);
  recoverInterrupted(config, store, logger);
  return {
    ...deps,
    queue,
    async close(graceMs = 10_000) {
      await queue.stop(graceMs);
      db.close();
    },
  };
}
