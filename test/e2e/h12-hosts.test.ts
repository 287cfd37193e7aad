import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, docker, freePort } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { HOSTS_COMPOSE, servedOn } from "../helpers/hosts.js";
import { type SecondEngine, startSecondEngine } from "../helpers/second-engine.js";
import { runCli } from "../helpers/server.js";

// Two real engines on this machine: host a is the local engine, host b a second dockerd on its own
// socket. Each host publishes the app on its own loopback port, from its env (PORT).

describe("multi-host rollouts (e2e, two Docker engines)", () => {
  let engine: SecondEngine;
  let sc: Scenario;
  let app: AppFixture;
  const ports = { a: 0, b: 0 };
  const projectContainers = (run: (...a: string[]) => string) =>
    run("ps", "-q", "--filter", `label=com.docker.compose.project=${app.project}`).split(/\s+/).filter(Boolean);

  beforeAll(async () => {
    engine = startSecondEngine();
    ports.a = await freePort();
    ports.b = await freePort();
    sc = await scenario("h12-two", {
      composeFiles: ["h12.yml"],
      hosts: [
        { name: "a", env: { PORT: String(ports.a) } },
        { name: "b", docker: engine.dockerHost, env: { PORT: String(ports.b) } },
      ],
      rollout: { batch: 1 },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: deployer's own per-host ${VAR}s, not JavaScript's
      healthcheck: { url: "http://${HOST}:${PORT}/version.txt", timeout: 20 },
    });
    app = sc.app;
    const { id } = await sc.push({ "h12.yml": HOSTS_COMPOSE, "web/version.txt": "one\n" });
    const d = await sc.server.waitFor(id, 180_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
  }, 240_000);

  afterAll(async () => {
    await sc?.server.stop();
    try {
      for (const id of projectContainers(docker)) docker("rm", "-f", id);
      const images = docker("images", "--format", "{{.Repository}}:{{.Tag}}", `${app.project}_web`);
      for (const ref of images.split(/\s+/).filter(Boolean)) docker("rmi", ref);
    } catch {}
    await sc?.destroy();
    engine?.destroy();
  }, 120_000);

  it("serves the new commit on both hosts, each container on its own engine, with per-host steps", async () => {
    const sha = await sc.deployVersion("two");
    expect(await servedOn(ports.a)).toBe("two");
    expect(await servedOn(ports.b)).toBe("two");
    expect(projectContainers(docker)).toHaveLength(1);
    expect(projectContainers(engine.docker)).toHaveLength(1);
    // b's image was built by b's engine, and tagged there for rollbacks.
    expect(engine.docker("images", "-q", `${app.project}_web:deployer-${sha}`)).not.toBe("");

    const [d] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    const full = await sc.server.deployment(d.id);
    const names = (full.steps ?? []).map((s) => s.name);
    for (const n of ["build@a", "up@a", "health@a", "build@b", "up@b", "health@b", "finalize@a", "finalize@b"])
      expect(names).toContain(n);
    expect(names.indexOf("health@a")).toBeLessThan(names.indexOf("up@b"));

    const [status] = (await sc.server.api("GET", "/api/apps")).body;
    expect(status.hosts).toEqual([
      { name: "a", engine: "local engine", currentSha: sha, healthy: true, containers: 1 },
      { name: "b", engine: engine.dockerHost, currentSha: sha, healthy: true, containers: 1 },
    ]);
    const cli = await sc.server.cli("status");
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`${sc.name}\\s+main\\s+a \\(local engine\\)`));
    expect(cli.stdout).toMatch(new RegExp(`${sc.name}\\s+main\\s+b \\(unix:`));
  }, 180_000);

  it("check names the unreachable host; a deploy fails on it and host a is back on the previous commit", async () => {
    engine.halt();
    const check = await runCli(sc.server.dir, "check", "--config", sc.server.configFile);
    expect(check.code).toBe(1);
    expect(check.out).toContain(`host b (${engine.dockerHost}) is unreachable`);
    expect(check.out).not.toContain("host a ");

    const { id } = await sc.push({ "web/version.txt": "three\n" });
    const d = await sc.server.waitFor(id, 180_000);
    expect(d.status).toBe("failed");
    expect(d.error).toContain("on host b");
    expect(d.error).toMatch(/rolled back a to/);
    const steps = (d.steps ?? []).map((s) => `${s.name}:${s.status}`);
    expect(steps).toContain("up@a:succeeded");
    expect(steps).toContain("build@b:failed");
    expect(await servedOn(ports.a)).toBe("two");
    const [status] = (await sc.server.api("GET", "/api/apps")).body;
    expect(status.hosts[1]).toMatchObject({ name: "b", healthy: false, containers: null });
    expect(status.healthy).toBe(false);
    expect((await sc.server.cli("status")).stdout).toMatch(/b \(unix:\S+\) unreachable/);
  }, 240_000);

  it("converges after kill -9 mid-rollout: every host on one commit, and the record says which", async () => {
    engine.start(); // b's container stopped with its engine; the next rollout starts it again
    const { id, sha } = await sc.push({ "web/version.txt": "four\n" });
    await sc.server.waitForStep(id, "build@b", 120_000);
    await sc.server.stop("SIGKILL");
    await sc.restart();
    expect((await sc.server.deployment(id)).status).toBe("interrupted");
    const [recovery] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha });
    const done = await sc.server.waitFor(recovery.id, 180_000);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(await servedOn(ports.a)).toBe("four");
    expect(await servedOn(ports.b)).toBe("four");
    const [status] = (await sc.server.api("GET", "/api/apps")).body;
    expect(status.hosts.map((h: { currentSha: string }) => h.currentSha)).toEqual([sha, sha]);
  }, 300_000);
});
