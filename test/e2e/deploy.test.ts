import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { docker, dockerfile } from "../helpers/app-fixture.js";
import { appWithGoodDeploys, destroyScenarios, scenario } from "../helpers/e2e.js";
import { pushPayload } from "../helpers/github.js";

// Real git (bare repo as origin), real Docker engine, the real CLI server over HTTP.
// Every test builds its own app and server (helpers/e2e.ts), so each one runs alone with -t.
describe("push to deploy (e2e)", () => {
  afterEach(destroyScenarios);

  it("builds every service on the first deploy", async () => {
    const sc = await scenario("first");
    const { id, sha } = await sc.push({ "web/version.txt": "v2\n" }, "first deploy");
    const d = await sc.server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    expect(await sc.app.served()).toBe("v2");
    expect(sc.app.git(sc.app.checkout, "rev-parse", "HEAD")).toBe(sha);
  });

  it("serves a code push", async () => {
    const { sc, shas } = await appWithGoodDeploys("code", ["v2"]);
    const { app, server } = sc;
    const { id, sha } = await sc.push({ "web/version.txt": "v3\n" }, "code change");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.previousSha).toBe(shas[0]);
    expect(d.rebuilt).toEqual(["web"]);
    expect(await app.served()).toBe("v3");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(sha);
    const log = (await server.api("GET", `/api/deployments/${id}/log`)).body as string;
    expect(log).toContain("$ git fetch");
    expect(log).toContain("build web");
    // One summary line per step goes to the console and the log file (written asynchronously: wait for it).
    const steps = ["sync", "plan", "build", "up", "health", "finalize"];
    const logFile = await server.logFile(steps.map((step) => `${id} ${step} ok in`));
    for (const step of steps) {
      expect(logFile).toContain(`${id} ${step} ok in`);
      expect(server.output()).toContain(`${id} ${step} ok in`);
    }
  });

  it("recreates no container for a README-only push", async () => {
    const { sc } = await appWithGoodDeploys("docs", ["v2"]);
    const { app, server } = sc;
    const before = app.containerId();
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    const { id } = await sc.push({ "README.md": "# docs only\n", "web/notes.md": "dockerignored\n" }, "docs");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual([]);
    expect(app.containerId()).toBe(before);
    expect(await app.served()).toBe("v2");
  });

  it("rebuilds when the Dockerfile changes", async () => {
    const { sc } = await appWithGoodDeploys("dockerfile", ["v2"]);
    const { app, server } = sc;
    const { id } = await sc.push({ "web/Dockerfile": dockerfile('LABEL changed="yes"\n') }, "dockerfile");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    const image = docker("inspect", "--format", "{{.Config.Image}}", app.containerId());
    expect(image).toBe(app.image("web"));
    expect(docker("image", "inspect", "--format", '{{index .Config.Labels "changed"}}', image)).toBe("yes");
  });

  it("deploys the exact SHA of a force push", async () => {
    const { sc } = await appWithGoodDeploys("force", ["v2"]);
    const { app, server } = sc;
    const base = app.head();
    const doomed = await sc.push({ "web/version.txt": "doomed\n" }, "to be rewritten");
    await server.waitFor(doomed.id);
    app.git(app.work, "reset", "-q", "--hard", base);
    const sha = app.commit({ "web/version.txt": "forced\n" }, "rewritten");
    app.forcePush(sha);
    const res = await server.push(pushPayload({ fullName: app.fullName, after: sha }));
    expect(res.status).toBe(202);
    const d = await server.waitFor(res.body.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.previousSha).toBe(doomed.sha);
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(sha);
    expect(await app.served()).toBe("forced");
  });

  it("fails on local edits and keeps the old version serving", async () => {
    const { sc } = await appWithGoodDeploys("edits", ["v2"]);
    const { app, server } = sc;
    const headBefore = app.git(app.checkout, "rev-parse", "HEAD");
    writeFileSync(join(app.checkout, "README.md"), "edited on the server\n");
    const { id } = await sc.push({ "web/version.txt": "never\n" }, "blocked");
    const d = await server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toContain("README.md");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(headBefore);
    expect(await app.served()).toBe("v2");
  });

  it("leaves untracked files alone and honours REBUILD_TRIGGER until a deploy succeeds", async () => {
    const { sc } = await appWithGoodDeploys("trigger", ["v2"]);
    const { app, server } = sc;
    writeFileSync(join(app.checkout, ".env"), "SECRET_SETTING=1\n");
    mkdirSync(join(app.checkout, "data"), { recursive: true });
    writeFileSync(join(app.checkout, "data", "db.sqlite"), "precious");
    writeFileSync(join(app.checkout, "REBUILD_TRIGGER"), "");

    // A deploy that fails keeps the trigger for the next one.
    writeFileSync(join(app.checkout, "README.md"), "edited on the server\n");
    const failed = await sc.push({ "README.md": "# trigger 1\n" }, "docs");
    expect((await server.waitFor(failed.id)).status).toBe("failed");
    expect(existsSync(join(app.checkout, "REBUILD_TRIGGER"))).toBe(true);
    app.git(app.checkout, "checkout", "--", "README.md");

    const { id } = await sc.push({ "README.md": "# trigger 2\n" }, "docs again");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    expect(existsSync(join(app.checkout, "REBUILD_TRIGGER"))).toBe(false);
    expect(readFileSync(join(app.checkout, ".env"), "utf8")).toBe("SECRET_SETTING=1\n");
    expect(readFileSync(join(app.checkout, "data", "db.sqlite"), "utf8")).toBe("precious");
  });

  it("runs at most 2 deploys for a burst of 5 pushes and ends on the last commit", async () => {
    const { sc } = await appWithGoodDeploys("burst", ["v2"]);
    const { app, server } = sc;
    const ids: string[] = [];
    let last = "";
    for (let i = 1; i <= 5; i++) {
      const r = await sc.push({ "web/version.txt": `burst-${i}\n` }, `burst ${i}`);
      ids.push(r.id);
      last = r.sha;
    }
    const finals = [];
    for (const id of ids) finals.push(await server.waitFor(id));
    const ran = finals.filter((d) => d.status !== "superseded");
    expect(ran.length).toBeLessThanOrEqual(2);
    expect(finals.at(-1)?.status).toBe("succeeded");
    expect(finals.filter((d) => d.status === "superseded").length).toBe(5 - ran.length);
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(last);
    expect(await app.served()).toBe("burst-5");
  });

  it("keeps commit-tagged images of the last keepImages succeeded commits only", async () => {
    const { sc, shas } = await appWithGoodDeploys("keep", ["k1", "k2", "k3"], {}, { server: { keepImages: 2 } });
    const tags = docker("images", "--format", "{{.Tag}}", sc.app.image("web"))
      .split("\n")
      .filter((t) => t.startsWith("deployer-"));
    expect(tags.sort()).toEqual(
      shas
        .slice(-2)
        .map((sha) => `deployer-${sha}`)
        .sort(),
    );
  });
});
