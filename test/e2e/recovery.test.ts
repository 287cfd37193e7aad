import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { composeFile, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { appWithGoodDeploys, destroyScenarios, type Scenario } from "../helpers/e2e.js";
import { waitFor } from "../helpers/wait.js";

/** The process group the store recorded for a running deployment (what recovery must kill). */
function recordedPgid(sc: Scenario, id: string): number {
  const db = new Database(join(sc.server.dir, "data", "deployer.db"), { readonly: true });
  try {
    const row = db.prepare("SELECT pgid FROM deployments WHERE id = ?").get(id) as { pgid: number | null };
    return row.pgid ?? 0;
  } finally {
    db.close();
  }
}

/** Whether any process of group `pgid` is still alive (zombies aside: init reaps them). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const interruptedIn = (step: string) => `interrupted: deployer stopped while this deployment was running (in ${step})`;

// kill -9 of the real server process mid-build, mid-hook and mid-up, then a restart on the same data.
describe("crash recovery (e2e)", () => {
  afterEach(destroyScenarios);

  it("resumes after kill -9 in the middle of a build", async () => {
    const { sc } = await appWithGoodDeploys("crashbuild", ["base"]);
    const { id, sha } = await sc.push({
      "web/Dockerfile": dockerfile("", slowStep(4)),
      "web/version.txt": "after-build-crash\n",
    });
    await sc.server.waitForStep(id, "build");
    await sc.server.stop("SIGKILL");
    await sc.restart();
    const { server, app } = sc;

    const interrupted = await server.deployment(id);
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toBe(interruptedIn("build"));
    const [recovery] = (await server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha, actor: `recovery of ${id}` });
    const done = await server.waitFor(recovery.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(done.rebuilt).toEqual(["web"]);
    expect(await app.served()).toBe("after-build-crash");
  });

  it("kills the process group a crash left behind and removes a stale index.lock", async () => {
    // The hook hangs (for ten minutes) only on its first run, so the resumed deploy can pass.
    const { sc, shas } = await appWithGoodDeploys("orphan", ["base"]);
    await sc.reconfigure({
      hooks: { preDeploy: [["/bin/sh", "-c", "test -f ../resumed || { touch ../resumed; exec sleep 600; }"]] },
    });
    const { id, sha } = await sc.push({ "web/version.txt": "after-hook-crash\n" });
    await sc.server.waitForStep(id, "preDeploy");
    await waitFor("the hook to start", () => existsSync(join(sc.app.root, "resumed")));
    const pgid = await waitFor("a recorded process group", () => recordedPgid(sc, id) || undefined);
    expect(groupAlive(pgid)).toBe(true);

    await sc.server.stop("SIGKILL");
    // The killed server leaves its orphan running, and a git it killed would leave index.lock.
    expect(groupAlive(pgid)).toBe(true);
    writeFileSync(join(sc.app.checkout, ".git", "index.lock"), "");
    await sc.restart();

    // Recovery runs before the server listens; init reaps the killed processes shortly after.
    await waitFor(`process group ${pgid} to be gone`, () => !groupAlive(pgid), { timeoutMs: 30_000 });
    expect(existsSync(join(sc.app.checkout, ".git", "index.lock"))).toBe(false);
    const interrupted = await sc.server.deployment(id);
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toBe(interruptedIn("preDeploy"));
    expect(interrupted.previousSha).toBe(shas[0]);
    const [recovery] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha });
    const done = await sc.server.waitFor(recovery.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    // The checkout was already on the new commit; the resumed deploy diffs from the commit the running
    // containers came from, not from there.
    expect(done.previousSha).toBe(sha);
    const log = (await sc.server.api("GET", `/api/deployments/${recovery.id}/log`)).body as string;
    expect(log).toContain(`changed files since ${(shas[0] as string).slice(0, 7)}: 1`);
    expect(done.rebuilt).toEqual(["web"]);
    expect(await sc.app.served()).toBe("after-hook-crash");
  });

  it("resumes after kill -9 in the middle of up", async () => {
    const { sc } = await appWithGoodDeploys("crashup", ["base"]);
    const { app } = sc;
    // `gate` waits for web's Docker healthcheck, which keeps `up` busy for a few seconds.
    const slowUp = composeFile(
      app.port,
      `    healthcheck:\n      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/version.txt"]\n      interval: 3s\n`,
      `  gate:\n    image: ${app.image("web")}\n    command: ["sleep", "3600"]\n    depends_on:\n      web:\n        condition: service_healthy\n`,
    );
    const { id, sha } = await sc.push({ "docker-compose.prod.yml": slowUp, "web/version.txt": "after-up-crash\n" });
    await sc.server.waitForStep(id, "up");
    await sc.server.stop("SIGKILL");
    await sc.restart();
    const { server } = sc;

    const interrupted = await server.deployment(id);
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toBe(interruptedIn("up"));
    const [recovery] = (await server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha });
    const done = await server.waitFor(recovery.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(sha);
    expect(await app.served()).toBe("after-up-crash");
  });
});
