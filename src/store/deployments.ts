import { DeploymentQueries } from "./deployment-queries.js";
import { BOOT_ID, newDeploymentId, type Row } from "./deployment-row.js";
import { now } from "./statements.js";
import type { Deployment, DeploymentStatus, NewDeployment } from "./types.js";

/** Every read and state change of deployments. Each change is one transaction. */
export class DeploymentStore extends DeploymentQueries {
  private readonly watchers: ((d: Deployment) => void)[] = [];
  // Built once: a wrapper per call costs more than the statements it runs.
  private readonly inTransaction = this.db.transaction((fn: () => unknown) => fn());

  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  /** Called inside the transaction of each status change (queued, running, finished), with the deployment after it. */
  onStatus(fn: (d: Deployment) => void): void {
    this.watchers.push(fn);
  }

  private changed(id: string): void {
    const d = this.watchers.length > 0 ? this.get(id) : undefined;
    for (const w of d ? this.watchers : []) w(d as Deployment);
  }

  insert(d: NewDeployment): Deployment {
    return this.transaction(() => this.insertNow(d));
  }

  private insertNow(d: NewDeployment): Deployment {
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
    this.changed(id);
    return this.get(id) as Deployment;
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
      const older = this.sql(`SELECT id FROM deployments WHERE app = ? AND status = 'queued' AND id != ?`).all(
        app,
        row.id,
      ) as { id: string }[];
      for (const o of older) {
        this.sql(`UPDATE deployments SET status = 'superseded', finished_at = ?, error = ? WHERE id = ?`).run(
          t,
          `superseded by ${row.id}`,
          o.id,
        );
        this.changed(o.id);
      }
      this.sql(`UPDATE deployments SET status = 'running', started_at = ? WHERE id = ?`).run(t, row.id);
      this.changed(row.id);
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
    return this.transaction(() => {
      const r = this.sql(`UPDATE deployments SET status = 'queued' WHERE id = ? AND status = 'waiting'`).run(id);
      if (r.changes === 1) this.changed(id);
      return r.changes === 1;
    });
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
    this.transaction(() => {
      const set = "status = ?, error = ?, finished_at = ?, pgid = NULL";
      this.sql(`UPDATE deployments SET ${set} WHERE id = ?`).run(status, error, now(), id);
      this.changed(id);
    });
  }

  /**
   * Process group of the command a deployment is running now, and when its leader started, so a
   * restart can stop an orphan and never a process that reused the id.
   */
  setPgid(id: string, pgid: number | null, startTime: string | null = null): void {
    this.sql("UPDATE deployments SET pgid = ?, pgid_boot = ?, pgid_start = ? WHERE id = ?").run(
      pgid,
      BOOT_ID,
      startTime,
      id,
    );
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
