import { type Db, openDb } from "../../src/store/db.js";
import { openStores, type Stores } from "../../src/store/stores.js";

/** A fresh, migrated in-memory database and its stores. */
export function openMemoryStore(): { db: Db } & Stores {
  const db = openDb(":memory:");
  return { db, ...openStores(db) };
}
