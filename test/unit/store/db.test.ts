import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../../src/store/db.js";

describe("openDb", () => {
  it("uses WAL with full syncs, and migrates once", () => {
    const dir = mkdtempSync(join(tmpdir(), "deployer-db-"));
    try {
      const file = join(dir, "sub", "deployer.db");
      const db = openDb(file);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("synchronous", { simple: true })).toBe(2); // FULL
      const version = db.pragma("user_version", { simple: true });
      db.close();
      const again = openDb(file);
      expect(again.pragma("user_version", { simple: true })).toBe(version);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
