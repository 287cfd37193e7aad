import type { Db } from "./db.js";
import { BOOT_ID, newDeploymentId, type Row, toDeployment } from "./deployment-row.js";
import { now, statementCache } from "./statements.js";
import type { Deployment, DeploymentStatus, NewDeployment } from "./types.js";

/** Every read and state change of deployments. Each change is one transaction. */
export class DeploymentStore {
  private readonly sql;
  constructor(readonly db: Db) {
    this.sql = statementCache(db);
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
  }

  // Built once: a wrapper per call costs more than the statements it runs.
  private readonly inTransaction;

  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  insert(d: NewDeployment): Deployment {
    const id = newDeploymentId();
    this.sql(
      `INSERT INTO deployments (id, app, status, trigger, actor, sha, ref, branch, delivery_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      d.app,
      d.status ?? "queued",
      d.trigger,
      d.actor ?? null,
      d.sha,
      d.ref ?? null,
      d.branch ?? null,
      d.deliveryId ?? null,
      now(),
    );
    return this.get(id) as Deployment;
  }

  get(id: string): Deployment | undefined {
    const row = this.sql("SELECT * FROM deployments WHERE id = ?").get(id) as Row | undefined;
    return row && toDeployment(row);
  }

  list(filter: { app?: string | undefined; limit?: number | undefined } = {}): Deployment[] {
    // Two statements, so each uses its index: (app, seq) for one app, the primary key for all.
    const limit = filter.limit ?? 50;
    const rows = (
      filter.app === undefined
        ? this.sql("SELECT * FROM deployments ORDER BY seq DESC LIMIT ?").all(limit)
        : this.sql("SELECT * FROM deployments WHERE app = ? ORDER BY seq DESC LIMIT ?").all(filter.app, limit)
    ) as Row[];
    return rows.map(toDeployment);
  }

  /** Apps that have queued work, oldest waiting first (fair across apps). */
  appsWithQueued(): string[] {
    const rows = this.sql(
      `SELECT app FROM deployments WHERE status = 'queued' GROUP BY app ORDER BY MIN(seq)`,
    ).all() as { app: string }[];
    return rows.map((r) => r.app);
  }

  /**
   * Takes the newest queued deployment of an app, marks the older queued ones superseded,
   * and marks it running — all in one transaction.
   */
  claimNext(app: string): Deployment | undefined {
    return this.transaction(() => {
      const row = this.sql(
        `SELECT * FROM deployments WHERE app = ? AND status = 'queued' ORDER BY seq DESC LIMIT 1`,
      ).get(app) as Row | undefined;
      if (!row) return undefined;
      const t = now();
      this.sql(
        `UPDATE deployments SET status = 'superseded', finished_at = ?, error = ?
           WHERE app = ? AND status = 'queued' AND id != ?`,
      ).run(t, `superseded by ${row.id}`, app, row.id);
      this.sql(`UPDATE deployments SET status = 'running', started_at = ? WHERE id = ?`).run(t, row.id);
      return this.get(row.id);
    });
  }

  /** Coalescing: a newer push replaces the app's deployments still waiting for approval. */
  supersedeWaiting(app: string, newerId: string): void {
    this.sql(
      `UPDATE deployments SET status = 'superseded', finished_at = ?, error = ?
         WHERE app = ? AND status = 'waiting' AND id != ?`,
    ).run(now(), `superseded by ${newerId} before approval`, app, newerId);
  }

  /** A waiting deployment becomes queued; false if it was not waiting (any more). */
  approve(id: string): boolean {
    const r = this.sql(`UPDATE deployments SET status = 'queued' WHERE id = ? AND status = 'waiting'`).run(id);
    return r.changes === 1;
  }

  update(
    id: string,
    fields: Partial<Pick<Deployment, "status" | "error" | "previousSha" | "rebuilt" | "finishedAt">>,
  ): void {
    const cols: string[] = [];
    const values: unknown[] = [];
    const map: Record<string, string> = {
      status: "status",
      error: "error",
      previousSha: "previous_sha",
      rebuilt: "rebuilt",
      finishedAt: "finished_at",
    };
    for (const [k, v] of Object.entries(fields)) {
      cols.push(`${map[k]} = ?`);
      values.push(k === "rebuilt" ? JSON.stringify(v) : v);
    }
    if (cols.length === 0) return;
    this.sql(`UPDATE deployments SET ${cols.join(", ")} WHERE id = ?`).run(...values, id);
  }

  finish(id: string, status: DeploymentStatus, error: string | null = null): void {
    this.sql(`UPDATE deployments SET status = ?, error = ?, finished_at = ?, pgid = NULL WHERE id = ?`).run(
      status,
      error,
      now(),
      id,
    );
  }

  /** Process group of the command a deployment is running now, so a restart can stop an orphan. */
  setPgid(id: string, pgid: number | null): void {
    this.sql("UPDATE deployments SET pgid = ?, pgid_boot = ? WHERE id = ?").run(pgid, BOOT_ID, id);
  }

  running(): (Deployment & { pgid: number | null })[] {
    const rows = this.sql(`SELECT * FROM deployments WHERE status = 'running' ORDER BY seq`).all() as (Row & {
      pgid: number | null;
      pgid_boot: string | null;
    })[];
    // Only a process group from this boot can still be the deployment's orphan.
    return rows.map((r) => ({ ...toDeployment(r), pgid: r.pgid_boot === BOOT_ID ? r.pgid : null }));
  }

  lastSucceeded(app: string, excludeId?: string): Deployment | undefined {
    const row = this.sql(
      `SELECT * FROM deployments WHERE app = ? AND status = 'succeeded' AND id != ? ORDER BY seq DESC LIMIT 1`,
    ).get(app, excludeId ?? "") as Row | undefined;
    return row && toDeployment(row);
  }

  /** The newest deployment of an app that got as far as starting, other than `excludeId`. */
  lastStarted(app: string, excludeId: string): Deployment | undefined {
    const row = this.sql(
      `SELECT * FROM deployments WHERE app = ? AND id != ? AND started_at IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    ).get(app, excludeId) as Row | undefined;
    return row && toDeployment(row);
  }

  /** Distinct commits of the newest succeeded deployments, newest first. */
  succeededShas(app: string, limit: number): string[] {
    const rows = this.sql(
      `SELECT sha, MAX(seq) AS s FROM deployments WHERE app = ? AND status = 'succeeded'
         GROUP BY sha ORDER BY s DESC LIMIT ?`,
    ).all(app, limit) as { sha: string }[];
    return rows.map((r) => r.sha);
  }

  /**
   * Keeps the newest `keep` deployments of an app, and always its newest `keepSucceeded` succeeded ones
   * (they are the rollback targets). Returns the ids removed so their steps and logs can go too.
   */
  prune(app: string, keep: number, keepSucceeded = 0): string[] {
    return this.transaction(() => {
      const rows = this.sql(
        `SELECT id FROM deployments WHERE app = @app AND status NOT IN ('queued','running','waiting')
           AND id NOT IN (SELECT id FROM deployments WHERE app = @app AND status = 'succeeded'
                          ORDER BY seq DESC LIMIT @keepSucceeded)
           ORDER BY seq DESC LIMIT -1 OFFSET @keep`,
      ).all({ app, keep, keepSucceeded }) as { id: string }[];
      const ids = rows.map((r) => r.id);
      const del = this.sql("DELETE FROM deployments WHERE id = ?");
      for (const id of ids) del.run(id);
      return ids;
    });
  }
}
