import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import { MAX_INTERRUPTED_ATTEMPTS, recoverInterrupted } from "../../../src/engine/recovery.js";
import { processStartTime } from "../../../src/helpers/proc-start.js";
import { createLogger } from "../../../src/logger.js";
import type { Db } from "../../../src/store/db.js";
import type { Stores } from "../../../src/store/stores.js";
import type { Deployment } from "../../../src/store/types.js";
import { openMemoryStore } from "../../helpers/store.js";

const logger = createLogger({ console: false });
const sha = "a".repeat(40);
const checkout = mkdtempSync(join(tmpdir(), "t8-recovery-"));
afterAll(() => rmSync(checkout, { recursive: true, force: true }));
const config = parseConfig(`apps:\n  shop: { repo: acme/shop, path: ${checkout}, branch: main }\n`, "/t/deployer.yml", {
  env: {},
  checkPaths: false,
});

let db: Db;
let stores: Stores;
beforeEach(() => {
  ({ db, ...stores } = openMemoryStore());
});
afterEach(() => db.close());

/** Simulates a crash: whatever is running stays `running` in the store. */
function crashWhileRunning(): Deployment {
  const d = stores.store.claimNext("shop") as Deployment;
  stores.steps.start(d.id, "sync");
  return d;
}

describe("recovery after a crash", () => {
  it(`gives up after ${MAX_INTERRUPTED_ATTEMPTS} interrupted attempts and marks the deployment failed`, () => {
    stores.store.insert({ app: "shop", trigger: "push", sha, branch: "main" });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = crashWhileRunning();
      ids.push(d.id);
      const requeued = recoverInterrupted(config, stores, logger);
      if (requeued.length === 0) break;
    }
    expect(ids).toHaveLength(MAX_INTERRUPTED_ATTEMPTS);
    const statuses = ids.map((id) => stores.store.get(id)?.status);
    expect(statuses).toEqual(["interrupted", "interrupted", "failed"]);
    expect(stores.store.get(ids[2] as string)?.error).toMatch(
      /interrupted 3 times in a row \(in sync\); deployer gave up/,
    );
    expect(stores.store.appsWithQueued()).toEqual([]);
  });

  it("ends the interrupted deployment's running step as interrupted, not running", () => {
    stores.store.insert({ app: "shop", trigger: "push", sha, branch: "main" });
    const d = crashWhileRunning();
    recoverInterrupted(config, stores, logger);
    expect(stores.steps.list(d.id).map((s) => s.status)).toEqual(["interrupted"]);
  });

  it("kills the recorded process group only if it is still the process that was started", async () => {
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    const pid = child.pid as number;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      stores.store.insert({ app: "shop", trigger: "push", sha, branch: "main" });
      const d = crashWhileRunning();
      stores.store.setPgid(d.id, pid, "1"); // the id was reused by another process
      recoverInterrupted(config, stores, logger);
      await sleep(100);
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();

      stores.store.insert({ app: "shop", trigger: "push", sha, branch: "main" });
      const again = stores.store.claimNext("shop") as Deployment;
      stores.store.setPgid(again.id, pid, processStartTime(pid));
      recoverInterrupted(config, stores, logger);
      await exited;
      expect(child.signalCode).toBe("SIGKILL");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("clears the stale git locks a killed git leaves: index, HEAD, packed-refs and refs/**", () => {
    const git = join(checkout, ".git");
    mkdirSync(join(git, "refs", "heads", "feature"), { recursive: true });
    mkdirSync(join(git, "refs", "remotes", "origin"), { recursive: true });
    const locks = [
      "index.lock",
      "HEAD.lock",
      "packed-refs.lock",
      "refs/heads/main.lock",
      "refs/heads/feature/x.lock",
      "refs/remotes/origin/main.lock",
    ];
    for (const l of locks) writeFileSync(join(git, l), "");
    writeFileSync(join(git, "refs", "heads", "main"), "keep\n");
    stores.store.insert({ app: "shop", trigger: "push", sha, branch: "main" });
    crashWhileRunning();
    recoverInterrupted(config, stores, logger);
    for (const l of locks) expect(() => writeFileSync(join(git, l), "", { flag: "wx" }), l).not.toThrow();
    expect(() => writeFileSync(join(git, "refs", "heads", "main"), "", { flag: "wx" })).toThrow(/EEXIST/);
  });
});
