import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import { recoverInterrupted } from "../../../src/engine/recovery.js";
import { processStartTime } from "../../../src/helpers/proc-start.js";
import { createLogger } from "../../../src/logger.js";
import type { Db } from "../../../src/store/db.js";
import type { DeploymentStore } from "../../../src/store/deployments.js";
import type { Stores } from "../../../src/store/stores.js";
import type { Deployment, Trigger } from "../../../src/store/types.js";
import { uniqueDir } from "../../helpers/names.js";
import { openMemoryStore } from "../../helpers/store.js";
import { waitFor } from "../../helpers/wait.js";

const logger = createLogger({ console: false });
const sha = (n: number) => n.toString(16).padStart(40, "0");
const config = parseConfig(
  "apps:\n  shop: { repo: acme/shop, path: /nonexistent-shop, branch: main }\n",
  "/t/deployer.yml",
  {
    env: {},
    checkPaths: false,
  },
);

let db: Db;
let store: DeploymentStore;
let stores: Stores;
beforeEach(() => {
  ({ db, ...stores } = openMemoryStore());
  store = stores.store;
});
afterEach(() => db.close());

/** A deployment in the given state, as the pipeline would have left it. */
function make(n: number, status: Deployment["status"], trigger: Trigger = "push", previousSha?: string): Deployment {
  const d = store.insert({ app: "shop", trigger, sha: sha(n), ref: "refs/heads/main", branch: "main" });
  if (status !== "queued") {
    store.claimNext("shop");
    if (previousSha) store.update(d.id, { previousSha });
    if (status !== "running") store.finish(d.id, status);
  }
  return store.get(d.id) as Deployment;
}

describe("recoverInterrupted", () => {
  it("marks a running deployment interrupted and runs its commit again", () => {
    const d = make(1, "running");
    const [again] = recoverInterrupted(config, stores, logger);
    expect(store.get(d.id)?.status).toBe("interrupted");
    expect(store.get(d.id)?.error).toMatch(/^interrupted: /);
    expect(again).toMatchObject({ trigger: "recovery", sha: sha(1), status: "queued", actor: `recovery of ${d.id}` });
  });

  it("resumes an interrupted rollback as a rollback, so it does not rebuild", () => {
    make(1, "running", "rollback");
    const [again] = recoverInterrupted(config, stores, logger);
    expect(again?.trigger).toBe("rollback");
  });

  it("lets a newer queued push win instead of re-running the interrupted one", () => {
    const d = make(1, "running");
    make(2, "queued");
    expect(recoverInterrupted(config, stores, logger)).toHaveLength(0);
    expect(store.get(d.id)?.status).toBe("interrupted");
    expect(store.appsWithQueued()).toEqual(["shop"]);
  });

  it("never offers a process group recorded in another boot for killing", () => {
    const d = make(1, "running");
    store.setPgid(d.id, 4242);
    expect(store.running()[0]?.pgid).toBe(4242);
    db.prepare("UPDATE deployments SET pgid_boot = 'another-boot' WHERE id = ?").run(d.id);
    expect(store.running()[0]?.pgid).toBeNull();
  });

  it("records the step it was in, exactly", () => {
    const d = make(1, "running");
    stores.steps.start(d.id, "sync");
    stores.steps.finish(d.id, "sync", "succeeded", 5, "ok");
    stores.steps.start(d.id, "build");
    recoverInterrupted(config, stores, logger);
    expect(store.get(d.id)?.error).toBe("interrupted: deployer stopped while this deployment was running (in build)");
  });

  it("kills the process group the deployment left behind and removes a stale .git/index.lock", async () => {
    const dir = uniqueDir("recovery");
    let pgid = 0;
    try {
      mkdirSync(join(dir, "shop", ".git"), { recursive: true });
      writeFileSync(join(dir, "shop", ".git", "index.lock"), "");
      const withPath = parseConfig(`apps:\n  shop: { path: ${join(dir, "shop")}, branch: main }\n`, "/t/deployer.yml", {
        env: {},
        checkPaths: false,
      });
      // A command group as a crashed deployer leaves it: a leader and a child, both outliving their parent.
      const orphan = spawn("sh", ["-c", "sleep 600 & sleep 600"], { detached: true, stdio: "ignore" });
      pgid = orphan.pid as number;
      const gone = new Promise((r) => orphan.once("exit", r));
      const d = make(1, "running");
      // Recorded as the pipeline records it: with the leader's start time (a reused id is never killed).
      store.setPgid(d.id, pgid, processStartTime(pgid));
      expect(groupAlive(pgid)).toBe(true);

      recoverInterrupted(withPath, stores, logger);

      await gone;
      await waitFor(`process group ${pgid} to be gone`, () => !groupAlive(pgid), { timeoutMs: 30_000 });
      expect(existsSync(join(dir, "shop", ".git", "index.lock"))).toBe(false);
      expect(store.get(d.id)?.status).toBe("interrupted");
    } finally {
      if (pgid && groupAlive(pgid)) process.kill(-pgid, "SIGKILL"); // only when the test failed
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
