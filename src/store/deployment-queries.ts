import type { Db } from "./db.js";
import { BOOT_ID, type Row, toDeployment } from "./deployment-row.js";
import { statementCache } from "./statements.js";
import type { Deployment } from "./types.js";

/** The reads of deployments; DeploymentStore adds the state changes. */
export class DeploymentQueries {
  protected readonly sql;
  constructor(readonly db: Db) {
    this.sql = statementCache(db);
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

  running(): (Deployment & { pgid: number | null; pgidStart: string | null })[] {
    const rows = this.sql(`SELECT * FROM deployments WHERE status = 'running' ORDER BY seq`).all() as (Row & {
      pgid: number | null;
      pgid_boot: string | null;
      pgid_start: string | null;
    })[];
    // Only a process group from this boot can still be the deployment's orphan.
    return rows.map((r) => ({
      ...toDeployment(r),
      pgid: r.pgid_boot === BOOT_ID ? r.pgid : null,
      pgidStart: r.pgid_start,
    }));
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
}
