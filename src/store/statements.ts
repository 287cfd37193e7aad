import type { Statement } from "better-sqlite3";
import type { Db } from "./db.js";

/** Prepared once, reused: the webhook path runs the same few statements on every delivery. */
export function statementCache(db: Db): (text: string) => Statement {
  const statements = new Map<string, Statement>();
  return (text) => {
    let stmt = statements.get(text);
    if (!stmt) {
      stmt = db.prepare(text);
      statements.set(text, stmt);
    }
    return stmt;
  };
}

export const now = () => new Date().toISOString();
