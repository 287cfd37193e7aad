import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import type { RunningServer } from "../helpers/server.js";

// Rollback, cancel, the CLI's --wait and the live log, against the real engine and the real CLI.
describe("steering deployments (e2e)", () => {
  let sc: Scenario;
  let app: AppFixture;
  let server: RunningServer;
  const push = (files: Record<string, string | null>, message?: string) => sc.push(files, message);

  beforeAll(async () => {
    sc = await scenario("steer");
    ({ app, server } = sc);
  });

  afterAll(async () => {
    await sc?.destroy();
  });

  it("rolls back to a commit from three deploys ago without building", async () => {
    const a = await sc.deployVersion("r1");
    await sc.deployVersion("r2");
    await sc.deployVersion("r3");
    await sc.deployVersion("r4");
    expect(await app.served()).toBe("r4");

    const res = await server.api("POST", "/api/apps/steer/rollback", { to: a });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ trigger: "rollback", sha: a, status: "queued" });
    const d = await server.waitFor(res.body.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual([]);
    expect(d.steps?.map((s) => s.name)).not.toContain("build");
    const log = (await server.api("GET", `/api/deployments/${d.id}/log`)).body as string;
    expect(log).not.toMatch(/docker-compose .* build/);
    expect(log).toContain("docker tag");
    expect(await app.served()).toBe("r1");
    const took = Date.parse(d.finishedAt ?? "") - Date.parse(d.startedAt ?? "");
    expect(took).toBeLessThan(20_000);
  });

  it("rolls back by default to the previous succeeded commit (CLI, --wait exits 0)", async () => {
    const r = await server.cli("rollback", "steer", "--wait");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("succeeded");
    expect(await app.served()).toBe("r4");
  });

  it("cancels a queued deployment and a running one; the old version keeps serving", async () => {
    const served = await app.served();
    const slow = await push({ "web/Dockerfile": dockerfile("", slowStep(20)), "web/version.txt": "slow\n" });
    const queued = await push({ "web/version.txt": "queued\n" });
    await server.waitForStep(slow.id, "build");

    const c1 = await server.api("POST", `/api/deployments/${queued.id}/cancel`);
    expect(c1.status).toBe(200);
    expect(c1.body.status).toBe("cancelled");
    expect((await server.deployment(queued.id)).status).toBe("cancelled");

    const c2 = await server.cli("cancel", slow.id);
    expect(c2.code, c2.stderr).toBe(0);
    const d = await server.waitFor(slow.id, 30_000);
    expect(d.status).toBe("cancelled");
    expect(d.error).toContain("cancelled during build");
    expect(await app.served()).toBe(served);

    const again = await server.api("POST", `/api/deployments/${slow.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it("streams the log over SSE while a build runs", async () => {
    const { id } = await push({ "web/Dockerfile": dockerfile("", slowStep(3)), "web/version.txt": "sse\n" });
    const res = await fetch(`${server.url}/api/deployments/${id}/log?follow=1`, {
      headers: { authorization: "Bearer e2e-token" },
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
    app.push({ "web/version.txt": "cli\n" });
    const ok = await server.cli("deploy", "steer", "--wait");
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(await app.served()).toBe("cli");

    writeFileSync(join(app.checkout, "README.md"), "local edit\n");
    app.push({ "web/version.txt": "cli-fail\n" });
    const bad = await server.cli("deploy", "steer", "--wait");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("failed");
    app.git(app.checkout, "checkout", "--", "README.md");

    const status = await server.cli("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/steer\s+main/);
    const history = await server.cli("history", "steer");
    expect(history.stdout).toContain("rollback");
  });

  it("CLI deploy --sha and rollback --to pick the commit; logs prints a deployment's log", async () => {
    const older = app.push({ "web/version.txt": "pinned\n" });
    app.push({ "web/version.txt": "newest\n" });
    const pinned = await server.cli("deploy", "steer", "--sha", older.slice(0, 40), "--wait");
    expect(pinned.code, pinned.stdout + pinned.stderr).toBe(0);
    expect(await app.served()).toBe("pinned");
    const id = /^(\S+) queued/m.exec(pinned.stdout)?.[1] as string;
    const logs = await server.cli("logs", id);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("== sync");
    expect(logs.stdout).toContain(older);

    const back = await server.cli("rollback", "steer", "--to", "0000000", "--wait");
    expect(back.code).toBe(1);
    expect(back.stderr).toContain("400");
  });
});
