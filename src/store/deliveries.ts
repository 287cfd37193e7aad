import type { Db } from "./db.js";
import { RecentIds } from "./recent-ids.js";
import { now, statementCache } from "./statements.js";

/** Deliveries only serve de-duplication; forges redeliver within days, not months. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * Ids of deliveries that deployed nothing, kept in memory only; the oldest are forgotten first. Small
 * on purpose: the lookup is on every delivery, and a table that outgrows the CPU's cache costs a
 * cache miss per probe (20,000 ids cost 3.7 µs a delivery against 1.3 µs for 2,000: docs/benchmarks.md).
 * A forge redelivers within minutes; a redelivery past the window is answered as ignored again.
 */
export const REMEMBERED_IN_MEMORY = 2_000;

/**
 * Every forge delivery seen, by its id, and the deployment it caused (if any). Deliveries that
 * deploy something are stored with their deployments; the rest (pings, ignored pushes) are only
 * remembered in memory: a redelivery of one of those is harmless, so it costs no durable write.
 */
export class DeliveryStore {
  private readonly sql;
  private readonly recent: RecentIds;
  constructor(db: Db, memoryLimit = REMEMBERED_IN_MEMORY) {
    this.sql = statementCache(db);
    this.recent = new RecentIds(memoryLimit);
  }

  /** Whether the delivery is among those remembered in memory (no database read). */
  seenRecently(id: string): boolean {
    return this.recent.has(id);
  }

  find(id: string): { id: string; deploymentId: string | null } | undefined {
    if (this.recent.has(id)) return { id, deploymentId: null };
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

  /**
   * Remembers a delivery that caused nothing, in memory (bounded), for duplicate detection. Returns
   * false when it was already remembered: one lookup for both questions.
   */
  remember(id: string): boolean {
    return this.recent.add(id);
  }

  /** Forgets deliveries older than the retention period. */
  purge(retentionMs = DELIVERY_RETENTION_MS): void {
    const cutoff = new Date(Date.now() - retentionMs).toISOString();
    this.sql("DELETE FROM deliveries WHERE received_at < ?").run(cutoff);
  }
}
