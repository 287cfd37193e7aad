import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

// Append-only: each entry runs once, in order, tracked by PRAGMA user_version.
const MIGRATIONS: string[] = [
  `CREATE TABLE deployments (
     seq          INTEGER PRIMARY KEY AUTOINCREMENT,
     id           TEXT NOT NULL UNIQUE,
     app          TEXT NOT NULL,
     status       TEXT NOT NULL,
     trigger      TEXT NOT NULL,
     actor        TEXT,
     sha          TEXT NOT NULL,
     ref          TEXT,
     branch       TEXT,
     previous_sha TEXT,
     delivery_id  TEXT,
     rebuilt      TEXT NOT NULL DEFAULT '[]',
     error        TEXT,
     pgid         INTEGER,
     created_at   TEXT NOT NULL,
     started_at   TEXT,
     finished_at  TEXT
   );
   CREATE INDEX deployments_app_status ON deployments (app, status, seq);
   CREATE TABLE deliveries (
     id            TEXT PRIMARY KEY,
     event         TEXT NOT NULL,
     received_at   TEXT NOT NULL,
     deployment_id TEXT
   );
   CREATE TABLE steps (
     deployment_id TEXT NOT NULL,
     name          TEXT NOT NULL,
     status        TEXT NOT NULL,
     started_at    TEXT NOT NULL,
     finished_at   TEXT,
     duration_ms   INTEGER,
     detail        TEXT
   );
   CREATE INDEX steps_deployment ON steps (deployment_id);`,
  // The boot a recorded process group belongs to: after a reboot the id may name another process.
  "ALTER TABLE deployments ADD COLUMN pgid_boot TEXT;",
  // Zero-downtime apps: which container the proxy sends traffic to, and since when.
  `CREATE TABLE serving (
     app       TEXT PRIMARY KEY,
     container TEXT NOT NULL,
     name      TEXT NOT NULL,
     address   TEXT NOT NULL,
     sha       TEXT,
     since     TEXT NOT NULL
   );`,
  // When the recorded process group's leader started: a reused id belongs to another process.
  "ALTER TABLE deployments ADD COLUMN pgid_start TEXT;",
  // Reports and notifications, one row per target and event, written with the state change that
  // causes them; the sender delivers them (store/outbox.ts).
  `CREATE TABLE outbox (
     id            INTEGER PRIMARY KEY AUTOINCREMENT,
     deployment_id TEXT NOT NULL,
     app           TEXT NOT NULL,
     target        TEXT NOT NULL,
     event         TEXT NOT NULL,
     payload       TEXT NOT NULL,
     state         TEXT NOT NULL DEFAULT 'pending',
     attempts      INTEGER NOT NULL DEFAULT 0,
     last_error    TEXT,
     remote_id     TEXT,
     created_at    TEXT NOT NULL,
     next_at       TEXT NOT NULL,
     delivered_at  TEXT,
     UNIQUE (deployment_id, target, event)
   );
   CREATE INDEX outbox_due ON outbox (state, next_at);`,
  // Nothing per request or at start may scan the whole history: the queue and recovery look up by
  // status, an app's history is read newest first, and old deliveries are purged by age.
  `CREATE INDEX deployments_status ON deployments (status, app, seq);
   CREATE INDEX deployments_app_seq ON deployments (app, seq);
   CREATE INDEX deliveries_received ON deliveries (received_at);`,
];

/** Opens (and migrates) the database. WAL so readers never block the worker's writes. */
export function openDb(file: string): Db {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // FULL: a 202 is only sent once the deployment is on disk, power loss included.
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  // SQLite's own default page cache (2 MB). better-sqlite3 builds with 16 MB, which a burst of stored
  // deliveries fills and malloc then keeps: 14 MB of RSS that never comes back. The hot pages are the
  // tails of the append-only tables and their indexes; the rest are one read from the OS page cache away.
  db.pragma("cache_size = -2000");
  const version = db.pragma("user_version", { simple: true }) as number;
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  return db;
}
