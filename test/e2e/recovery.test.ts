import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, composeFile, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import type { RunningServer } from "../helpers/server.js";

// kill -9 of the real server process mid-build and mid-up, then a restart on the same data.
describe("crash recovery (e2e)", () => {
  let sc: Scenario;
  let app: AppFixture;
  let server: RunningServer;
  const push = (files: Record<string, string | null>, message?: string) => sc.push(files, message);

  beforeAll(async () => {
    sc = await scenario("crashy");
    ({ app, server } = sc);
    const { id } = await push({ "web/version.txt": "base\n" });
    expect((await server.waitFor(id)).status).toBe("succeeded");
  });

  afterAll(async () => {
    await sc?.destroy();
  });

  it("resumes after kill -9 in the middle of a build", async () => {
    const { id, sha } = await push({
      "web/Dockerfile": dockerfile("", slowStep(4)),
      "web/version.txt": "after-build-crash\n",
    });
    await server.waitForStep(id, "build");
    await server.stop("SIGKILL");
    await sc.restart();
    server = sc.server;

    const interrupted = await server.deployment(id);
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toContain("interrupted");
    const [recovery] = (await server.api("GET", "/api/deployments?app=crashy&limit=1")).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha });
    const done = await server.waitFor(recovery.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(done.rebuilt).toEqual(["web"]);
    expect(await app.served()).toBe("after-build-crash");
  });

  it("resumes after kill -9 in the middle of up", async () => {
    // `gate` waits for web's Docker healthcheck, which keeps `up` busy for a few seconds.
    const slowUp = composeFile(
      app.port,
      `    healthcheck:\n      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/version.txt"]\n      interval: 3s\n`,
      `  gate:\n    image: crashy_web\n    command: ["sleep", "3600"]\n    depends_on:\n      web:\n        condition: service_healthy\n`,
    );
    const { id, sha } = await push({ "docker-compose.prod.yml": slowUp, "web/version.txt": "after-up-crash\n" });
    await server.waitForStep(id, "up");
    await server.stop("SIGKILL");
    await sc.restart();
    server = sc.server;

    expect((await server.deployment(id)).status).toBe("interrupted");
    const [recovery] = (await server.api("GET", "/api/deployments?app=crashy&limit=1")).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha });
    const done = await server.waitFor(recovery.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(sha);
    expect(await app.served()).toBe("after-up-crash");
  });
});
