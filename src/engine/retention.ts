import type { Config } from "../config/types.js";
import type { LogStore } from "../store/logs.js";
import type { Stores } from "../store/stores.js";

/**
 * App-wide housekeeping after each deployment, whatever its outcome: keeps the newest `history`
 * deployments of the app (and always its last `keepImages` succeeded ones, the rollback targets),
 * with their steps, logs and settled reports, and forgets old deliveries.
 */
export function applyRetention(app: string, config: Config, stores: Stores, logs: LogStore): void {
  const { store, steps, deliveries, outbox } = stores;
  const pruned = store.transaction(() => {
    const ids = store.prune(app, config.history, config.keepImages);
    steps.remove(ids);
    outbox.remove(ids);
    deliveries.purge();
    return ids;
  });
  for (const gone of pruned) logs.remove(gone);
}
