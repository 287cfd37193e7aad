import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, dockerfile, freePort } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { HOSTS_COMPOSE, servedOn } from "../helpers/hosts.js";
import { type SecondEngine, startSecondEngine } from "../helpers/second-engine.js";
import { startTestRegistry, type TestRegistry } from "../helpers/test-registry.js";

// Build once, push, pull on each host: host a is the local engine (it builds and pushes), host b a
// second dockerd that only pulls; both reach the registry on loopback (127.0.0.0/8 is insecure-allowed).
// Each host publishes the app on its own port (PORT) and is health-checked at /ok-<host name>.txt, so a
// commit without ok-b.txt fails on host b only.

describe("a registry for a multi-host rollout (e2e, two Docker engines, real registry)", () => {
  let engine: SecondEngine;
  let registry: TestRegistry;
  let sc: Scenario;
  const ports = { a: 0, b: 0 };
  let repository = "";
  const imageId = (run: (...a: string[]) => string, ref: string) => run("image", "inspect", "--format", "{{.Id}}", ref);
  const projectContainers = (run: (...a: string[]) => string) =>
    run("ps", "-aq", "--filter", `label=com.docker.compose.project=${sc.app.project}`).split(/\s+/).filter(Boolean);
  const steps = async (id: string) =>
    ((await sc.server.deployment(id)).steps ?? []).map((s) => `${s.name}:${s.status}`);

  beforeAll(async () => {
    engine = startSecondEngine();
    registry = await startTestRegistry();
    ports.a = await freePort();
    ports.b = await freePort();
    sc = await scenario("h12-reg", {
      composeFiles: ["h12.yml"],
      registry: registry.address,
      hosts: [
        { name: "a", env: { PORT: String(ports.a) } },
        { name: "b", docker: engine.dockerHost, env: { PORT: String(ports.b) } },
      ],
      rollout: { batch: 1 },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: deployer's own per-host ${VAR}s, not JavaScript's
      healthcheck: { url: "http://${HOST}:${PORT}/ok-${HOST_NAME}.txt", timeout: 8 },
    });
    repository = `${registry.address}/${sc.app.project}-web`;
    const ok = {
      "web/Dockerfile": dockerfile("", "COPY ok-*.txt /www/\n"),
      "web/ok-a.txt": "ok\n",
      "web/ok-b.txt": "ok\n",
    };
    const { id } = await sc.push({ "h12.yml": HOSTS_COMPOSE, "web/version.txt": "one\n", ...ok });
    const d = await sc.server.waitFor(id, 150_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
  }, 200_000);

  afterAll(async () => {
    await sc?.server.stop();
    try {
      for (const id of projectContainers(docker)) docker("rm", "-f", id);
      const tags = docker("images", "--format", "{{.Repository}}:{{.Tag}}", repository).split(/\s+/).filter(Boolean);
      if (tags.length > 0) docker("rmi", "-f", ...tags);
    } catch {}
    engine?.destroy();
    registry?.stop();
    await sc?.destroy();
  }, 120_000);

  it("builds once, pushes, and each host pulls and serves the new commit", async () => {
    const { id, sha } = await sc.push({ "web/version.txt": "two\n" });
    const d = await sc.server.waitFor(id, 120_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(await servedOn(ports.a)).toBe("two");
    expect(await servedOn(ports.b)).toBe("two");

    const names = (await steps(id)).map((s) => s.split(":")[0]);
    expect(names.filter((n) => n?.startsWith("build"))).toEqual(["build"]);
    expect(names.slice(names.indexOf("build"))).toEqual([
      "build",
      "push",
      "preDeploy",
      "pull@a",
      "up@a",
      "health@a",
      "pull@b",
      "up@b",
      "health@b",
      "postDeploy",
      "finalize@a",
      "finalize@b",
    ]);
    // b never built: it runs the very image a built and pushed, pulled under the commit's registry tag.
    const ref = `${repository}:${sha}`;
    const tags = await (await fetch(`http://${registry.address}/v2/${sc.app.project}-web/tags/list`)).json();
    expect(tags.tags).toContain(sha);
    expect(imageId(engine.docker, ref)).toBe(imageId(docker, sc.app.image()));
    expect(imageId(engine.docker, sc.app.image())).toBe(imageId(docker, sc.app.image()));
    const bContainer = projectContainers(engine.docker)[0] ?? "";
    expect(engine.docker("inspect", "--format", "{{.Image}}", bContainer)).toBe(imageId(docker, ref));
  }, 150_000);

  it("a failing health on host b rolls both hosts back to the previous commit's images, pulled where gone", async () => {
    const good = sc.app.head();
    // b keeps no tag of the good commit's image: its rollback must pull it from the registry again.
    engine.docker("rmi", `${repository}:${good}`, `${sc.app.image()}:deployer-${good}`);
    const { id, sha } = await sc.push({ "web/version.txt": "three\n", "web/ok-b.txt": null });
    const d = await sc.server.waitFor(id, 150_000);
    expect(d.status).toBe("failed");
    expect(d.error).toContain("on host b");
    expect(d.error).toContain(`rolled back b, a to ${good}`);
    const all = await steps(id);
    for (const s of ["build:succeeded", "push:succeeded", "up@a:succeeded", "health@a:succeeded", "health@b:failed"])
      expect(all).toContain(s);
    expect(all.filter((s) => s.startsWith("build"))).toEqual(["build:succeeded"]);

    expect(await servedOn(ports.a)).toBe("two");
    expect(await servedOn(ports.b)).toBe("two");
    // b pulled the good commit's image back, and runs it; a runs the one it built for that commit.
    const goodImage = imageId(docker, `${repository}:${good}`);
    expect(imageId(engine.docker, `${repository}:${good}`)).toBe(goodImage);
    expect(imageId(engine.docker, sc.app.image())).toBe(goodImage);
    expect(imageId(docker, sc.app.image())).toBe(goodImage);
    expect(goodImage).not.toBe(imageId(docker, `${repository}:${sha}`));
  }, 180_000);
});
