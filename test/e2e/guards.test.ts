import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { composeFile, dockerfile, slowStep } from "../helpers/app-fixture.js";
import { appWithGoodDeploys, destroyScenarios } from "../helpers/e2e.js";
import { expectStoppedAt } from "../helpers/guards.js";
import { SECRET, TOKEN } from "../helpers/server.js";

// Hooks and step timeouts, against the real engine (health checks are in guards-health.test.ts: the
// two halves run side by side). Each test has its own app; a short step timeout is set only for the
// step a test is about, and only for the deploy under test (the good deploys before it run with the defaults).
describe("timeouts and hooks (e2e)", () => {
  afterEach(destroyScenarios);

  it("runs postDeploy hooks with the deployment's environment, and never with a secret's value", async () => {
    // The server's environment holds copies of both secrets under other names: no hook may see them.
    const { sc, shas } = await appWithGoodDeploys(
      "hookenv",
      ["h1", "h2"],
      {
        hooks: {
          postDeploy: [
            ["/bin/sh", "-c", "env > ../hook-env.txt"],
            ["/bin/sh", "-c", `echo printed: "$SECRET_COPY" ${SECRET} ${TOKEN}`],
          ],
        },
      },
      { env: { SECRET_COPY: SECRET, TOKEN_COPY: TOKEN, UNRELATED_VAR: "kept" } },
    );
    const env = readFileSync(join(sc.app.root, "hook-env.txt"), "utf8");
    const [last] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(last.sha).toBe(shas[1]);
    expect(env).toContain(`DEPLOYER_APP=${sc.name}\n`);
    expect(env).toContain(`DEPLOYER_SHA=${shas[1]}\n`);
    expect(env).toContain(`DEPLOYER_DEPLOYMENT_ID=${last.id}\n`);
    expect(env).toContain("DEPLOYER_REF=refs/heads/main\n");
    expect(env).toContain(`DEPLOYER_PREVIOUS_SHA=${shas[0]}\n`);
    // The dump is the whole environment (not a filtered view), so a leak would show.
    expect(env).toContain("UNRELATED_VAR=kept\n");
    expect(env).not.toContain(SECRET);
    expect(env).not.toContain(TOKEN);
    // A hook that prints a secret gets it masked in the deployment log.
    const log = (await sc.server.api("GET", `/api/deployments/${last.id}/log`)).body as string;
    expect(log).toContain("printed:  [redacted] [redacted]");
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(TOKEN);
  });

  it("stops at a failing preDeploy hook before anything changes, and never runs that build later", async () => {
    const { sc } = await appWithGoodDeploys("prehook", ["good"], {
      hooks: { preDeploy: [["/bin/sh", "-c", "test ! -f block-deploy"]] },
    });
    const { app, server } = sc;
    const container = app.containerId();
    const { id } = await sc.push({ "web/version.txt": "blocked\n", "block-deploy": "x" });
    const d = await server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toContain("preDeploy hook");
    expect(d.rebuilt).toEqual(["web"]);
    expect(app.containerId()).toBe(container);
    expect(await app.served()).toBe("good");

    // Back to the deployed build context: nothing is rebuilt, so the old image must still be the one used.
    const next = await sc.push({ "block-deploy": null, "web/version.txt": "good\n", "README.md": "unblocked\n" });
    const n = await server.waitFor(next.id);
    expect(n.status, n.error ?? "").toBe("succeeded");
    expect(n.rebuilt).toEqual([]);
    expect(await app.served()).toBe("good");
  });

  it("kills a hanging build at its timeout, and the next push deploys", async () => {
    const { sc } = await appWithGoodDeploys("hangbuild", ["good"]);
    const { app } = sc;
    await sc.reconfigure({ timeouts: { build: 8 } });
    const { id } = await sc.push({ "web/Dockerfile": dockerfile("", slowStep(600)), "web/version.txt": "hang\n" });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toBe("timed out after 8 s in build");
    expectStoppedAt(d, ["build"], 8);
    expect(await app.served()).toBe("good");

    await sc.reconfigure({ timeouts: {} });
    const next = await sc.push({ "web/Dockerfile": dockerfile(), "web/version.txt": "next\n" });
    const n = await sc.server.waitFor(next.id);
    expect(n.status, n.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("next");
  });

  it("kills a hanging hook at the hooks timeout", async () => {
    const { sc, shas } = await appWithGoodDeploys("hanghook", ["good"]);
    await sc.reconfigure({ timeouts: { hooks: 3 }, hooks: { preDeploy: [["sleep", "600"]] } });
    const { id } = await sc.push({ "web/version.txt": "never\n" });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toBe("timed out after 3 s in preDeploy");
    expectStoppedAt(d, ["preDeploy"], 3);
    expect(sc.app.git(sc.app.checkout, "rev-parse", "HEAD")).toBe(shas[0]);
    expect(await sc.app.served()).toBe("good");
  });

  it("kills a hanging postDeploy hook at the hooks timeout, and rolls back", async () => {
    const { sc, shas } = await appWithGoodDeploys("hangpost", ["good"]);
    await sc.reconfigure({ timeouts: { hooks: 3 }, hooks: { postDeploy: [["sleep", "600"]] } });
    const { id } = await sc.push({ "web/version.txt": "never\n" });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toBe(`timed out after 3 s in postDeploy; rolled back to ${shas[0]}`);
    expectStoppedAt(d, ["postDeploy"], 3);
    expect(sc.app.git(sc.app.checkout, "rev-parse", "HEAD")).toBe(shas[0]);
    expect(await sc.app.served()).toBe("good");
  });

  it("stops a git fetch that hangs at the git timeout, and changes nothing", async () => {
    const { sc, shas } = await appWithGoodDeploys("hanggit", ["good"]);
    const { app } = sc;
    await sc.reconfigure({ timeouts: { git: 5 } });
    // An origin whose transport never answers: git's ext:: protocol running `sleep`.
    app.git(app.checkout, "config", "protocol.ext.allow", "always");
    app.git(app.checkout, "remote", "set-url", "origin", "ext::sleep 600");
    const { id } = await sc.push({ "web/version.txt": "never\n" });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    // The push's commit is fetched by the first step that needs it (filter, before sync).
    expect(d.error).toMatch(/^timed out after 5 s in (filter|sync)$/);
    expectStoppedAt(d, ["filter", "sync"], 5);
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(shas[0]);
    expect(await app.served()).toBe("good");
  });

  it("stops an `up` that hangs at the up timeout and rolls back", async () => {
    const { sc, shas } = await appWithGoodDeploys("hangup", ["good"]);
    const { app } = sc;
    // The automatic rollback's own `up` runs under the same budget: big enough for it on a loaded machine.
    await sc.reconfigure({ timeouts: { up: 20 } });
    // `gate` waits for web to be healthy, and web's first check is an hour away: `up` does not return.
    const stuck = composeFile(
      app.port,
      `    healthcheck:\n      test: ["CMD", "/bin/busybox", "true"]\n      interval: 1h\n`,
      `  gate:\n    image: ${app.image("web")}\n    command: ["sleep", "3600"]\n    depends_on:\n      web:\n        condition: service_healthy\n`,
    );
    const { id } = await sc.push({ "docker-compose.prod.yml": stuck });
    const d = await sc.server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/^timed out after 20 s in up; rolled back to /);
    expect(d.error).toContain(`rolled back to ${shas[0]}`);
    expectStoppedAt(d, ["up"], 20);
    expect(await app.served()).toBe("good");
  });
});
