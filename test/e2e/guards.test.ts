import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import type { RunningServer } from "../helpers/server.js";

// Timeouts and health checks with automatic rollback, against the real engine.
describe("timeouts and health checks (e2e)", () => {
  let sc: Scenario;
  let app: AppFixture;
  let server: RunningServer;
  const push = (files: Record<string, string | null>) => sc.push(files);

  beforeAll(async () => {
    sc = await scenario("guarded", (fixture) => ({
      timeouts: { build: 6 },
      healthcheck: { url: `http://127.0.0.1:${fixture.port}/health.txt`, expect: 200, timeout: 4 },
      hooks: {
        preDeploy: [["/bin/sh", "-c", "test ! -f block-deploy"]],
        postDeploy: [["/bin/sh", "-c", "env | grep ^DEPLOYER_ | sort > ../hook-env.txt"]],
      },
    }));
    ({ app, server } = sc);
    const { id } = await push({ "web/version.txt": "good\n", "web/Dockerfile": withHealth(dockerfile()) });
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
  });

  afterAll(async () => {
    await sc?.destroy();
  });

  it("runs postDeploy hooks with the deployment's environment", async () => {
    const env = readFileSync(join(app.root, "hook-env.txt"), "utf8");
    const [last] = (await server.api("GET", "/api/deployments?app=guarded&limit=1")).body;
    expect(env).toContain(`DEPLOYER_APP=guarded`);
    expect(env).toContain(`DEPLOYER_SHA=${last.sha}`);
    expect(env).toContain(`DEPLOYER_DEPLOYMENT_ID=${last.id}`);
    expect(env).toContain("DEPLOYER_REF=refs/heads/main");
    expect(env).toMatch(/DEPLOYER_PREVIOUS_SHA=[0-9a-f]{40}/);
  });

  it("stops at a failing preDeploy hook before anything changes, and never runs that build later", async () => {
    const good = await app.served();
    const container = app.containerId();
    const { id } = await push({ "web/version.txt": "blocked\n", "block-deploy": "x" });
    const d = await server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toContain("preDeploy hook");
    expect(d.rebuilt).toEqual(["web"]);
    expect(app.containerId()).toBe(container);
    expect(await app.served()).toBe(good);

    // Back to the deployed build context: nothing is rebuilt, so the old image must still be the one used.
    const next = await push({ "block-deploy": null, "web/version.txt": `${good}\n`, "README.md": "unblocked\n" });
    const n = await server.waitFor(next.id);
    expect(n.status, n.error ?? "").toBe("succeeded");
    expect(n.rebuilt).toEqual([]);
    expect(await app.served()).toBe(good);
  });

  it("kills a hanging build at its timeout, and the next push deploys", async () => {
    const t0 = Date.now();
    const { id } = await push({
      "web/Dockerfile": withHealth(dockerfile("", slowStep(600))),
      "web/version.txt": "hang\n",
    });
    const d = await server.waitFor(id, 60_000);
    expect(d.status).toBe("failed");
    expect(d.error).toContain("timed out after 6 s in build");
    expect(Date.now() - t0).toBeLessThan(40_000);
    expect(await app.served()).toBe("good");

    const next = await push({ "web/Dockerfile": withHealth(dockerfile()), "web/version.txt": "next\n" });
    const n = await server.waitFor(next.id);
    expect(n.status, n.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("next");
  });

  it("rolls back automatically when the new version fails its health check", async () => {
    const good = app.head();
    const { id } = await push({ "web/Dockerfile": dockerfile(), "web/version.txt": "broken\n" });
    const d = await server.waitFor(id, 90_000);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/^health check failed: .*; rolled back to [0-9a-f]{40}$/);
    expect(d.error).toContain(`rolled back to ${good}`);
    expect(await app.served()).toBe("next");
    expect(await app.served("/health.txt")).toBe("next");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(good);
  });
});

/** Adds /www/health.txt to the image, which the app's health check asks for. */
function withHealth(df: string): string {
  return df.replace(
    "COPY version.txt /www/version.txt\n",
    "COPY version.txt /www/version.txt\nCOPY version.txt /www/health.txt\n",
  );
}
