import type { Db } from "./db.js";
import { now, statementCache } from "./statements.js";

/** pending: to be (re)tried at `nextAt`; delivered: the target accepted it; failed: given up. */
export type OutboxState = "pending" | "delivered" | "failed";

export interface NewOutboxRow {
  deploymentId: string;
  app: string;
  /** Where it goes: github-status, github-deployment, gitlab-status, …, or notify:<index>:<type>. */
  target: string;
  /** What happened: queued, running, succeeded, failed, rolledBack, cancelled, …, inactive. */
  event: string;
  /** The event as it was when the state changed (JSON-able). */
  payload: unknown;
}

export interface OutboxRow extends Omit<NewOutboxRow, "payload"> {
  id: number;
  payload: unknown;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  remoteId: string | null;
  createdAt: string;
  nextAt: string;
  deliveredAt: string | null;
}

/** A deployment's report as the API shows it: no payload, never a credential. */
export interface ReportView {
  target: string;
  event: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

interface Row {
  id: number;
  deployment_id: string;
  app: string;
  target: string;
  event: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  remote_id: string | null;
  created_at: string;
  next_at: string;
  delivered_at: string | null;
}

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  deploymentId: r.deployment_id,
  app: r.app,
  target: r.target,
  event: r.event,
  payload: JSON.parse(r.payload) as unknown,
  state: r.state,
  attempts: r.attempts,
  lastError: r.last_error,
  remoteId: r.remote_id,
  createdAt: r.created_at,
  nextAt: r.next_at,
  deliveredAt: r.delivered_at,
});

/**
 * The durable queue of reports and notifications. Rows are added inside the transaction of the state
 * change that causes them; one (deployment, target, event) is only ever added once.
 */
export class OutboxStore {
  private readonly sql;
  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  add(row: NewOutboxRow): void {
    const t = now();
    this.sql(
      `INSERT OR IGNORE INTO outbox (deployment_id, app, target, event, payload, created_at, next_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(row.deploymentId, row.app, row.target, row.event, JSON.stringify(row.payload), t, t);
  }

  has(deploymentId: string, target: string, event: string): boolean {
    return !!this.sql("SELECT 1 FROM outbox WHERE deployment_id = ? AND target = ? AND event = ?").get(
      deploymentId,
      target,
      event,
    );
  }

  /**
   * Pending rows due by `at`, oldest first; a row waits while an earlier row of the same deployment and
   * target is pending, so a target sees a deployment's events in order.
   */
  due(at: string, limit: number): OutboxRow[] {
    const rows = this.sql(
      `SELECT * FROM outbox o WHERE state = 'pending' AND next_at <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.state = 'pending' AND e.deployment_id = o.deployment_id
                           AND e.target = o.target AND e.id < o.id)
         ORDER BY id LIMIT ?`,
    ).all(at, limit) as Row[];
    return rows.map(toRow);
  }

  /** When the next pending row is due, if any. */
  nextDue(): string | undefined {
    const r = this.sql("SELECT MIN(next_at) AS at FROM outbox WHERE state = 'pending'").get() as { at: string | null };
    return r.at ?? undefined;
  }

  delivered(id: number, remoteId?: string): void {
    this.sql(
      `UPDATE outbox SET state = 'delivered', attempts = attempts + 1, last_error = NULL, delivered_at = ?,
         remote_id = COALESCE(?, remote_id) WHERE id = ?`,
    ).run(now(), remoteId ?? null, id);
  }

  retry(id: number, error: string, nextAt: string): void {
    this.sql("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?").run(
      error,
      nextAt,
      id,
    );
  }

  giveUp(id: number, error: string): void {
    this.sql("UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?").run(error, id);
  }

  /** The id the forge gave a deployment's earlier delivered row on `target` (a forge deployment's id). */
  remoteId(deploymentId: string, target: string): string | undefined {
    const r = this.sql(
      `SELECT remote_id FROM outbox WHERE deployment_id = ? AND target = ? AND remote_id IS NOT NULL
         ORDER BY id LIMIT 1`,
    ).get(deploymentId, target) as { remote_id: string } | undefined;
    return r?.remote_id;
  }

  list(deploymentId: string): ReportView[] {
    const rows = this.sql("SELECT * FROM outbox WHERE deployment_id = ? ORDER BY id").all(deploymentId) as Row[];
    return rows.map((r) => ({
      target: r.target,
      event: r.event,
      state: r.state,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
  }

  /** Removes the settled rows of deployments that retention deleted (pending ones are still sent). */
  remove(deploymentIds: string[]): void {
    const del = this.sql("DELETE FROM outbox WHERE deployment_id = ? AND state != 'pending'");
    for (const id of deploymentIds) del.run(id);
  }
}
