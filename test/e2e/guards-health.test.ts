import { afterEach, describe, expect, it } from "vitest";
import { composeFile, dockerfile } from "../helpers/app-fixture.js";
import { appWithGoodDeploys, destroyScenarios } from "../helpers/e2e.js";
import { expectStoppedAt, health, withHealth } from "../helpers/guards.js";

// Health checks with automatic rollback, against the real engine (hooks and step timeouts are in
// guards.test.ts). Each test has its own app; a short timeout is set only for the deploy under test.
describe("health checks (e2e)", () => {
  afterEach(destroyScenarios);

  it("rolls back automatically when the new version fails its health check (health timeout)", async () => {
    const { sc, shas } = await appWithGoodDeploys("health", [], health);
    const { app } = sc;
    const good = await sc.deploy({ "web/version.txt": "good\n", "web/Dockerfile": withHealth(dockerfile()) });
    expect(shas).toEqual([]);
    // The rollback's health check runs under the same timeout: big enough for the good version on a loaded machine.
    await sc.reconfigure({ healthcheck: { url: `http://127.0.0.1:${app.port}/health.txt`, expect: 200, timeout: 15 } });
    const { id } = await sc.push({ "web/Dockerfile": dockerfile(), "web/version.txt": "broken\n" });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/^health check failed: .* after 15 s; rolled back to [0-9a-f]{40}$/);
    expect(d.error).toContain(`rolled back to ${good}`);
    expectStoppedAt(d, ["health"], 15);
    expect(await app.served()).toBe("good");
    expect(await app.served("/health.txt")).toBe("good");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(good);
  });

  it("stops the health step at timeouts.health when the health check would wait longer", async () => {
    const { sc } = await appWithGoodDeploys("healthstep", [], health);
    const { app } = sc;
    const good = await sc.deploy({ "web/version.txt": "good\n", "web/Dockerfile": withHealth(dockerfile()) });
    // The check alone would try for 5 minutes; the step's budget (which the rollback's check shares) ends it first.
    await sc.reconfigure({
      timeouts: { health: 20 },
      healthcheck: { url: `http://127.0.0.1:${app.port}/health.txt`, expect: 200, timeout: 300 },
    });
    const { id } = await sc.push({ "web/Dockerfile": dockerfile(), "web/version.txt": "broken\n" });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(new RegExp(`^health check failed: .* after 20 s; rolled back to ${good}$`));
    expectStoppedAt(d, ["health"], 20);
    expect(await app.served()).toBe("good");
  });

  it("fails at once when a container exits, and rolls back", async () => {
    const { sc, shas } = await appWithGoodDeploys("crashes", ["good"]);
    const t0 = Date.now();
    // busybox `false` as the command: the container exits 1 right away.
    const crashing = composeFile(sc.app.port, `    command: ["false"]\n`);
    const { id } = await sc.push({ "docker-compose.prod.yml": crashing });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/^health check failed: container \S+ exited with code 1; rolled back to /);
    expect(d.error).toContain(`rolled back to ${shas[0]}`);
    // "At once": well inside the default 120 s health budget.
    const health = d.steps?.find((s) => s.name === "health");
    expect(health?.durationMs ?? Number.POSITIVE_INFINITY).toBeLessThan(60_000);
    expect(Date.now() - t0).toBeLessThan(240_000);
    expect(await sc.app.served()).toBe("good");
  });

  it("fails at once when a container keeps restarting, and rolls back", async () => {
    const { sc, shas } = await appWithGoodDeploys("restarts", ["good"]);
    const looping = composeFile(sc.app.port, `    command: ["false"]\n    restart: always\n`);
    const { id } = await sc.push({ "docker-compose.prod.yml": looping });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/^health check failed: container \S+ keeps restarting; rolled back to /);
    expect(d.error).toContain(`rolled back to ${shas[0]}`);
    const health = d.steps?.find((s) => s.name === "health");
    expect(health?.durationMs ?? Number.POSITIVE_INFINITY).toBeLessThan(60_000);
    expect(await sc.app.served()).toBe("good");
  });

  it("fails at timeouts.health when a Docker healthcheck stays starting, and rolls back", async () => {
    const { sc, shas } = await appWithGoodDeploys("starting", ["good"]);
    await sc.reconfigure({ timeouts: { health: 15 } });
    // The first check is an hour away: Docker reports `starting` the whole time.
    const stuck = composeFile(
      sc.app.port,
      `    healthcheck:\n      test: ["CMD", "/bin/busybox", "true"]\n      interval: 1h\n`,
    );
    const { id } = await sc.push({ "docker-compose.prod.yml": stuck });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(
      new RegExp(`^health check failed: container \\S+ still not healthy after 15 s; rolled back to ${shas[0]}$`),
    );
    expectStoppedAt(d, ["health"], 15);
    expect(await sc.app.served()).toBe("good");
  });

  it("fails at once when a container is Docker-unhealthy", async () => {
    const { sc, shas } = await appWithGoodDeploys("unhealthy", ["good"]);
    const sick = composeFile(
      sc.app.port,
      `    healthcheck:\n      test: ["CMD", "/bin/busybox", "false"]\n      interval: 1s\n      retries: 1\n`,
    );
    const { id } = await sc.push({ "docker-compose.prod.yml": sick });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/^health check failed: container \S+ is unhealthy; rolled back to /);
    expect(d.error).toContain(`rolled back to ${shas[0]}`);
    const health = d.steps?.find((s) => s.name === "health");
    expect(health?.durationMs ?? Number.POSITIVE_INFINITY).toBeLessThan(60_000);
    expect(await sc.app.served()).toBe("good");
  });
});
