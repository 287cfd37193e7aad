import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerfile } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { startLoad } from "../helpers/load.js";
import { type SecondEngine, startSecondEngine } from "../helpers/second-engine.js";
import { runCli } from "../helpers/server.js";
import { startTestRegistry, type TestRegistry } from "../helpers/test-registry.js";
import { waitFor } from "../helpers/wait.js";

// A one-node swarm on a second engine (its own dockerd, no iptables) and a real registry on loopback.
// No routing mesh without iptables: the port is published in host mode, on an ephemeral host port per
// task, so that start-first can run the new task beside the old one on this one node.
const STACK = `services:
  web:
    build: ./web
    ports:
      - { target: 8080, mode: host }
    healthcheck:
      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/version.txt"]
      interval: 1s
      timeout: 2s
      retries: 3
    deploy:
      update_config: { order: start-first, failure_action: rollback, monitor: 3s }
`;

describe("strategy: swarm (e2e, one-node swarm on a second engine, real registry)", () => {
  let engine: SecondEngine;
  let registry: TestRegistry;
  let sc: Scenario;
  let project: string;

  /** The stack's running containers on the engine: id, image and published host port. */
  const running = () =>
    engine
      .docker("ps", "--filter", `label=com.docker.stack.namespace=${project}`, "--format", "{{.ID}} {{.Image}}")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [id = "", image = ""] = line.split(" ");
        const port = engine.docker("port", id, "8080/tcp").split("\n")[0]?.split(":").pop();
        return { id, image, url: `http://127.0.0.1:${port}/version.txt` };
      });
  const served = async (url: string) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return (await res.text()).trim();
  };

  beforeAll(async () => {
    engine = startSecondEngine();
    engine.docker("swarm", "init", "--advertise-addr", "127.0.0.1");
    registry = await startTestRegistry();
    sc = await scenario("h12-swarm", {
      composeFiles: ["stack.yml"],
      strategy: "swarm",
      registry: registry.address,
      // The swarm manager's engine: deployer builds there, pushes from there and deploys the stack there.
      hosts: [{ name: "manager", docker: engine.dockerHost }],
      timeouts: { health: 90 },
    });
    project = sc.app.project;
    const { id } = await sc.push({ "stack.yml": STACK, "web/version.txt": "one\n" });
    const d = await sc.server.waitFor(id, 180_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
  }, 240_000);

  afterAll(async () => {
    await sc?.server.stop();
    try {
      engine?.docker("stack", "rm", project);
      engine?.docker("swarm", "leave", "--force");
    } catch {}
    engine?.destroy();
    registry?.stop();
    await sc?.destroy();
  }, 120_000);

  it("check finds the swarm manager and the registry, and names the registry once it is down", async () => {
    const ok = await runCli(sc.server.dir, "check", "--config", sc.server.configFile);
    expect(ok.out).not.toContain("swarm needs a swarm manager");
    expect(ok.out).not.toContain(".registry:");
    registry.halt();
    try {
      const down = await runCli(sc.server.dir, "check", "--config", sc.server.configFile);
      expect(down.code).toBe(1);
      expect(down.out).toContain(`apps.${sc.name}.registry: ${registry.address} is unreachable`);
    } finally {
      registry.start();
    }
  }, 60_000);

  it("a push converges the stack on the new commit's image, pushed to the registry", async () => {
    const sha = await sc.deployVersion("two");
    const now = running();
    expect(now).toHaveLength(1);
    expect(now[0]?.image).toBe(`${registry.address}/${project}-web:${sha}`);
    expect(await served(now[0]?.url ?? "")).toBe("two");
    const tags = await (await fetch(`http://${registry.address}/v2/${project}-web/tags/list`)).json();
    expect(tags.tags).toContain(sha);

    const [last] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    const steps = ((await sc.server.deployment(last.id)).steps ?? []).map((s) => `${s.name}:${s.status}`);
    for (const s of ["build@manager", "push@manager", "stackDeploy@manager", "health@manager", "finalize@manager"])
      expect(steps).toContain(`${s}:succeeded`);
    const [status] = (await sc.server.api("GET", "/api/apps")).body;
    expect(status.hosts).toEqual([
      { name: "manager", engine: engine.dockerHost, currentSha: sha, healthy: true, containers: 1 },
    ]);
  }, 180_000);

  it("a broken image fails the deploy and rolls back; the old task serves throughout", async () => {
    const [old] = running();
    if (!old) throw new Error("nothing runs before the broken deploy");
    const good = old.image.split(":").pop();
    const load = startLoad(old.url, 10);
    // The new task's command exits at once: Swarm cannot keep it running.
    const broken = dockerfile().replace('CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]', 'CMD ["false"]');
    const { id } = await sc.push({ "web/Dockerfile": broken, "web/version.txt": "three\n" });
    const d = await sc.server.waitFor(id, 240_000);
    const result = await load.stop();

    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/health check failed: .*web/);
    expect(d.error).toContain(`rolled back manager to ${good}`);
    const steps = (d.steps ?? []).map((s) => `${s.name}:${s.status}`);
    expect(steps).toContain("health@manager:failed");
    expect(result.failed, result.failures.join("\n")).toBe(0);
    expect(result.ok).toBeGreaterThan(0);
    // The same task still runs the last good image, and Swarm's spec is back on it.
    await waitFor("the stack to settle on one task", () => running().length === 1);
    expect(running()).toEqual([old]);
    expect(await served(old.url)).toBe("two");
    const spec = engine.docker(
      "service",
      "inspect",
      `${project}_web`,
      "--format",
      "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
    );
    expect(spec.split("@")[0]).toBe(old.image);
  }, 300_000);

  it("converges after kill -9 mid-deploy: the re-run deploys the commit, and the record says so", async () => {
    const { id, sha } = await sc.push({ "web/Dockerfile": dockerfile(), "web/version.txt": "four\n" });
    await sc.server.waitForStep(id, "health@manager", 120_000);
    await sc.server.stop("SIGKILL");
    await sc.restart();
    expect((await sc.server.deployment(id)).status).toBe("interrupted");
    const [recovery] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha });
    const done = await sc.server.waitFor(recovery.id, 180_000);
    expect(done.status, done.error ?? "").toBe("succeeded");
    await waitFor("the stack to settle on one task", () => running().length === 1);
    const [now] = running();
    expect(now?.image).toBe(`${registry.address}/${project}-web:${sha}`);
    expect(await served(now?.url ?? "")).toBe("four");
  }, 300_000);
});
