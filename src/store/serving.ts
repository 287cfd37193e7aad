import type { Db } from "./db.js";
import { statementCache } from "./statements.js";

/** The container that takes a zero-downtime app's traffic. */
export interface Serving {
  container: string;
  name: string;
  /** host:port the proxy sends requests to. */
  address: string;
  /** Commit it runs, when known (null after a restart found it without a record). */
  sha: string | null;
  since: string;
}

/** Which container serves each zero-downtime app; written at every switch. */
export class ServingStore {
  private readonly sql;
  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  get(app: string): Serving | undefined {
    return this.sql("SELECT container, name, address, sha, since FROM serving WHERE app = ?").get(app) as
      | Serving
      | undefined;
  }

  set(app: string, s: Serving): void {
    this.sql(
      `INSERT INTO serving (app, container, name, address, sha, since) VALUES (@app, @container, @name, @address, @sha, @since)
         ON CONFLICT (app) DO UPDATE SET container = @container, name = @name, address = @address, sha = @sha, since = @since`,
    ).run({ app, ...s });
  }
}
