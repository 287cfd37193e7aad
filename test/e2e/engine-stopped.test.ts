import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, createAppFixture, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { createTestEngine, type TestEngine } from "../helpers/engine.js";
import { pushPayload } from "../helpers/github.js";
import { type RunningServer, startServer } from "../helpers/server.js";

// The Docker engine stopped during a deploy (issue 8). The shared engine is never stopped: this test
// starts its own dockerd (own socket, data and exec roots) and runs the server with DOCKER_HOST set to it.
describe("Docker engine stopped during a deploy (e2e, its own dockerd)", () => {
  let engine: TestEngine;
  let app: AppFixture;
  let server: RunningServer;

  const deliver = async (sha: string) => {
    const res = await server.push(pushPayload({ fullName: app.fullName, after: sha }));
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  beforeAll(async () => {
    engine = createTestEngine("s8-engine");
    await engine.start();
    app = await createAppFixture("s8-engine");
    server = await startServer(
      join(app.root, "deployer"),
      { apps: { [app.name]: { repo: app.fullName, path: app.checkout, branch: "main", project: app.project } } },
      undefined,
      { DOCKER_HOST: engine.host },
    );
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    // Everything the app built or ran lives in the test's engine: removing that engine removes it all.
    await engine?.destroy();
    if (app) rmSync(app.root, { recursive: true, force: true });
  }, 120_000);

  it("fails the deploy with a clear message, the server stays up, and the next push deploys once the engine is back", async () => {
    const first = await server.waitFor(await deliver(app.push({ "web/version.txt": "one\n" })), 120_000);
    expect(first.status, first.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("one");
    // Deployed on the test's engine, not the shared one.
    expect(engine.docker("ps", "-q", "--filter", `label=com.docker.compose.project=${app.project}`)).not.toBe("");

    // A build step that takes a while, re-run on every version: the engine goes away during it.
    const slow = app.push({ "web/Dockerfile": dockerfile("", slowStep(5)), "web/version.txt": "two\n" });
    const id = await deliver(slow);
    await server.waitForStep(id, "build", 60_000);
    await engine.stop();
    const failed = await server.waitFor(id, 120_000);
    console.log(`engine-stopped: ${failed.error}`);
    expect(failed.status).toBe("failed");
    // The build is the step that finds the engine gone (docker build, or compose build for a build that
    // is not plain); either way the message says the build failed because the engine is unreachable.
    expect(failed.error).toMatch(/(docker build of s8-engine_web|compose build) failed/);
    expect(failed.error).toMatch(
      /Cannot connect to the Docker daemon|docker\.sock|connection refused|EOF|server API version|No such file or directory/i,
    );
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true);
    expect(server.proc.exitCode).toBeNull();

    await engine.start();
    const next = await server.waitFor(await deliver(app.push({ "web/version.txt": "three\n" })), 120_000);
    expect(next.status, next.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("three");
  });
});
