import type { Db } from "./db.js";
import { now, statementCache } from "./statements.js";
import type { Step } from "./types.js";

interface Row {
  name: string;
  status: Step["status"];
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  detail: string | null;
}

/** The steps of each deployment, in the order they ran. */
export class StepStore {
  private readonly sql;
  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  start(deploymentId: string, name: string): void {
    this.sql(`INSERT INTO steps (deployment_id, name, status, started_at) VALUES (?, ?, 'running', ?)`).run(
      deploymentId,
      name,
      now(),
    );
  }

  finish(deploymentId: string, name: string, status: Step["status"], durationMs: number, detail?: string): void {
    this.sql(
      `UPDATE steps SET status = ?, finished_at = ?, duration_ms = ?, detail = ?
         WHERE rowid = (SELECT MAX(rowid) FROM steps WHERE deployment_id = ? AND name = ?)`,
    ).run(status, now(), durationMs, detail ?? null, deploymentId, name);
  }

  list(deploymentId: string): Step[] {
    const rows = this.sql(
      `SELECT name, status, started_at, finished_at, duration_ms, detail FROM steps WHERE deployment_id = ? ORDER BY rowid`,
    ).all(deploymentId) as Row[];
    return rows.map((r) => ({
      name: r.name,
      status: r.status,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationMs: r.duration_ms,
      detail: r.detail,
    }));
  }

  /** Ends the steps a crash left `running` as `interrupted`. */
  interruptRunning(deploymentId: string): void {
    this.sql(
      `UPDATE steps SET status = 'interrupted', finished_at = ? WHERE deployment_id = ? AND status = 'running'`,
    ).run(now(), deploymentId);
  }

  /** Removes the steps of deployments that retention deleted. */
  remove(deploymentIds: string[]): void {
    const del = this.sql("DELETE FROM steps WHERE deployment_id = ?");
    for (const id of deploymentIds) del.run(id);
  }
}
