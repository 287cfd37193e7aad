import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import { Secrets } from "../helpers/secrets.js";
import { type OutboxSender, type SenderOptions, startOutbox } from "../outbox/index.js";
import { runDeployment } from "../pipeline/index.js";
import type { ComposeCli } from "../runners/compose.js";
import { withholdFromChildren } from "../runners/exec.js";
import type { DeliveryStore } from "../store/deliveries.js";
import type { DeploymentStore } from "../store/deployments.js";
import { GroupCommit } from "../store/group-commit.js";
import { LogStore } from "../store/logs.js";
import type { OutboxStore } from "../store/outbox.js";
import type { ServingStore } from "../store/serving.js";
import type { StepStore } from "../store/steps.js";
import { openStores } from "../store/stores.js";
import { convergeOnStart } from "./converge-on-start.js";
import { openDataDir } from "./data-lock.js";
import { type Execute, Queue } from "./queue.js";
import { recoverInterrupted } from "./recovery.js";
import { applyRetention } from "./retention.js";

/** The long-lived parts of a running deployer, wired once. */
export interface Runtime {
  config: Config;
  store: DeploymentStore;
  deliveries: DeliveryStore;
  steps: StepStore;
  serving: ServingStore;
  logs: LogStore;
  /** Reports and notifications to deliver, and the loop that delivers them. */
  outbox: OutboxStore;
  sender: OutboxSender;
  queue: Queue;
  /** Accepted deliveries of one event-loop turn share one transaction (one fsync). */
  commits: GroupCommit;
  compose: ComposeCli;
  logger: Logger;
  /** The configured secret and token: withheld from child processes, masked in deployment logs. */
  secrets: Secrets;
  close(graceMs?: number): Promise<void>;
  /** Gives SQLite's page cache back to the allocator (the server calls it when a burst of requests ends). */
  releaseMemory(): void;
}

export interface RuntimeOptions {
  /** Replaces the deploy pipeline; for tests of the HTTP layer that must not touch Docker. */
  execute?: Execute;
  /** The instance the logger was given; built from the config when omitted. */
  secrets?: Secrets;
  /** The outbox sender's timings (tests shorten the retry delays). */
  outbox?: Partial<SenderOptions>;
}

export function createRuntime(config: Config, compose: ComposeCli, logger: Logger, opts: RuntimeOptions = {}): Runtime {
  const { db, lock } = openDataDir(config.dataDir); // locked: one server per data directory
  const stores = openStores(db);
  const { store } = stores;
  const secrets = opts.secrets ?? Secrets.fromConfig(config);
  const logs = new LogStore(join(config.dataDir, "logs"), secrets, (err, id) =>
    logger.error(
      { err, deployment: id },
      `deployment ${id}: cannot write its log (${(err as Error).message}); going on without it`,
    ),
  );
  withholdFromChildren(secrets);
  const sender = startOutbox({ config, stores, logs, logger, secrets }, opts.outbox);
  const deps = { ...stores, config, logs, compose, logger };
  const execute: Execute =
    opts.execute ??
    ((d, signal) => runDeployment(deps, d, signal).finally(() => applyRetention(d.app, config, stores, logs)));
  const commits = new GroupCommit(db);
  const queue = new Queue(store, config.concurrency, execute, logger);
  recoverInterrupted(config, stores, logger);
  if (!opts.execute) convergeOnStart(config, stores.serving, logger);
  return {
    ...deps,
    secrets,
    sender,
    queue,
    commits,
    releaseMemory: () => db.pragma("shrink_memory"),
    async close(graceMs = 10_000) {
      commits.flush();
      await queue.stop(graceMs);
      await sender.stop();
      commits.flush();
      db.close();
      lock.release();
    },
  };
}
