import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, composeFile, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { pushPayload } from "../helpers/github.js";
import { type RunningServer, startServer } from "../helpers/server.js";
import { removeImages } from "../helpers/t8-cleanup.js";

// The bounded fault suite of issue 8 (the Docker engine is shared, so it is never stopped here).
// Each fault ends in a clear final deployment, the server stays up, and the next push deploys.
describe("t8 faults (e2e)", () => {
  let sc: Scenario;
  let app: AppFixture;

  const deliver = async (after: string, server: RunningServer = sc.server) => {
    const res = await server.push(pushPayload({ fullName: app.fullName, after }));
    expect(res.status).toBe(202);
    return server.waitFor(res.body.id as string);
  };
  const up = async (server: RunningServer = sc.server) => (await fetch(`${server.url}/healthz`)).ok;

  beforeAll(async () => {
    sc = await scenario("t8-faults");
    app = sc.app;
    await sc.deployVersion("one");
  });
  afterAll(async () => {
    await sc?.destroy();
    removeImages("t8-faults");
  });

  it("remote unreachable: the deploy fails with git's reason; once origin is back the push deploys", async () => {
    const sha = app.push({ "web/version.txt": "two\n" });
    renameSync(app.bare, `${app.bare}.away`);
    try {
      const d = await deliver(sha);
      expect(d.status).toBe("failed");
      expect(d.error).toMatch(/git fetch failed/);
      expect(await up()).toBe(true);
    } finally {
      renameSync(`${app.bare}.away`, app.bare);
    }
    const again = await deliver(sha);
    expect(again.status, again.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("two");
  });

  it("invalid compose file pushed: a clear failure, the app keeps running; the fix deploys", async () => {
    const bad = app.push({ "docker-compose.prod.yml": "services: [web\n", "web/version.txt": "bad\n" });
    const d = await deliver(bad);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/docker-compose\.prod\.yml/);
    expect(await app.served()).toBe("two");
    expect(await up()).toBe(true);
    await sc
      .push({ "docker-compose.prod.yml": composeFile(app.port), "web/version.txt": "three\n" })
      .then(async ({ id }) => expect((await sc.server.waitFor(id)).status).toBe("succeeded"));
  });

  it("compose file symlinked to /dev/zero: refused before Compose reads it", async () => {
    app.git(app.work, "rm", "-q", "docker-compose.prod.yml");
    symlinkSync("/dev/zero", join(app.work, "docker-compose.prod.yml"));
    const sha = app.push({ "web/version.txt": "zero\n" });
    const d = await deliver(sha);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(
      /docker-compose\.prod\.yml in .* (is not a regular file|is a symlink leaving the checkout)/,
    );
    app.git(app.work, "rm", "-q", "docker-compose.prod.yml");
    const fixed = await sc.push({ "docker-compose.prod.yml": composeFile(app.port), "web/version.txt": "four\n" });
    expect((await sc.server.waitFor(fixed.id)).status).toBe("succeeded");
    expect(await app.served()).toBe("four");
  });

  it("force push to an unrelated history: deploys the new head, and the next push deploys too", async () => {
    app.git(app.work, "checkout", "-q", "--orphan", "t8-rewrite");
    const sha = app.commit({ "web/version.txt": "rewritten\n" }, "unrelated root");
    app.git(app.work, "push", "-q", "--force", "origin", "t8-rewrite:main");
    app.git(app.work, "checkout", "-q", "-B", "main", "t8-rewrite");
    const d = await deliver(sha);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("rewritten");
    await sc.deployVersion("after-rewrite");
    expect(await app.served()).toBe("after-rewrite");
  });

  it("on SIGTERM the server keeps answering webhooks until the running deploy ends", async () => {
    const slow = await sc.push({ "web/Dockerfile": dockerfile("", slowStep(6)), "web/version.txt": "slow\n" });
    await sc.server.waitForStep(slow.id, "build");
    const exited = new Promise((r) => sc.server.proc.once("exit", r));
    sc.server.proc.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    const late = app.push({ "web/version.txt": "late\n" });
    const res = await sc.server.push(pushPayload({ fullName: app.fullName, after: late }));
    expect(res.status).toBe(202);
    await exited;
    await sc.restart();
    expect((await sc.server.deployment(slow.id)).status).toBe("succeeded");
    const d = await sc.server.waitFor(res.body.id as string);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("late");
  });

  it.runIf(process.getuid?.() === 0)(
    "dataDir on a full tmpfs: the server stays up; with space back, the next push deploys",
    async () => {
      await sc.server.stop();
      const mnt = mkdtempSync(join(tmpdir(), "t8-fulldata-"));
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "t8-fulldata", mnt]);
      let server: RunningServer | undefined;
      try {
        const dir = join(app.root, "t8-deployer-full");
        mkdirSync(dir, { recursive: true });
        server = await startServer(dir, {
          dataDir: join(mnt, "data"),
          apps: { "t8-faults": { repo: app.fullName, path: app.checkout, branch: "main", project: app.project } },
        });
        // Fill what is left of the tmpfs.
        try {
          writeFileSync(join(mnt, "filler"), Buffer.alloc(8 * 1024 * 1024));
        } catch {}
        const sha = app.push({ "web/version.txt": "full\n" });
        const res = await server.push(pushPayload({ fullName: app.fullName, after: sha }));
        expect(res.status).not.toBe(0);
        if (res.status === 202) {
          const d = await server.waitFor(res.body.id as string);
          expect(["succeeded", "failed"]).toContain(d.status);
        } else {
          expect(res.status).toBeGreaterThanOrEqual(500); // could not store it: GitHub is told so
        }
        expect(await up(server)).toBe(true);
        rmSync(join(mnt, "filler"));
        const next = app.push({ "web/version.txt": "space-back\n" });
        const d = await deliver(next, server);
        expect(d.status, d.error ?? "").toBe("succeeded");
        expect(await app.served()).toBe("space-back");
      } finally {
        await server?.stop();
        execFileSync("umount", [mnt]);
        rmSync(mnt, { recursive: true, force: true });
      }
    },
  );
});
