import type { Db } from "./db.js";

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the writes asked for during one turn of the event loop run in one transaction,
 * so one fsync (synchronous = FULL) covers them all. Each write runs in its own savepoint, so one
 * that throws is rolled back alone. Every promise settles only after the commit, so a caller that
 * answers on resolution answers only once its own write is durable.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Writes committed and transactions used, for the benchmark and tests. */
  readonly stats = { writes: 0, commits: 0 };

  private readonly inSavepoint;
  private readonly inTransaction;

  constructor(db: Db) {
    // Built once: a transaction wrapper called inside another runs as a savepoint.
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.inTransaction = db.transaction((batch: Pending[]) => batch.map((p) => this.attempt(p)));
  }

  private attempt(p: Pending): { ok: true; value: unknown } | { ok: false; err: unknown } {
    try {
      return { ok: true, value: this.inSavepoint(p.work) };
    } catch (err) {
      return { ok: false, err };
    }
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything pending now (also called at shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: ReturnType<GroupCommit["attempt"]>[];
    try {
      outcomes = this.inTransaction(batch);
    } catch (err) {
      // The commit itself failed: nothing of the batch is stored.
      for (const p of batch) p.reject(err);
      return;
    }
    this.stats.writes += batch.length;
    this.stats.commits += 1;
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value);
      else p.reject(o?.err);
    });
  }
}
