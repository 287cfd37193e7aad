import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { composeFile, docker, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { appWithGoodDeploys, destroyScenarios } from "../helpers/e2e.js";
import { TOKEN } from "../helpers/server.js";

// Rollback, cancel, the CLI's --wait and the live log, against the real engine and the real CLI.
// Every test starts from its own "app with N good deploys" (helpers/e2e.ts).
describe("steering deployments (e2e)", () => {
  afterEach(destroyScenarios);

  it("rolls back to a commit from three deploys ago without building, and runs no hooks", async () => {
    const marker = ["/bin/sh", "-c", 'touch "../hook-ran-$DEPLOYER_DEPLOYMENT_ID"'];
    const { sc, shas } = await appWithGoodDeploys("rollback", ["r1", "r2", "r3", "r4"], {
      hooks: { preDeploy: [marker], postDeploy: [marker] },
    });
    const { app, server } = sc;
    const a = shas[0];
    expect(readdirSync(app.root).filter((f) => f.startsWith("hook-ran-"))).toHaveLength(4);

    const res = await server.api("POST", `/api/apps/${sc.name}/rollback`, { to: a });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ trigger: "rollback", sha: a, status: "queued" });
    const d = await server.waitFor(res.body.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual([]);
    expect(d.steps?.map((s) => s.name)).toEqual(["sync", "images", "up", "health", "finalize"]);
    const log = (await server.api("GET", `/api/deployments/${d.id}/log`)).body as string;
    expect(log).not.toMatch(/compose .* build/);
    expect(log).toContain("docker tag");
    expect(existsSync(join(app.root, `hook-ran-${d.id}`))).toBe(false);
    expect(await app.served()).toBe("r1");
  });

  it("rebuilds a rollback target whose kept image was pruned", async () => {
    const { sc, shas } = await appWithGoodDeploys("pruned", ["p1", "p2"]);
    const { app, server } = sc;
    docker("rmi", `${app.image("web")}:deployer-${shas[0]}`);
    const res = await server.api("POST", `/api/apps/${sc.name}/rollback`, { to: shas[0] });
    expect(res.status).toBe(202);
    const d = await server.waitFor(res.body.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    expect(await app.served()).toBe("p1");
    expect(docker("images", "-q", `${app.image("web")}:deployer-${shas[0]}`)).toMatch(/^[0-9a-f]+$/);
  });

  it("rolls back by default to the previous succeeded commit (CLI, --wait exits 0)", async () => {
    const { sc, shas } = await appWithGoodDeploys("clirollback", ["r1", "r2"]);
    const r = await sc.server.cli("rollback", sc.name, "--wait");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("succeeded");
    expect(await sc.app.served()).toBe("r1");
    expect(sc.app.git(sc.app.checkout, "rev-parse", "HEAD")).toBe(shas[0]);
  });

  it("cancels a queued deployment and a running one; the old version keeps serving", async () => {
    const { sc } = await appWithGoodDeploys("cancel", ["base"]);
    const { app, server } = sc;
    const slow = await sc.push({ "web/Dockerfile": dockerfile("", slowStep(600)), "web/version.txt": "slow\n" });
    const queued = await sc.push({ "web/version.txt": "queued\n" });
    await server.waitForStep(slow.id, "build");

    const c1 = await server.api("POST", `/api/deployments/${queued.id}/cancel`);
    expect(c1.status).toBe(200);
    expect(c1.body.status).toBe("cancelled");
    expect((await server.deployment(queued.id)).status).toBe("cancelled");

    const c2 = await server.cli("cancel", slow.id);
    expect(c2.code, c2.stderr).toBe(0);
    const d = await server.waitFor(slow.id);
    expect(d.status).toBe("cancelled");
    expect(d.error).toContain("cancelled during build");
    expect(await app.served()).toBe("base");

    const again = await server.api("POST", `/api/deployments/${slow.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it("a cancel after `up` rolls back to the last good commit", async () => {
    const { sc, shas } = await appWithGoodDeploys("cancelup", ["base"]);
    const { app, server } = sc;
    // web's Docker healthcheck only passes after a long while, so the deploy sits in `health` after `up`.
    const slowHealth = composeFile(
      app.port,
      `    healthcheck:\n      test: ["CMD", "/bin/busybox", "true"]\n      interval: 1h\n      start_period: 1h\n`,
    );
    const { id } = await sc.push({ "docker-compose.prod.yml": slowHealth, "web/version.txt": "doomed\n" });
    await server.waitForStep(id, "health");
    const c = await server.api("POST", `/api/deployments/${id}/cancel`);
    expect(c.status).toBe(200);
    const d = await server.waitFor(id);
    expect(d.status).toBe("cancelled");
    expect(d.error).toContain(`rolled back to ${shas[0]}`);
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(shas[0]);
    expect(await app.served()).toBe("base");
  });

  it("streams the log over SSE while a build runs", async () => {
    const { sc } = await appWithGoodDeploys("sse", ["base"]);
    const { server } = sc;
    const { id } = await sc.push({ "web/Dockerfile": dockerfile("", slowStep(3)), "web/version.txt": "sse\n" });
    const res = await fetch(`${server.url}/api/deployments/${id}/log?follow=1`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(180_000),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    let text = "";
    let sawBuildWhileRunning = false;
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (!sawBuildWhileRunning && text.includes("data: ") && text.includes("== build")) {
        sawBuildWhileRunning = (await server.deployment(id)).status === "running";
      }
    }
    expect(sawBuildWhileRunning).toBe(true);
    expect(text).toContain("event: end");
    expect(text).toContain('"status":"succeeded"');
  });

  it("CLI deploy --wait exits 0 on success and 1 on failure", async () => {
    const { sc } = await appWithGoodDeploys("cliwait", ["base"]);
    const { app, server } = sc;
    app.push({ "web/version.txt": "cli\n" });
    const ok = await server.cli("deploy", sc.name, "--wait");
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(await app.served()).toBe("cli");

    writeFileSync(join(app.checkout, "README.md"), "local edit\n");
    app.push({ "web/version.txt": "cli-fail\n" });
    const bad = await server.cli("deploy", sc.name, "--wait");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("failed");
    app.git(app.checkout, "checkout", "--", "README.md");

    const status = await server.cli("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${sc.name}\\s+main`));
    const history = await server.cli("history", sc.name);
    expect(history.code).toBe(0);
    expect(history.stdout.match(/manual/g)).toHaveLength(2);
    expect(history.stdout).toContain("push");
  });

  it("CLI deploy --sha and rollback --to pick the commit; logs prints a deployment's log", async () => {
    const { sc } = await appWithGoodDeploys("clisha", ["base"]);
    const { app, server } = sc;
    const older = app.push({ "web/version.txt": "pinned\n" });
    app.push({ "web/version.txt": "newest\n" });
    const pinned = await server.cli("deploy", sc.name, "--sha", older, "--wait");
    expect(pinned.code, pinned.stdout + pinned.stderr).toBe(0);
    expect(await app.served()).toBe("pinned");
    const id = /^(\S+) queued/m.exec(pinned.stdout)?.[1] as string;
    const logs = await server.cli("logs", id);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("== sync");
    expect(logs.stdout).toContain(older);

    const back = await server.cli("rollback", sc.name, "--to", "0000000", "--wait");
    expect(back.code).toBe(1);
    expect(back.stderr).toContain("400");
  });
});
