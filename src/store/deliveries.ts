import type { Db } from "./db.js";
import { now, statementCache } from "./statements.js";

/** Deliveries only serve de-duplication; forges redeliver within days, not months. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** Every forge delivery seen, by its id, and the deployment it caused (if any). */
export class DeliveryStore {
  private readonly sql;
  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  find(id: string): { id: string; deploymentId: string | null } | undefined {
    const row = this.sql("SELECT id, deployment_id FROM deliveries WHERE id = ?").get(id) as
      | { id: string; deployment_id: string | null }
      | undefined;
    return row && { id: row.id, deploymentId: row.deployment_id };
  }

  record(id: string, event: string, deploymentId: string | null): void {
    this.sql("INSERT INTO deliveries (id, event, received_at, deployment_id) VALUES (?, ?, ?, ?)").run(
      id,
      event,
      now(),
      deploymentId,
    );
  }

  /** Forgets deliveries older than the retention period. */
  purge(retentionMs = DELIVERY_RETENTION_MS): void {
    const cutoff = new Date(Date.now() - retentionMs).toISOString();
    this.sql("DELETE FROM deliveries WHERE received_at < ?").run(cutoff);
  }
}
