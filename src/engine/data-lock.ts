import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DeployerError } from "../errors.js";
import { processStartTime } from "../helpers/proc-start.js";
import { type Db, openDb } from "../store/db.js";

export const LOCK_FILE = "deployer.lock";

/** Another deployer already serves this data directory. */
export class DataDirLocked extends DeployerError {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `data directory ${dataDir} is in use by another deployer (PID ${holderPid}); stop it first, or give this one another dataDir`,
    );
  }
}

export interface DataLock {
  release(): void;
}

/** The lock's holder, if that process is still the one that wrote it (same pid and start time). */
function liveHolder(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const [pid, start] = text.trim().split(/\s+/);
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return undefined;
  const now = processStartTime(n);
  return now !== null && now === start ? n : undefined;
}

/**
 * Takes the data directory for this process: `<dataDir>/deployer.lock`, created exclusively and holding
 * this process's PID and start time. A lock whose process is gone (or was replaced by one that reused
 * the PID) is stale and taken over. Taken before recovery or any other work touches the data.
 */
export function lockDataDir(dataDir: string): DataLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const mine = `${process.pid} ${processStartTime(process.pid) ?? ""}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o644);
      writeSync(fd, mine);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = liveHolder(file);
      if (holder !== undefined || attempt > 0) throw new DataDirLocked(dataDir, holder ?? readPid(file));
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        if (readFileSync(file, "utf8") === mine) rmSync(file, { force: true });
      } catch {
        // Already gone.
      }
    },
  };
}

function readPid(file: string): number {
  try {
    return Number(readFileSync(file, "utf8").trim().split(/\s+/)[0]) || 0;
  } catch {
    return 0;
  }
}

/** Locks the data directory, then opens its database: nothing reads the data before the lock is held. */
export function openDataDir(dataDir: string): { db: Db; lock: DataLock } {
  const lock = lockDataDir(dataDir);
  try {
    return { db: openDb(join(dataDir, "deployer.db")), lock };
  } catch (err) {
    lock.release();
    throw err;
  }
}
