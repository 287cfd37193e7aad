import { type Db, openDb } from "../../src/store/db.js";
import { DeploymentStore } from "../../src/store/deployments.js";

/** A fresh, migrated in-memory database and its store. */
export function openMemoryStore(): { db: Db; store: DeploymentStore } {
  const db = openDb(":memory:");
  return { db, store: new DeploymentStore(db) };
}
