import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLocked, LOCK_FILE, lockDataDir } from "../../../src/engine/data-lock.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("lockDataDir", () => {
  it("lets one holder in and names its PID to the next", () => {
    dir = mkdtempSync(join(tmpdir(), "t8-lock-"));
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    expect(() => lockDataDir(dir)).toThrow(DataDirLocked);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by another deployer \\(PID ${process.pid}\\)`));
    lock.release();
    lockDataDir(dir).release();
  });

  it("takes over a lock whose process is gone, or whose PID now belongs to another process", () => {
    dir = mkdtempSync(join(tmpdir(), "t8-lock-"));
    writeFileSync(join(dir, LOCK_FILE), "2147483000 12345\n");
    lockDataDir(dir).release();
    writeFileSync(join(dir, LOCK_FILE), `${process.pid} 1\n`); // our PID, but not our start time
    const lock = lockDataDir(dir);
    lock.release();
  });
});
